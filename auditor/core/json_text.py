"""JSON text as result.json has always been written, faster.

Where orjson (a core dependency, in C) is certain to write the standard library's bytes (text
keys, JSON types only, every float one that orjson writes as ``float.__repr__`` does), it writes
them: result.json, findings.jsonl lines, history rows, SARIF and OCSF, 10 to 30 times faster.
Otherwise:

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

import orjson

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


def _floats(value: Any) -> set[float]:
    """Every float in JSON-like ``value`` (dicts, lists, tuples; keys are not looked at: a
    non-text key makes orjson refuse anyway). Text, most of any value, is passed over."""
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
    """Whether orjson writes ``number`` as the standard library does (``float.__repr__``).
    Nearly always; not ``1e-05`` (orjson: ``0.00001``), ``1e+16`` (``1e16``), and never NaN or
    the infinities (orjson writes ``null``)."""
    return orjson.dumps(number) == float.__repr__(number).encode("ascii")


def _floats_alike(value: Any) -> bool:
    """Whether orjson writes every float of ``value`` as the standard library does: each
    distinct float is checked once (a result's evidence holds thousands of a few values)."""
    return all(_written_alike(number) for number in _floats(value))


#: the default of ``floats_in``: look for floats in the whole value
_WHOLE: Any = object()


def _orjson(
    value: Any, indent: bool, floats_in: Any = _WHOLE, newline: bool = False
) -> bytes | None:
    """``value`` written by orjson (in C, 10 to 30 times faster), when that is certainly the
    standard library's text: sorted keys, no ASCII escaping, every float written alike;
    anything orjson would write in its own way (dates, dataclasses, subclasses of str or int,
    integers beyond 64 bits, lone surrogates) makes it refuse, and None sends the caller to the
    standard path."""
    option = (
        orjson.OPT_SORT_KEYS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )
    if indent:
        option |= orjson.OPT_INDENT_2
    if newline:
        option |= orjson.OPT_APPEND_NEWLINE
    if not _floats_alike(value if floats_in is _WHOLE else floats_in):
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


def document_bytes(value: Any) -> bytes:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\\n"`` as UTF-8:
    a JSON document as the renderers write it (result.json, SARIF, OCSF). Raises TypeError, as
    ``json.dumps`` does, for a value JSON does not know."""
    fast = _orjson(value, indent=True, newline=True)
    if fast is not None:
        return fast
    return (dumps_indented(value) + "\n").encode("utf-8")


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


__all__ = ["document_bytes", "dumps_indented", "dumps_sorted_compact"]
