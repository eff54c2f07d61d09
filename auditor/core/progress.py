"""Progress on stderr: a bar on a terminal, quiet line-oriented progress otherwise.

Collectors receive a :class:`Progress` and never print. Nothing passed here may hold PHI or
secrets: only counts, resource types, accounts and regions.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from auditor.core.text import for_terminal


class Progress(Protocol):
    def task(self, description: str, total: int | None = None) -> int: ...

    def advance(self, task_id: int, amount: int = 1) -> None: ...

    def done(self, task_id: int) -> None: ...

    def note(self, message: str) -> None: ...


class NullProgress:
    """Progress that goes nowhere (tests, --quiet)."""

    def task(self, description: str, total: int | None = None) -> int:
        return 0

    def advance(self, task_id: int, amount: int = 1) -> None:
        return None

    def done(self, task_id: int) -> None:
        return None

    def note(self, message: str) -> None:
        return None


class LineProgress:
    """One line per finished task and per note: for logs of unattended jobs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._tasks: dict[int, tuple[str, float, int]] = {}
        self._next = 0

    def task(self, description: str, total: int | None = None) -> int:
        self._next += 1
        self._tasks[self._next] = (for_terminal(description), time.monotonic(), 0)
        return self._next

    def advance(self, task_id: int, amount: int = 1) -> None:
        desc, start, count = self._tasks.get(task_id, ("", time.monotonic(), 0))
        self._tasks[task_id] = (desc, start, count + amount)

    def done(self, task_id: int) -> None:
        desc, start, count = self._tasks.pop(task_id, ("", time.monotonic(), 0))
        if desc:
            print(
                f"baa-audit: {desc}: {count} done in {time.monotonic() - start:.1f}s",
                file=self.stream,
            )

    def note(self, message: str) -> None:
        print(f"baa-audit: {for_terminal(message)}", file=self.stream)


class BarProgress:
    """A rich progress display on a terminal (stderr)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._progress.start()

    def task(self, description: str, total: int | None = None) -> int:
        text = for_terminal(description).replace("[", "\\[")  # not rich markup
        return int(self._progress.add_task(text, total=total))

    def advance(self, task_id: int, amount: int = 1) -> None:
        self._progress.advance(task_id, amount)  # type: ignore[arg-type]

    def done(self, task_id: int) -> None:
        self._progress.remove_task(task_id)  # type: ignore[arg-type]

    def note(self, message: str) -> None:
        self._console.print(f"baa-audit: {for_terminal(message)}", markup=False, highlight=False)

    def close(self) -> None:
        self._progress.stop()


def make_progress(quiet: bool = False) -> Progress:
    if quiet:
        return NullProgress()
    if sys.stderr.isatty():
        return BarProgress()
    return LineProgress()


def close_progress(progress: Progress) -> None:
    if isinstance(progress, BarProgress):
        progress.close()


__all__ = [
    "BarProgress",
    "LineProgress",
    "NullProgress",
    "Progress",
    "close_progress",
    "make_progress",
]
