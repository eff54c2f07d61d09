"""Turning pydantic validation errors on YAML input into located problems, and validating
untrusted data strictly.

:func:`validate_strict` validates data read from a file with pydantic's strict JSON semantics
(the same as a snapshot line gets): ``"yes"`` or ``1`` is not a boolean, ``"1"`` or ``1.5`` not
an integer, while dates and date-times may be written as text. Every mistake is reported at once,
each with its file and line.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from auditor.core.errors import Problem, ValidationFailed
from auditor.core.yamlio import line_of

M = TypeVar("M", bound=BaseModel)


class ClosedModel(BaseModel):
    """A model of what a person writes (a profile, a catalog, waivers, parameters): a key it
    does not know is an error, never ignored (a misspelt key must not silently do nothing)."""

    model_config = ConfigDict(extra="forbid")


def problems_from(
    exc: ValidationError, file: str | Path, node: Any, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        line = line_of(node, *prefix, *loc)
        where = ".".join(str(p) for p in (*prefix, *loc)) or "document"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        problems.append(Problem(str(file), line, f"{where}: {msg}"))
    return problems


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} value cannot be used here")


def strict_json(data: Any) -> str:
    """``data`` (plain YAML values) as JSON text, dates as ISO text, for strict validation."""
    return json.dumps(data, default=_json_default, ensure_ascii=False, allow_nan=False)


def validate_strict(
    model: type[M],
    data: Any,
    file: str | Path,
    node: Any = None,
    prefix: tuple[str | int, ...] = (),
) -> M:
    """``model`` from ``data`` in pydantic's strict JSON mode.

    ``node`` (the LineDict the data came from) locates each problem; raises
    :class:`ValidationFailed` with every problem found.
    """
    try:
        text = strict_json(data)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed([Problem(str(file), line_of(node, *prefix), str(exc))]) from None
    try:
        return model.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise ValidationFailed(problems_from(exc, file, node, prefix)) from None


def check_strict(model: type[M], data: Any) -> M:
    """``model`` from ``data`` in strict JSON mode, raising pydantic's ValidationError."""
    return model.model_validate_json(strict_json(data), strict=True)


__all__ = ["ClosedModel", "check_strict", "problems_from", "strict_json", "validate_strict"]
