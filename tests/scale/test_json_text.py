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
    assert json_text._orjson({"f": 1.5}, indent=True) is None  # floats: the standard path
    assert json_text._orjson({"big": 2**70}, indent=False) is None
