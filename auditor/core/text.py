"""Text for humans: the one place that makes untrusted strings safe to show.

Cloud-supplied and file-supplied strings (resource names, tags, messages, waiver reasons) reach a
terminal, Markdown, HTML, PDF, CSV, SARIF and JUnit. Every renderer and the command line's
printing pass them through here:

* :func:`neutralise` replaces control characters (C0 such as ESC and NUL, DEL, C1 such as CSI),
  bidirectional overrides and isolates, line and paragraph separators, lone surrogates and
  Unicode tag characters by a visible escape (``\\x1b``, ``\\u202e``), so an OSC title sequence
  or a right-to-left override shows as text instead of acting;
* :func:`truncate` cuts a long value and says so visibly;
* :func:`for_humans` applies both to every string of a result (the renderers' entry point).

Escaping for a format (HTML entities, Markdown table pipes, XML, CSV quoting) stays with each
renderer; this module only removes what no format should pass through.
"""

from __future__ import annotations

import re
from typing import Any

#: Characters that act instead of showing: C0 controls except TAB and LF (CR too: it rewrites
#: the line on a terminal), DEL and C1 controls, the bidi embeddings, overrides, isolates and
#: marks, the line and paragraph separators, the BOM / zero-width no-break space, interlinear
#: annotation controls, lone surrogates (not text at all) and the invisible tag characters.
_UNSAFE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\u2028\u2029\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"
    "\U000e0000-\U000e007f"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_UNSAFE_OR_NEWLINE = re.compile(f"[{_UNSAFE_CLASS}\t\n]")
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Default bound of one value in the human reports (HTML, PDF, Markdown).
REPORT_MAX_CHARS = 2000
#: Default bound of one list inside evidence in the human reports.
REPORT_MAX_ITEMS = 100
#: Bound of one value in the PDF: WeasyPrint's table layout grows faster than linearly with the
#: length of a cell's text, so the PDF cuts sooner than the HTML (bench/hostile_bench.py pdf).
PDF_MAX_CHARS = 500
#: Bound of one line printed to the terminal.
TERMINAL_MAX_CHARS = 2000


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x09:
        return "\\t"
    if code == 0x0A:
        return "\\n"
    if code == 0x0D:
        return "\\r"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def neutralise(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every character that acts (not shows) replaced by a visible escape.

    With ``keep_newlines=False`` TAB and LF are escaped too, so the text stays on one line (a
    terminal message cannot fake a second message).
    """
    pattern = _UNSAFE if keep_newlines else _UNSAFE_OR_NEWLINE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a visible note of how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [truncated: {len(text):,} characters, first {limit:,} shown]"


def for_terminal(text: str, limit: int = TERMINAL_MAX_CHARS) -> str:
    """One line safe for a terminal: neutralised, on one line, bounded."""
    return truncate(neutralise(text, keep_newlines=False), limit)


def replace_surrogates(text: str) -> str:
    """``text`` with lone surrogates (which cannot be written as UTF-8) replaced by U+FFFD."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def _walk(value: Any, max_chars: int | None, max_items: int | None, bounded: bool) -> Any:
    if isinstance(value, str):
        out = neutralise(value)
        return truncate(out, max_chars) if max_chars is not None else out
    if isinstance(value, dict):
        return {
            _walk(k, max_chars, None, False) if isinstance(k, str) else k: _walk(
                v, max_chars, max_items, bounded or k == "evidence"
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        items = list(value)
        if bounded and max_items is not None and len(items) > max_items:
            kept = [_walk(v, max_chars, max_items, True) for v in items[:max_items]]
            kept.append(f"… [truncated: {len(items):,} items, first {max_items:,} shown]")
            return kept
        return [_walk(v, max_chars, max_items, bounded) for v in items]
    return value


def clean_strings(value: Any, max_chars: int | None = None, max_items: int | None = None) -> Any:
    """A copy of JSON-like ``value`` with every string neutralised (and bounded, when asked).

    ``max_items`` bounds only lists inside an ``evidence`` mapping (observed values), never the
    lists of findings or promises themselves.
    """
    return _walk(value, max_chars, max_items, False)


#: In a result's JSON, an escape other than \" \\ \/ \n \t: it may stand for a control
#: character (JSON writes them as \r, \b, \f or \u00XX), so the walk must look.
_JSON_ESCAPE = re.compile(r'\\[^"\\/nt]')


def _long_list(value: Any, max_items: int) -> bool:
    if isinstance(value, list | tuple):
        return len(value) > max_items or any(_long_list(v, max_items) for v in value)
    if isinstance(value, dict):
        return any(_long_list(v, max_items) for v in value.values())
    return False


def _long_run(text: str, length: int) -> bool:
    """Whether ``text`` holds ``length`` characters in a row none of which is ``"``. The longest
    such run starts at the beginning or just after a ``"``, so the search only tries runs there
    (one pass; a search for the run alone starts again at every character of every run)."""
    head = text[:length]
    if len(head) == length and '"' not in head:
        return True
    return re.search(f'"[^"]{{{length}}}', text) is not None


def _nothing_to_change(result: Any, max_chars: int | None, max_items: int | None) -> bool:
    """True when no string of ``result`` needs neutralising or cutting and no evidence list
    needs bounding: one scan in C over its JSON instead of a walk over every string of a
    million findings. Anything it cannot rule out (an escape, a long run of text, a list
    inside evidence longer than ``max_items``) leaves the answer to the walk."""
    try:
        text = result.__pydantic_serializer__.to_json(result).decode("utf-8")
    except (AttributeError, ValueError):  # not a model, or text JSON cannot hold
        return False
    if _UNSAFE.search(text) or _JSON_ESCAPE.search(text):
        return False
    if max_chars is not None and _long_run(text, max_chars + 1):
        return False
    if max_items is not None:
        findings = getattr(result, "findings", None)
        if findings is None:  # one finding
            evidence = getattr(result, "evidence", None)
            return evidence is not None and not _long_list(evidence, max_items)
        return not any(_long_list(f.evidence, max_items) for f in findings)
    return True


def for_humans(result: Any, max_chars: int | None = None, max_items: int | None = None) -> Any:
    """``result`` (a :class:`~auditor.core.result.RunResult`) with every string neutralised.

    ``max_chars`` truncates each string value with a visible note and ``max_items`` each list of
    observed values, for the formats a person reads page by page (HTML, PDF, Markdown); the
    machine formats keep full values (``None``). The result is returned as is when nothing needed changing, so the
    common case costs one walk. A finding is treated alike; the findings of a result that streams
    them from a file are neutralised one by one as they are read.
    """
    if getattr(result, "streamed", False):
        header = for_humans(result.header_only(), max_chars, max_items)
        stream = result.stream_of()
        return header.with_stream(stream).map_findings(
            lambda finding: for_humans(finding, max_chars, max_items)
        )
    if _nothing_to_change(result, max_chars, max_items):
        return result
    data = result.model_dump()
    cleaned = clean_strings(data, max_chars, max_items)
    if cleaned == data:
        return result
    return type(result).model_validate(cleaned)


__all__ = [
    "PDF_MAX_CHARS",
    "REPORT_MAX_CHARS",
    "REPORT_MAX_ITEMS",
    "TERMINAL_MAX_CHARS",
    "clean_strings",
    "for_humans",
    "for_terminal",
    "neutralise",
    "replace_surrogates",
    "truncate",
]
