"""The renderer contract: a pure function of the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.result import RunResult


@dataclass(frozen=True)
class Renderer:
    name: str  # the --format value
    extension: str  # file name suffix, e.g. "json"
    media_type: str
    render: Callable[[RunResult], bytes]
    description: str = ""

    def filename(self, stem: str = "report") -> str:
        return f"{stem}.{self.extension}"


__all__ = ["Renderer"]
