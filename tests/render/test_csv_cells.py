"""The CSV formula guard, one C match per cell, guards exactly the cells the plain definition
does (after control characters are neutralised: a start of ``=``, ``+``, ``-``, ``@``, TAB, CR, LF or their full-width forms, also after
the spaces a spreadsheet skips), in safe_cell and in every cell of a row."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from auditor.core.text import neutralise
from auditor.evidence.render import csv as csv_render
from tests.render.report_sample import build_result

_STARTS = csv_render._FORMULA_START
_CELLS = st.text(alphabet=st.sampled_from([*_STARTS, " ", "\u00a0", "\u3000", "a", "1", "'", "é"]))


def _plain(value: str) -> str:
    if value.startswith(_STARTS) or value.lstrip(" \u00a0\u3000").startswith(_STARTS):
        return "'" + value
    return value


@settings(max_examples=500, deadline=None)
@given(_CELLS | st.text(max_size=12))
@example("")
@example("\u3000 \u00a0=1")
@example("a=1")
def test_safe_cell_is_the_plain_definition(value: str) -> None:
    assert csv_render.safe_cell(value) == _plain(value)


@settings(max_examples=60, deadline=None)
@given(_CELLS, _CELLS)
def test_every_cell_of_a_row_is_guarded(name: str, message: str) -> None:
    result = build_result()
    finding = result.findings[0]
    resource = finding.resource.model_copy(update={"name": name})
    evil = finding.model_copy(update={"resource": resource, "message": message})
    data = csv_render.render(result.model_copy(update={"findings": [evil]})).decode()
    row = list(csv.reader(io.StringIO(data)))[1]
    assert row[csv_render.COLUMNS.index("resource_name")] == _plain(neutralise(name))
    assert row[csv_render.COLUMNS.index("message")] == _plain(neutralise(message))
