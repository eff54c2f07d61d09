"""The PDF evidence report: reproducible bytes, an auditor's structure, colours and text that survive.

Read back with pypdf (pure Python, always installed with the test extra); one test also reads it
with poppler, a second and independent PDF reader, where poppler-utils is installed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from auditor.core.result import RunResult
from tests.system_deps import needs_pango, needs_poppler

pytestmark = needs_pango()


def _pdf():
    from auditor.evidence.render import pdf

    return pdf


def _reader(data: bytes):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in _reader(data).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- reproducible bytes ------------------------------------------------------------------------


def test_pdf_is_the_same_report(result: RunResult) -> None:
    pdf = _pdf()
    data = pdf.render(result)
    assert data.startswith(b"%PDF-")
    assert data == pdf.render(result)
    assert data == pdf.render(result.model_copy(deep=True))


def test_pdf_bytes_do_not_follow_the_clock_on_the_fonttools_path(
    result: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without HarfBuzz-subset WeasyPrint subsets fonts with fontTools, which stamps the current
    time into every subset: the flake issue 16 saw on fresh machines. Force that path and make
    the clock jump between two renders: the bytes must not change."""
    import time

    import weasyprint.pdf.fonts as fonts

    pdf = _pdf()
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    real = time.time
    offset = [0.0]

    def jumping() -> float:
        offset[0] += 86_400.0
        return real() + offset[0]

    monkeypatch.setattr(time, "time", jumping)
    first = pdf.render(result)
    second = pdf.render(result)
    assert first == second
    import os

    assert "SOURCE_DATE_EPOCH" not in os.environ  # restored after writing


def test_pdf_dates_and_identifier_come_from_the_result(result: RunResult) -> None:
    pdf = _pdf()
    data = pdf.render(result)
    reader = _reader(data)
    meta = reader.metadata
    assert meta.creation_date == result.started_at
    assert meta.modification_date == result.finished_at
    later = result.model_copy(
        update={
            "started_at": datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC),
            "finished_at": datetime(2027, 1, 2, 3, 5, 6, tzinfo=UTC),
        }
    )
    other = _reader(pdf.render(later))
    assert other.metadata.creation_date == later.started_at
    # a different report has a different file identifier; the same report the same one
    assert other.trailer["/ID"][0] != reader.trailer["/ID"][0]
    assert _reader(pdf.render(result)).trailer["/ID"][0] == reader.trailer["/ID"][0]


# --- what an auditor reads -----------------------------------------------------------------------


def test_pdf_cover_has_scope_profile_timeline_and_digests(result: RunResult) -> None:
    data = _pdf().render(result)
    cover = _flat(_reader(data).pages[0].extract_text())
    assert "BAA evidence report" in cover
    assert result.profile.baa_name in cover
    assert f"profile {result.profile.id}" in cover
    assert _flat(result.scope.label()) in cover
    for digest in result.inputs.values():
        assert digest in cover
    # the timeline in the order it happened: collected (08:55) before evaluated (09:00, 09:02)
    assert cover.index("Evidence collected") < cover.index("Evaluation started")
    assert cover.index("Evaluation started") < cover.index("Evaluated (run finished)")


def test_pdf_has_a_section_per_promise_with_clause_verdict_and_failing_resources(
    result: RunResult,
) -> None:
    text = _flat(_text(_pdf().render(result)))
    details = text.split("Promises in detail", 1)[1].split("Appendix A", 1)[0]
    for number, promise in enumerate(result.promises, start=1):
        assert f"{number}. {promise.verdict.replace('_', ' ')} {promise.id}" in details
        assert _flat(promise.clause)[:60] in details
    failing = [f for f in result.findings if f.status == "FAIL"]
    assert failing
    for finding in failing:
        assert (finding.resource.name or finding.resource.id)[:40] in details


def test_pdf_counts_passes_per_policy_and_itemizes_none(result: RunResult) -> None:
    text = _flat(_text(_pdf().render(result)))
    passing = [f for f in result.findings if f.status == "PASS"]
    assert passing
    for finding in passing:
        assert _flat(finding.message) not in text, finding.message
    assert re.search(r"AWS-ELB-001 .*?1 pass", text)


def test_pdf_appendix_lists_what_needs_attention_in_order(result: RunResult) -> None:
    text = _flat(_text(_pdf().render(result)))
    appendix = text.split("Appendix A", 1)[1]
    heads = [appendix.index(f"{status} {status}:") for status in ("FAIL", "ERROR", "MANUAL")]
    heads.append(appendix.index("WAIVED WAIVED:"))
    assert heads == sorted(heads)
    for finding in result.findings:
        shown = _flat(finding.message)[:50] in appendix
        assert shown == (finding.status not in ("PASS", "NOT_APPLICABLE")), finding.message
    assert "Vertex AI data-governance terms" in appendix  # MANUAL: what to attach
    assert "s3:GetBucketEncryption" in appendix and "AccessDenied" in appendix  # ERROR: why


def test_pdf_charts_keep_their_colours(result: RunResult) -> None:
    """Every status colour of the charts is drawn as a literal fill in the page content."""
    from pypdf.generic import ContentStream

    pdf = _pdf()
    page_html = pdf.render_pdf_html(result)
    assert "var(" not in page_html  # WeasyPrint does not resolve CSS variables in SVG
    reader = _reader(pdf.render(result))
    fills: set[tuple[float, float, float]] = set()
    for page in reader.pages:
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"rg":
                fills.add(tuple(round(float(x), 2) for x in operands))
    for status in ("FAIL", "ERROR", "MANUAL", "WAIVED", "PASS", "NOT_APPLICABLE"):
        hexa = pdf.COLOURS[status].lstrip("#")
        rgb = tuple(round(int(hexa[i : i + 2], 16) / 255, 2) for i in (0, 2, 4))
        assert rgb in fills, status


def test_pdf_chart_labels_wrap_instead_of_clipping() -> None:
    pdf = _pdf()
    long = "Organization-wide audit logging of every PHI access by administrators"
    chart = pdf.chart("t", [(long, {"FAIL": 1}), ("short", {"PASS": 2})])
    assert chart is not None
    lines = chart.bars[0].lines
    assert len(lines) > 1 and " ".join(lines) == long
    assert all(len(line) <= 32 for line in lines)
    assert chart.bars[1].y >= chart.bars[0].y + chart.bars[0].height


def test_pdf_clips_huge_values_instead_of_laying_them_out(result: RunResult) -> None:
    pdf = _pdf()
    finding = next(f for f in result.findings if f.status == "FAIL")
    huge = finding.model_copy(update={"message": "word " * 20_000, "evidence": {"x": "y" * 50_000}})
    big = result.model_copy(update={"findings": [huge]})
    page_html = pdf.render_pdf_html(big)
    assert len(page_html) < 60_000
    assert "[...]" in page_html
    assert len(_reader(pdf.render(big)).pages) < 10


def test_pdf_names_a_workspace_customer_as_such(result: RunResult) -> None:
    pdf = _pdf()
    finding = next(f for f in result.findings if f.status == "FAIL")
    user = finding.resource.model_copy(
        update={"provider": "gcp", "account": "C0abc123", "type": "gcp.directory.user"}
    )
    page_html = pdf.render_pdf_html(
        result.model_copy(update={"findings": [finding.model_copy(update={"resource": user})]})
    )
    assert "Google Workspace customer C0abc123" in page_html
    assert "project C0abc123" not in page_html


@needs_poppler()
def test_pdf_reads_back_in_poppler(result: RunResult, tmp_path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf().render(result))
    assert shutil.which("pdfinfo")
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert re.search(r"^Pages:\s+\d+$", info.stdout, re.M)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "2", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "BAA evidence report" in text
    assert "What the BAA promises" in text
    assert "Encryption in transit: TLS 1.3 for all data transmission" in _flat(text)
