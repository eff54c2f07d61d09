"""The explicit registry of renderers: ``--format`` name -> :class:`Renderer`.

Every renderer is a pure function of :class:`~auditor.result.RunResult`.
"""

from __future__ import annotations

from auditor.render import json as json_renderer
from auditor.render import markdown as markdown_renderer
from auditor.render.base import Renderer

RENDERERS: dict[str, Renderer] = {
    "json": Renderer(
        "json", "json", "application/json", json_renderer.render, "the result JSON (contract)"
    ),
    "markdown": Renderer(
        "markdown", "md", "text/markdown", markdown_renderer.render, "Markdown summary"
    ),
}

DEFAULT_FORMATS: tuple[str, ...] = ("json", "markdown")

__all__ = ["DEFAULT_FORMATS", "RENDERERS", "Renderer"]
