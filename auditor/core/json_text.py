"""JSON text as result.json has always been written, faster.

:func:`dumps_indented` gives the bytes of ``json.dumps(value, indent=2, sort_keys=True,
ensure_ascii=False)`` for the values a result dumps to (dicts with text keys, lists, text,
numbers, booleans, null). The standard library encodes with indentation in pure Python, one
generator per container; this builds the text recursively and leaves strings to the standard
library's C escaper. Anything else (a non-text key, a float that is not finite, a type JSON does
not know) falls back to ``json.dumps`` itself, so the output is always the standard library's.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "


class _Unusual(Exception):
    """A value the fast path does not handle: let ``json.dumps`` write the whole document."""


def _encode(value: Any, depth: int, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        if not math.isfinite(value):
            raise _Unusual
        out.append(float.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = "\n" + _INDENT * (depth + 1)
        out.append("{")
        first = True
        for key in sorted(value):
            if type(key) is not str:
                raise _Unusual
            out.append(inner if first else "," + inner)
            first = False
            out.append(encode_basestring(key))
            out.append(": ")
            _encode(value[key], depth + 1, out)
        out.append("\n" + _INDENT * depth + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = "\n" + _INDENT * (depth + 1)
        out.append("[")
        first = True
        for item in value:
            out.append(inner if first else "," + inner)
            first = False
            _encode(item, depth + 1, out)
        out.append("\n" + _INDENT * depth + "]")
    else:
        raise _Unusual


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``, faster."""
    out: list[str] = []
    try:
        _encode(value, 0, out)
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(out)


__all__ = ["dumps_indented"]
