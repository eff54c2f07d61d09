"""JSON text as result.json has always been written, faster.

Where orjson (a core dependency, in C) is certain to write the standard library's bytes (no
float, text keys, JSON types only), it writes them: result.json, findings.jsonl lines and SARIF,
10 to 30 times faster. Otherwise:

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


def _has_float(value: Any) -> bool:
    """Whether ``value`` holds a float anywhere: orjson and the standard library write some
    floats differently (``1e16`` / ``1e+16``, ``null`` / ``Infinity``), so such a document is
    left to the latter. (A type check per value: far cheaper than encoding it in Python.)"""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float:
            return True
        if kind is dict:
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
    return False


#: the default of ``floats_in``: look for floats in the whole value
_WHOLE: Any = object()


def _orjson(value: Any, indent: bool, floats_in: Any = _WHOLE) -> bytes | None:
    """``value`` written by orjson (in C, 10 to 30 times faster), when that is certainly the
    standard library's text: sorted keys, no ASCII escaping, no float; anything orjson would
    write in its own way (dates, dataclasses, subclasses of str or int, integers beyond 64
    bits, lone surrogates) makes it refuse, and None sends the caller to the standard path."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - a core dependency
        return None
    option = (
        orjson.OPT_SORT_KEYS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )
    if indent:
        option |= orjson.OPT_INDENT_2
    if _has_float(value if floats_in is _WHOLE else floats_in):
        return None
    try:
        return orjson.dumps(value, option=option)
    except TypeError:  # orjson.JSONEncodeError, and a type it passes through
        return None


def dumps_sorted_compact(value: Any, floats_in: Any = _WHOLE) -> bytes:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` as
    UTF-8 (one line of a JSON Lines file), faster.

    ``floats_in``: the only part of ``value`` that can hold a float, when its model says so (a
    finding's ``evidence``: every other field is typed without one), so that only it is looked
    through; by default the whole value is."""
    fast = _orjson(value, indent=False, floats_in=floats_in)
    if fast is not None:
        return fast
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``, faster."""
    fast = _orjson(value, indent=True)
    if fast is not None:
        return fast.decode("utf-8")
    out: list[str] = []
    try:
        _encode(value, 0, out)
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(out)


__all__ = ["dumps_indented", "dumps_sorted_compact"]
