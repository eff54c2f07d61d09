"""The JSON documents the renderers write (result.json, SARIF): indented, keys sorted, UTF-8.

Their bytes are always those of ``json.dumps(value, indent=2, sort_keys=True,
ensure_ascii=False)`` plus a newline. :func:`auditor.core.json_text.dumps_indented` gives them,
through orjson (in C) when no float is in the document, else through its pure-Python path. A
result's evidence usually holds a few floats (a threshold of 0.9, a retention of 365.0), which at
100,000 resources sends a whole SARIF log down the slow path. orjson writes a float the way
``float.__repr__`` (the standard library's writer) does nearly always; here each distinct float
of the document is checked, and when every one is written alike orjson writes the document.
Anything else (a float written differently, NaN, a type orjson does not know) is left to
``dumps_indented`` as before.
"""

from __future__ import annotations

from typing import Any

import orjson

from auditor.core.json_text import dumps_indented

#: As auditor.core.json_text: orjson refuses (TypeError) what it would write in its own way.
_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _floats(value: Any) -> set[float]:
    """Every float in JSON-like ``value`` (dicts, lists, tuples; keys are not looked at: a
    non-text key makes orjson refuse anyway). Most values are text: they are passed over
    without being stacked."""
    kind = type(value)
    if kind is float:
        return {value}
    found: set[float] = set()
    if not (kind is dict or kind is list or kind is tuple):
        return found
    stack = [value]
    while stack:
        item = stack.pop()
        for inner in item.values() if type(item) is dict else item:
            kind = type(inner)
            if kind is str:
                continue
            if kind is dict or kind is list or kind is tuple:
                stack.append(inner)
            elif kind is float:
                found.add(inner)
    return found


def _written_alike(number: float) -> bool:
    """Whether orjson writes ``number`` as the standard library does (NaN and the infinities
    never are: orjson writes ``null``)."""
    return orjson.dumps(number) == float.__repr__(number).encode("ascii")


def document_bytes(value: Any) -> bytes:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\\n"`` as UTF-8.

    Raises TypeError, as ``json.dumps`` does, for a value JSON does not know.
    """
    if all(_written_alike(number) for number in _floats(value)):
        try:
            return orjson.dumps(value, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # orjson.JSONEncodeError too: the standard path decides
            pass
    return (dumps_indented(value) + "\n").encode("utf-8")


__all__ = ["document_bytes"]
