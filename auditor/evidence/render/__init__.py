"""The explicit registry of renderers: ``--format`` name -> :class:`Renderer`.

Every renderer is a pure function of :class:`~auditor.core.result.RunResult`.
"""

from __future__ import annotations

from auditor.evidence.render import csv as csv_renderer
from auditor.evidence.render import html as html_renderer
from auditor.evidence.render import json as json_renderer
from auditor.evidence.render import junit as junit_renderer
from auditor.evidence.render import markdown as markdown_renderer
from auditor.evidence.render import ocsf as ocsf_renderer
from auditor.evidence.render import pdf as pdf_renderer
from auditor.evidence.render import sarif as sarif_renderer
from auditor.evidence.render.base import Renderer

RENDERERS: dict[str, Renderer] = {
    "json": Renderer(
        "json",
        "json",
        "application/json",
        json_renderer.render,
        "the result JSON (contract)",
        chunks=json_renderer.chunks,
    ),
    "markdown": Renderer(
        "markdown",
        "md",
        "text/markdown",
        markdown_renderer.render,
        "Markdown summary",
        chunks=markdown_renderer.chunks,
    ),
    "html": Renderer(
        "html",
        html_renderer.EXTENSION,
        html_renderer.MEDIA_TYPE,
        html_renderer.render,
        "HTML evidence report (self-contained, prints to PDF)",
        html_renderer.render_with_trend,
        chunks=html_renderer.chunks,
    ),
    "pdf": Renderer(
        "pdf",
        pdf_renderer.EXTENSION,
        pdf_renderer.MEDIA_TYPE,
        pdf_renderer.render,
        "the HTML evidence report as PDF (extra 'reports')",
        pdf_renderer.render_with_trend,
    ),
    "sarif": Renderer(
        "sarif",
        sarif_renderer.EXTENSION,
        sarif_renderer.MEDIA_TYPE,
        sarif_renderer.render,
        "SARIF 2.1.0 for code-scanning dashboards",
        chunks=sarif_renderer.chunks,
    ),
    "junit": Renderer(
        "junit",
        junit_renderer.EXTENSION,
        junit_renderer.MEDIA_TYPE,
        junit_renderer.render,
        "JUnit XML, a testcase per finding",
        chunks=junit_renderer.chunks,
    ),
    "csv": Renderer(
        "csv",
        csv_renderer.EXTENSION,
        csv_renderer.MEDIA_TYPE,
        csv_renderer.render,
        "a row per finding",
        chunks=csv_renderer.chunks,
    ),
    "ocsf": Renderer(
        "ocsf",
        ocsf_renderer.EXTENSION,
        ocsf_renderer.MEDIA_TYPE,
        ocsf_renderer.render,
        "OCSF Compliance Finding events (class 2003; extra 'reports')",
        chunks=ocsf_renderer.chunks,
    ),
}

DEFAULT_FORMATS: tuple[str, ...] = ("json", "markdown")

__all__ = ["DEFAULT_FORMATS", "RENDERERS", "Renderer"]
