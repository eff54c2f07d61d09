"""The renderer contract: a pure function of the result (and, for some, of past runs' counts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.core.result import RunResult

if TYPE_CHECKING:
    from auditor.evidence.render.html import TrendPoint


@dataclass(frozen=True)
class Renderer:
    name: str  # the --format value
    extension: str  # file name suffix, e.g. "json"
    media_type: str
    render: Callable[[RunResult], bytes]
    description: str = ""
    #: For formats that can show a trend of past runs (HTML, PDF): a pure function of the
    #: result and those runs' counts.
    render_with_trend: Callable[[RunResult, Sequence[TrendPoint]], bytes] | None = None

    def filename(self, stem: str = "report") -> str:
        return f"{stem}.{self.extension}"


__all__ = ["Renderer"]
