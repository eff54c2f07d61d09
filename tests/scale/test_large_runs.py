"""What keeps a large run usable: the findings table stops at a row limit (the reports hold every
finding), and redaction before writing walks only the findings that may hold a secret."""

from __future__ import annotations

from auditor.core.result import Finding
from auditor.core.safe_load import clean_result
from auditor.evidence.render.terminal import attention, render_table
from tests.render.report_sample import build_result


def test_table_stops_at_max_rows_and_says_how_many_more() -> None:
    result = build_result()
    rows, total = attention(result, False)
    assert len(rows) == total > 2
    first, counted = attention(result, False, limit=2)
    assert first == rows[:2] and counted == total  # the limit keeps the order of the whole
    text = render_table(result, max_rows=2)
    assert f"... and {len(rows) - 2:,} more rows like these" in text
    assert text.rstrip().endswith(f"against profile {result.profile.id}")
    assert "more rows" not in render_table(result, max_rows=len(rows))
    assert "more rows" not in render_table(result)


def test_clean_result_redacts_a_secret_in_one_finding_and_keeps_the_rest() -> None:
    result = build_result()
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    dirty: Finding = result.findings[1].model_copy(update={"message": f"found {key}"})
    findings = [result.findings[0], dirty, *result.findings[2:]]
    cleaned = clean_result(result.model_copy(update={"findings": findings}))
    assert key not in cleaned.model_dump_json()
    assert cleaned.findings[0] is result.findings[0]
    assert cleaned.findings[2:] == result.findings[2:]
    assert "found " in cleaned.findings[1].message


def test_clean_result_returns_a_clean_result_itself() -> None:
    result = clean_result(build_result())
    assert clean_result(result) is result


def test_clean_result_redacts_outside_the_findings() -> None:
    result = build_result()
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    cleaned = clean_result(result.model_copy(update={"warnings": [f"warning {key}"]}))
    assert key not in cleaned.model_dump_json()
    assert cleaned.findings == result.findings
