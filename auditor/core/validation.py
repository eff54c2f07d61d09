"""Turning pydantic validation errors on YAML input into located problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.core.errors import Problem
from auditor.core.yamlio import line_of


def problems_from(
    exc: ValidationError, file: str | Path, node: Any, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        line = line_of(node, *prefix, *loc)
        where = ".".join(str(p) for p in (*prefix, *loc)) or "document"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        problems.append(Problem(str(file), line, f"{where}: {msg}"))
    return problems


__all__ = ["problems_from"]
