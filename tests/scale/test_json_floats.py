"""JSON documents (result.json, SARIF, OCSF) are json.dumps(indent=2, sort_keys=True)
byte for byte, also when orjson writes them because every float is written alike."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.core import json_text as json_doc

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


def _stdlib(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_bytes_as_the_standard_library(value: Any) -> None:
    try:
        expected = _stdlib(value)
    except UnicodeEncodeError:  # a lone surrogate: neither writes it
        return
    assert json_doc.document_bytes(value) == expected


def test_floats_written_differently_are_left_to_the_standard_path() -> None:
    tricky = [0.9, 365.0, -0.0, 0.0, 1e16, 1e-05, 5e-324, 1.2345678901234568e17]
    for number in [*tricky, float("nan"), float("inf"), float("-inf")]:
        value = {"evidence": {"x": number, "xs": [1, number, "0.5"]}}
        assert json_doc.document_bytes(value) == _stdlib(value)
    # at least one of them is written differently by orjson, so the check is not vacuous
    assert not all(json_doc._written_alike(n) for n in [*tricky, float("nan")])


def test_orjson_writes_documents_whose_floats_are_written_alike() -> None:
    value = {"b": [0.85, 90.0, "x"], "a": {"t": (1, 0.5)}}
    assert json_doc._floats(value) == {0.85, 90.0, 0.5}
    assert all(json_doc._written_alike(n) for n in json_doc._floats(value))
    expected = orjson.dumps(
        value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    )
    assert json_doc.document_bytes(value) == expected == _stdlib(value)


def test_a_value_json_does_not_know_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        json_doc.document_bytes({"x": object()})
