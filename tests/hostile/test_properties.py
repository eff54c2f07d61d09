"""Property-based tests over the parsers and the text functions (Hypothesis).

Whatever the bytes: the parsers return a value or raise the tool's own InputError / YamlError,
never anything else; the prefilter that lets most snapshot lines skip the sanitizing walk never
lets a change through; neutralised text holds no character that acts; the CSV guard holds.
"""

from __future__ import annotations

import contextlib
import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from auditor.core.errors import InputError
from auditor.core.redact import redact_text
from auditor.core.safe_load import (
    SNAPSHOT,
    Limits,
    needs_sanitizing,
    parse_json,
    parse_json_document,
    parse_json_line,
    sanitize,
)
from auditor.core.text import _UNSAFE_OR_NEWLINE, neutralise
from auditor.core.yamlio import YamlError, parse_yaml
from tests.hostile.inputs import PLANTED

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LIMITS = Limits("test", max_bytes=1 << 20, max_depth=16, max_string=10_000)

json_scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)

SECRETS = [
    PLANTED,
    "ghp_" + "a" * 36,
    "postgres://app:pw123@db:5432/x",
    "Bearer abcdef1234567890",
    "password=hunter2",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
]
strings_with_secrets = (
    st.text(max_size=20)
    | st.sampled_from(SECRETS)
    | st.builds(
        lambda a, s, b: f"{a} {s} {b}",
        st.text(max_size=10),
        st.sampled_from(SECRETS),
        st.text(max_size=10),
    )
)


@SETTINGS
@given(st.binary(max_size=400))
@example(b"[" * 5000)
@example(b'{"a": 1, "a": 2}')
@example(b"\xff\xfe")
@example(b'{"x": NaN}')
@example(b"1e999")
def test_parse_json_returns_or_raises_input_error(data: bytes) -> None:
    try:
        sanitize(parse_json(data, "f.json", LIMITS), LIMITS, "f.json")
    except InputError as exc:
        assert str(exc).startswith("f.json")


@SETTINGS
@given(json_values)
def test_sanitize_returns_or_raises_input_error(value: object) -> None:
    try:
        sanitize(value, LIMITS, "f.json")
    except InputError as exc:
        assert str(exc).startswith("f.json")


@SETTINGS
@given(st.text(max_size=300))
@example("a: &a [*a]")
@example("a: " + "[" * 3000)
@example("d: 2027-02-30")
@example("\x1b")
@example("a: !!python/object:os.system x")
def test_parse_yaml_returns_or_raises_yaml_error(text: str) -> None:
    with contextlib.suppress(YamlError):
        parse_yaml(text)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(["id", "name", "tags", "labels", "note", "db_password", "environment"]),
        st.recursive(
            strings_with_secrets | st.integers(-(2**63), 2**63 - 1) | st.booleans(),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["name", "value", "DB_PASSWORD", "x", "key"]), inner, max_size=3
                )
            ),
            max_leaves=10,
        ),
        max_size=6,
    )
)
def test_the_prefilter_never_lets_a_change_through(data: dict[str, object]) -> None:
    """A record the prefilter passes is one :func:`sanitize` would leave unchanged."""
    raw = (json.dumps({"kind": "resource", "data": data}, separators=(",", ":")) + "\n").encode()
    record = parse_json(raw, "s.jsonl", SNAPSHOT)
    if not needs_sanitizing(raw, SNAPSHOT):
        _, changed = sanitize(record, SNAPSHOT, "s.jsonl")
        assert not changed


@SETTINGS
@given(st.text())
@example("\x1b]0;title\x07")
@example("\u202eabc")
@example("\x00\x9b\ud800")
def test_neutralised_text_holds_nothing_that_acts(text: str) -> None:
    one_line = neutralise(text, keep_newlines=False)
    assert _UNSAFE_OR_NEWLINE.search(one_line) is None
    assert neutralise(one_line, keep_newlines=False) == one_line
    assert set(neutralise(text)) <= set(one_line) | {"\n", "\t"}


@SETTINGS
@given(st.text(alphabet=string.printable + " \u00a0\u3000=+-@\uff1d", max_size=30))
def test_no_csv_cell_starts_a_formula(value: str) -> None:
    from auditor.evidence.render.csv import _FORMULA_START, safe_cell

    cell = safe_cell(value)
    if cell != value:
        assert cell == "'" + value
    else:
        assert not value.lstrip(" \u00a0\u3000").startswith(_FORMULA_START)


@SETTINGS
@given(st.text(max_size=40), st.text(max_size=40))
def test_a_planted_key_is_redacted_wherever_it_stands(before: str, after: str) -> None:
    assume(not before[-1:].isalnum() and not after[:1].isalnum())
    text = f"{before}{PLANTED}{after}"
    redacted = redact_text(text)
    assert PLANTED not in redacted
    assert redact_text(redacted) == redacted


@pytest.fixture(scope="module")
def good_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.hostile.inputs import write_snapshot

    return write_snapshot(tmp_path_factory.mktemp("prop") / "s.jsonl")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mutated_snapshot_loads_or_is_an_input_error(
    good_snapshot: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    from auditor.core.inventory import load_snapshot

    raw = bytearray(good_snapshot.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at : at + 1] = data.draw(st.binary(min_size=0, max_size=3))
    path = tmp_path_factory.mktemp("m") / "s.jsonl"
    path.write_bytes(bytes(raw))
    try:
        load_snapshot(path)
    except InputError as exc:
        assert str(path) in str(exc)


@pytest.fixture(scope="module")
def good_result(good_snapshot: Path) -> dict[str, object]:
    from tests.hostile.inputs import evaluate_result

    path = evaluate_result(good_snapshot, good_snapshot.parent / "run")
    return dict(json.loads(path.read_text()))


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mutated_result_loads_consistent_or_is_an_input_error(
    good_result: dict[str, object], good_snapshot: Path, data: st.DataObject
) -> None:
    import copy

    from auditor.core.findings_io import load_result
    from auditor.core.result import consistency_problems

    document = copy.deepcopy(good_result)
    where = data.draw(st.sampled_from(_paths(document)[1:]))
    node: object = document
    for key in where[:-1]:
        node = node[key]  # type: ignore[index]
    node[where[-1]] = data.draw(json_values)  # type: ignore[index]
    path = good_snapshot.parent / "mutated.json"
    path.write_text(json.dumps(document))
    try:
        result = load_result(path)
    except InputError as exc:
        assert str(path) in str(exc)
        return
    assert consistency_problems(result) == []


def _strict_or_error(data: bytes) -> tuple[str, object]:
    """What the strict reader makes of ``data``: ("value", v) or ("error", message)."""
    try:
        return "value", parse_json(data, "f.jsonl", LIMITS, line=3)
    except InputError as exc:
        return "error", str(exc)


def _line_or_error(data: bytes) -> tuple[str, object]:
    try:
        return "value", parse_json_line(data, "f.jsonl", LIMITS, line=3)
    except InputError as exc:
        return "error", str(exc)


def _same(a: tuple[str, object], b: tuple[str, object]) -> bool:
    # NaN never equals itself; compare the JSON text of values instead
    if a[0] == "value" and b[0] == "value":
        return json.dumps(a[1], sort_keys=True) == json.dumps(b[1], sort_keys=True)
    return a == b


records = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


@SETTINGS
@given(records, st.booleans())
@example({"id": "5129858735475548164", "n": 2**63 - 1}, False)
@example({"n": 2**63}, False)
@example({"n": 2**64 - 1}, False)
@example({"n": [2**63]}, False)
@example({"n": -(2**63)}, False)
@example({"x": 1e16, "y": 0.1}, False)
def test_a_line_is_read_as_the_strict_reader_reads_it(
    record: dict[str, object], spaced: bool
) -> None:
    """The C path for lines this tool writes (:func:`parse_json_line`) gives what the strict
    reader gives, value or error, for records in the tool's own form and in others."""
    if spaced:
        text = json.dumps(record, ensure_ascii=False)
    else:
        text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = text.encode("utf-8", "surrogatepass") + b"\n"
    assert _same(_line_or_error(data), _strict_or_error(data))


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1,"a":2}\n',  # a duplicate key orjson would silently drop
        b'{"a":{"b":1,"b":1}}',
        b'{"n":9223372036854775808}',  # 2**63: orjson reads it, the bound refuses it
        b'{"n":18446744073709551615}',
        b'{"n":[1,9223372036854775808]}',
        b'{"x":NaN}',
        b'{"x":Infinity}',
        b'{"x":1e999}',
        b'{"x":"\\ud800"}',
        b'{"x":"\xff"}',
        b"\xef\xbb\xbf{}",
        b"",
        b"[" * 2000,
    ],
)
def test_hostile_lines_get_the_strict_readers_verdict(data: bytes) -> None:
    assert _same(_line_or_error(data), _strict_or_error(data))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a":1,"a":2}\n', "f.jsonl:3: duplicate key 'a' in one JSON object"),
        (b'{"n":9223372036854775808}', "f.jsonl:3: integer out of range"),
    ],
)
def test_what_orjson_would_accept_is_still_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_json_line(data, "f.jsonl", LIMITS, line=3)
    assert str(caught.value).startswith(message)


def test_lines_in_the_tools_own_form_take_the_c_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is really taken for the tool's own lines (19-digit ids in strings too), and
    the strict reader for anything else."""
    import auditor.core.safe_load as safe_load

    calls: list[object] = []
    real = safe_load.parse_json

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_load, "parse_json", counting)
    own = b'{"data":{"id":"5129858735475548164","n":12},"kind":"resource"}\n'
    assert parse_json_line(own, "f", LIMITS)["data"]["n"] == 12
    assert calls == []
    parse_json_line(b'{"kind": "resource"}\n', "f", LIMITS)
    parse_json_line(b'{"n":9223372036854775807}', "f", LIMITS)
    assert len(calls) == 2


def _document_or_error(data: bytes) -> tuple[str, object]:
    try:
        return "value", parse_json_document(data, "f.jsonl", LIMITS)[0]
    except InputError as exc:
        return "error", str(exc)


def _strict_document(data: bytes) -> tuple[str, object]:
    try:
        return "value", parse_json(data, "f.jsonl", LIMITS)
    except InputError as exc:
        return "error", str(exc)


@SETTINGS
@given(records, st.booleans())
@example({"n": 2**63, "m": [2**64 - 1]}, False)
@example({"x": 0.9, "y": 1e16, "z": [1e-7]}, False)
def test_a_document_is_read_as_the_strict_reader_reads_it(
    record: dict[str, object], compact: bool
) -> None:
    """result.json as this tool writes it (indented, sorted keys) takes the C path
    (:func:`parse_json_document`) and gives what the strict reader gives, value or error."""
    if compact:
        text = json.dumps(record, ensure_ascii=False)
    else:
        text = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    assert _same(_document_or_error(data), _strict_document(data))


@pytest.mark.parametrize(
    "data",
    [
        b'{\n  "a": 1,\n  "a": 2\n}\n',
        b'{\n  "n": 9223372036854775808\n}\n',
        b'{\n  "n": [\n    18446744073709551615\n  ]\n}\n',
        b'{\n  "x": NaN\n}\n',
        b"\xef\xbb\xbf{}",
    ],
)
def test_hostile_documents_get_the_strict_readers_verdict(data: bytes) -> None:
    assert _same(_document_or_error(data), _strict_document(data))


@SETTINGS
@given(st.text(alphabet='ab"', max_size=60), st.integers(1, 12))
@example('"' + "a" * 5, 5)
@example("a" * 5 + '"', 5)
@example("a" * 4 + '"' + "a" * 4, 5)
def test_the_long_run_check_is_the_plain_search(text: str, length: int) -> None:
    """The renderers' check for a string too long to show whole (:func:`_long_run`, one pass)
    answers as the plain search for ``length`` non-quote characters in a row."""
    from auditor.core.text import _long_run

    assert _long_run(text, length) == (re.search(f'[^"]{{{length}}}', text) is not None)
