"""The renderer contract: a pure function of the result (and, for some, of past runs' counts).

A renderer that can write its output piece by piece also gives ``chunks``: the same bytes as
``render`` (or ``render_with_trend``), produced as they are made, reading the findings through
:meth:`~auditor.core.result.RunResult.iter_findings` (a result loaded with ``stream=True`` reads
them from its findings file on each pass). With it, a report of a million findings holds neither
the findings nor the output in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
    #: The output in pieces (see the module docstring); ``b"".join`` of them is what
    #: ``render_with_trend`` (with a trend) or ``render`` (with none) returns.
    chunks: Callable[[RunResult, Sequence[TrendPoint]], Iterable[bytes]] | None = None

    def filename(self, stem: str = "report") -> str:
        return f"{stem}.{self.extension}"


__all__ = ["Renderer"]
