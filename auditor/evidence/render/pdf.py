"""The HTML evidence report as PDF, for teams that must attach one.

Rendered by WeasyPrint from the very same HTML (its print CSS sets A4 pages, page numbers and page
breaks). WeasyPrint is an optional dependency (extra ``reports``) that needs Pango from the
system: on Debian/Ubuntu ``apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0``.
The renderer never lets WeasyPrint fetch anything: the report is self-contained, and the URL
fetcher refuses every URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from auditor.core.errors import BaaAuditError
from auditor.core.result import RunResult
from auditor.core.text import PDF_MAX_CHARS, REPORT_MAX_ITEMS, for_humans
from auditor.evidence.render.html import TrendPoint, render_html

MEDIA_TYPE = "application/pdf"
EXTENSION = "pdf"

#: Above this many findings the PDF itemizes only what needs attention (FAIL, ERROR, MANUAL,
#: WAIVED); PASS and NOT_APPLICABLE stay counted, itemized in the HTML report and result.json.
#: WeasyPrint lays out tens of findings a second (bench/render_bench.py), so a full itemization
#: of a large estate would take many minutes.
PASS_DETAIL_LIMIT = 1000


class PdfUnavailable(BaaAuditError):
    """WeasyPrint (extra ``reports``) or the system libraries it needs are missing."""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the evidence report fetches nothing (refused {url[:80]})")


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(
            "--format pdf needs WeasyPrint: pip install 'baa-audit[reports]'"
        ) from exc
    except OSError as exc:  # the Python package is there, Pango is not
        raise PdfUnavailable(
            "--format pdf needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"libharfbuzz-subset0 ({exc})"
        ) from exc
    return weasyprint


def render(result: RunResult) -> bytes:
    return render_with_trend(result, ())


def render_with_trend(result: RunResult, trend: Sequence[TrendPoint]) -> bytes:
    weasyprint = _weasyprint()
    # bounded layout: every string neutralised, long values cut sooner than in the HTML, with a note
    result = for_humans(result, PDF_MAX_CHARS, REPORT_MAX_ITEMS)
    pass_detail = len(result.findings) <= PASS_DETAIL_LIMIT
    html = render_html(result, trend=trend or None, pass_detail=pass_detail)
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch)
    # Fixed metadata keeps the PDF a pure function of the result.
    pdf: bytes = document.write_pdf(
        pdf_identifier=b"baa-audit-report",
        custom_metadata=False,
    )
    return pdf


__all__ = [
    "EXTENSION",
    "MEDIA_TYPE",
    "PASS_DETAIL_LIMIT",
    "PdfUnavailable",
    "render",
    "render_with_trend",
]
