"""One exception tree for the whole tool.

Every error a user can cause is a :class:`BaaAuditError`; the CLI prints its one-line ``str`` and
exits 2. Errors carry the file and line, or the permission and the API call, that caused them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BaaAuditError(Exception):
    """Base class of every error the tool raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One mistake in an input file, located as precisely as the parser allows."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class InputError(BaaAuditError):
    """A user-supplied input (file, flag, profile name) is missing or malformed. Exit code 2."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        if self.file:
            where = f"{self.file}:{line}" if line else self.file
            message = f"{where}: {message}"
        super().__init__(message)


class ValidationFailed(InputError):
    """One or more problems found while loading policies, profiles, catalogs or waivers."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0]) if problems else "validation failed"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)

    def details(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class CollectionError(BaaAuditError):
    """A collector could not start at all (no credentials, bad scope). Exit code 2.

    Failures of single API calls are *not* exceptions: they become gaps in the inventory.
    """


__all__ = ["BaaAuditError", "CollectionError", "InputError", "Problem", "ValidationFailed"]
