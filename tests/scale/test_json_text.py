"""result.json's text, built faster, is json.dumps(indent=2, sort_keys=True) byte for byte."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.core.json_text import dumps_indented
from auditor.evidence.render import RENDERERS
from tests.render.report_sample import build_result

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


def _stdlib(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(values)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert dumps_indented(value) == _stdlib(value)


def test_unusual_values_fall_back_to_the_standard_library() -> None:
    for value in ({1: "a", 2: "b"}, {"t": (1, 2)}, [float("nan")], {"x": float("inf")}):
        assert dumps_indented(value) == _stdlib(value)


def test_result_json_is_unchanged() -> None:
    result = build_result()
    expected = (_stdlib(result.model_dump(mode="json")) + "\n").encode()
    assert RENDERERS["json"].render(result) == expected


@settings(max_examples=300, deadline=None)
@given(values)
def test_compact_lines_are_the_standard_library_text(value: Any) -> None:
    from auditor.core.json_text import dumps_sorted_compact

    expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert dumps_sorted_compact(value) == expected.encode("utf-8", "surrogatepass")


def test_the_fast_writer_is_the_one_used_for_plain_documents() -> None:
    from auditor.core import json_text

    plain = {"b": [1, "\u202e\x1b", None, True], "a": {"z": "é", "y": []}}
    assert json_text._orjson(plain, indent=True) is not None
    assert (
        json_text._orjson({"f": 1e-05}, indent=True) is None
    )  # written otherwise: the standard path
    assert json_text._orjson({"f": 1.5}, indent=True) is not None  # written alike
    assert json_text._orjson({"big": 2**70}, indent=False) is None


def _untyped_paths(schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(paths of values with no type at all, paths typed as numbers) in a JSON schema."""
    defs = schema.get("$defs", {})
    untyped: list[str] = []
    numbers: list[str] = []

    def walk(node: Any, path: str, seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], path, seen | {name})
            return
        if node.get("type") == "number":
            numbers.append(path)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                walk(option, path, seen)
        if "properties" in node:
            for name, sub in node["properties"].items():
                walk(sub, f"{path}.{name}", seen)
        if "items" in node:
            walk(node["items"], f"{path}[]", seen)
        extra = node.get("additionalProperties")
        if extra is True or extra == {}:
            untyped.append(path)
        elif isinstance(extra, dict):
            walk(extra, f"{path}{{}}", seen)
        elif node.get("type") == "object" and "properties" not in node:
            untyped.append(path)
        if not set(node) - {"title", "description", "default"}:
            untyped.append(path)

    walk(schema, "", frozenset())
    return untyped, numbers


def test_a_finding_can_hold_a_float_only_in_its_evidence() -> None:
    """``finding_line`` looks for floats in ``evidence`` alone (:func:`dumps_sorted_compact`'s
    ``floats_in``): that is only sound while no other field of a finding can hold one."""
    from auditor.core.result import Finding

    untyped, numbers = _untyped_paths(Finding.model_json_schema())
    assert numbers == []
    assert set(untyped) == {".evidence"}


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=4))
def test_finding_lines_are_the_standard_library_text(evidence: dict[str, Any]) -> None:
    from auditor.core.findings_io import finding_line

    finding = build_result().findings[0].model_copy(update={"evidence": evidence})
    data = finding.model_dump(mode="json")
    expected = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert finding_line(finding) == expected.encode("utf-8", "surrogatepass") + b"\n"
