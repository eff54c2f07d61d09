"""The readable text of a BAA (plain text, Markdown or HTML), with a map back to the source.

Offsets everywhere are character offsets (Unicode code points) into the source as decoded from
UTF-8 with its line endings kept. For plain text the extracted text *is* the source. For Markdown
the markup characters (``**``, ``#``, link targets) are left out; for HTML the tags, comments and
scripts are left out and entities decoded, with the standard library's tokenizer
(:mod:`html.parser`), which builds nothing and runs nothing. Either way every character of the
extracted text knows the span of the source it came from, so a clause quoted from the text can be
found again in the file.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

SourceFormat = Literal["text", "markdown", "html"]
FORMATS: tuple[SourceFormat, ...] = ("text", "markdown", "html")


@dataclass(frozen=True)
class Piece:
    """A run of extracted text and the source span it came from.

    ``aligned`` pieces map character for character (``text[i]`` came from ``src_start + i``);
    the others (a decoded entity, an inserted line break) map as a whole to their span.
    """

    text_start: int
    length: int
    src_start: int
    src_end: int
    aligned: bool


@dataclass
class Extracted:
    source: str
    format: SourceFormat
    text: str = ""
    pieces: list[Piece] = field(default_factory=list)
    #: text spans known to be headings from the markup (Markdown ``#``, HTML ``h1``-``h6``)
    headings: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span that the extracted text ``text[start:end]`` came from."""
        if not self.pieces or start >= end:
            return (self._source_at(start, end=False), self._source_at(start, end=False))
        return (self._source_at(start, end=False), self._source_at(end - 1, end=True))

    def _source_at(self, index: int, *, end: bool) -> int:
        if not self.pieces:
            return 0
        if not self._starts:
            self._starts = [p.text_start for p in self.pieces]
        i = max(0, bisect.bisect_right(self._starts, index) - 1)
        piece = self.pieces[i]
        if piece.aligned:
            offset = min(max(index - piece.text_start, 0), piece.length - 1)
            return piece.src_start + offset + (1 if end else 0)
        return piece.src_end if end else piece.src_start


class SourceError(ValueError):
    """The document cannot be read as a BAA in bounded time (the message says why)."""


class _Builder:
    def __init__(self, source: str, fmt: SourceFormat) -> None:
        self.out = Extracted(source=source, format=fmt)
        self._parts: list[str] = []
        self._length = 0
        # the aligned run being built: (text_start, src_start, length), flushed when it breaks
        self._run: list[int] | None = None

    def _flush(self) -> None:
        if self._run is not None:
            t, src, n = self._run
            self.out.pieces.append(Piece(t, n, src, src + n, True))
            self._run = None

    def aligned(self, src_start: int, text: str) -> None:
        """Text that stands for the same number of source characters from ``src_start``."""
        if not text:
            return
        run = self._run
        if run is not None and run[1] + run[2] == src_start and run[0] + run[2] == self._length:
            run[2] += len(text)
        else:
            self._flush()
            self._run = [self._length, src_start, len(text)]
        self._parts.append(text)
        self._length += len(text)

    def replaced(self, src_start: int, src_end: int, text: str) -> None:
        """Text that stands for the source span as a whole (an entity, an inserted break)."""
        if not text:
            return
        self._flush()
        self.out.pieces.append(Piece(self._length, len(text), src_start, src_end, False))
        self._parts.append(text)
        self._length += len(text)

    @property
    def length(self) -> int:
        return self._length

    def ends_with_newline(self) -> bool:
        return not self._parts or self._parts[-1].endswith("\n")

    def done(self) -> Extracted:
        self._flush()
        self.out.text = "".join(self._parts)
        return self.out


def detect_format(name: str, source: str) -> SourceFormat:
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    if lower.endswith(".txt"):
        return "text"
    head = source[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div|h[1-6])\b", head):
        return "html"
    return "text"


def extract(source: str, fmt: SourceFormat) -> Extracted:
    if fmt == "html":
        return _extract_html(source)
    if fmt == "markdown":
        return _extract_markdown(source)
    builder = _Builder(source, "text")
    builder.aligned(0, source)
    return builder.done()


# --- Markdown -----------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^( {0,3}#{1,6}[ \t]+)(.*?)([ \t]+#+)?[ \t]*$")
_MD_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_MD_QUOTE = re.compile(r"^( {0,3}>[ \t]?)+")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# inline markup whose characters are dropped (the group "keep" is what stays)
_MD_INLINE = [
    re.compile(r"!?\[(?P<keep>[^\]\n]{0,500})\]\([^)\n]{0,2000}\)"),  # [text](url), ![alt](src)
    re.compile(r"<(?P<keep>(?:https?|mailto):[^>\s]{1,2000})>"),  # <https://...>
    re.compile(r"(\*\*|__)(?P<keep>\S(?:[^\n]{0,2000}?\S)?)\1"),
    re.compile(r"(?<![\w*])\*(?P<keep>\S(?:[^*\n]{0,2000}?\S)?)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?P<keep>\S(?:[^_\n]{0,2000}?\S)?)_(?![\w_])"),
    re.compile(r"`(?P<keep>[^`\n]{1,2000})`"),
    re.compile(r"</?[A-Za-z][^<>\n]{0,500}>"),  # inline HTML tags (no keep group: dropped)
    re.compile(r"\\(?P<keep>[\\`*_{}\[\]()#+\-.!>])"),  # backslash escapes
]


def _md_drops(line: str) -> list[tuple[int, int]]:
    """Spans of ``line`` (relative) that are markup, non-overlapping and sorted."""
    drops: list[tuple[int, int]] = []
    for pattern in _MD_INLINE:
        for match in pattern.finditer(line):
            start, end = match.span()
            if "keep" in pattern.groupindex and match.group("keep") is not None:
                ks, ke = match.span("keep")
                new = [(start, ks), (ke, end)]
            else:
                new = [(start, end)]
            # nested markup (_**date**_) is fine; markup whose markers overlap is left alone
            if any(s < e2 and s2 < e for s, e in new for s2, e2 in drops):
                continue
            drops.extend(new)
    return sorted((s, e) for s, e in drops if e > s)


def _extract_markdown(source: str) -> Extracted:
    builder = _Builder(source, "markdown")
    lines = source.splitlines(keepends=True)
    offset = 0
    in_fence = False
    for index, raw in enumerate(lines):
        body = raw.rstrip("\r\n")
        newline = raw[len(body) :]
        start = offset
        offset += len(raw)
        if _MD_FENCE.match(body):
            in_fence = not in_fence
            builder.aligned(start + len(body), newline)
            continue
        if in_fence:
            builder.aligned(start, raw)
            continue
        nxt = lines[index + 1].rstrip("\r\n") if index + 1 < len(lines) else ""
        content_start = 0
        content_end = len(body)
        heading = False
        match = _MD_HEADING.match(body)
        if match:
            content_start = match.end(1)
            content_end = match.end(2)
            heading = True
        elif _MD_SETEXT.match(body) or _MD_RULE.match(body):
            builder.aligned(start + len(body), newline)
            continue
        elif body.strip() and _MD_SETEXT.match(nxt):
            heading = True
        quote = _MD_QUOTE.match(body)
        if quote and not heading:
            content_start = quote.end()
        text_start = builder.length
        cursor = content_start
        segment = body[content_start:content_end]
        for s, e in _md_drops(segment):
            builder.aligned(start + cursor, body[cursor : content_start + s])
            cursor = content_start + e
        builder.aligned(start + cursor, body[cursor:content_end])
        if heading:
            builder.out.headings.append((text_start, builder.length))
        builder.aligned(start + len(body), newline)
    return builder.done()


# --- HTML ---------------------------------------------------------------------------------------

_SKIP = {
    "script",
    "style",
    "template",
    "noscript",
    "head",
    "title",
    "svg",
    "math",
    "iframe",
    "object",
}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID_BREAK = {"br", "hr"}
_WHITESPACE = re.compile(r"[\t\n\r\f\v]")


#: a document with more tags and entities than this is not a contract page
MAX_HTML_EVENTS = 100_000
#: a tag that does not close within this many characters is text, not a tag
_MAX_TAG = 65_536
_LT = "\ue000"
_AMP = "\ue001"
_RESTORE = str.maketrans({_LT: "<", _AMP: "&"})


_STRAY_LT = re.compile(r"<(?![A-Za-z/!?])")
_STRAY_AMP = re.compile(r"&(?![A-Za-z#])")
_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")


def _neutralise(source: str) -> str:
    """The source with every ``<`` or ``&`` that cannot start markup replaced one for one.

    The standard tokenizer handles a stray ``<`` or ``&`` one character at a time, and re-scans
    to the end of the document for a ``<`` whose tag never closes: turning those into private-use
    characters (restored in the text) keeps parsing linear and offsets unchanged.
    """
    text = _STRAY_AMP.sub(_AMP, _STRAY_LT.sub(_LT, source))
    parts: list[str] = []
    cursor = 0
    next_gt = text.find(">")
    for match in _TAG_OPEN.finditer(text):
        at = match.start()
        if next_gt != -1 and next_gt < at:
            next_gt = text.find(">", at)
        if next_gt != -1 and next_gt - at <= _MAX_TAG:
            continue
        parts.append(text[cursor:at])
        parts.append(_LT)
        cursor = at + 1
    if not parts:
        return text
    parts.append(text[cursor:])
    return "".join(parts)


class _HtmlText(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.builder = _Builder(source, "html")
        self._line_starts = [0]
        self._line_starts.extend(m.end() for m in re.finditer("\n", source))
        self._skip: list[str] = []
        self._heading_start: int | None = None
        self._events = 0

    def _count(self) -> None:
        self._events += 1
        if self._events > MAX_HTML_EVENTS:
            raise SourceError(
                f"more than {MAX_HTML_EVENTS} tags and entities: not a contract page "
                "(save the BAA's text alone)"
            )

    def _pos(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _break(self, at: int, marker: str = "") -> None:
        if not self.builder.ends_with_newline():
            self.builder.replaced(at, at, "\n")
        if marker:
            self.builder.replaced(at, at, marker)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count()
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.append(tag)
            return
        if tag in _SKIP:
            self._skip.append(tag)
            return
        at = self._pos()
        if tag in _VOID_BREAK:
            self.builder.replaced(at, at, "\n")
        elif tag in _BLOCK:
            self._break(at, "- " if tag == "li" else "")
        if tag in _HEADINGS:
            self._heading_start = self.builder.length

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count()
        if not self._skip and tag in _VOID_BREAK:
            at = self._pos()
            self.builder.replaced(at, at, "\n")

    def handle_endtag(self, tag: str) -> None:
        self._count()
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        at = self._pos()
        if tag in _HEADINGS and self._heading_start is not None:
            self.builder.out.headings.append((self._heading_start, self.builder.length))
            self._heading_start = None
        if tag in _BLOCK:
            self._break(at)

    def handle_data(self, data: str) -> None:
        self._count()
        if self._skip or not data:
            return
        # HTML whitespace is insignificant: line breaks in the source become spaces (one for one,
        # so offsets still align); only block elements break lines.
        self.builder.aligned(self._pos(), _WHITESPACE.sub(" ", data).translate(_RESTORE))

    def _reference(self, raw: str) -> None:
        self._count()
        if self._skip:
            return
        at = self._pos()
        end = at + len(raw)
        if self.source.startswith(";", end):
            end += 1
        reference = self.source[at:end]
        # a numeric reference of absurd length is text, not a character
        text = html.unescape(reference) if len(reference) <= 40 else reference
        self.builder.replaced(at, end, text)

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)


def _extract_html(source: str) -> Extracted:
    parser = _HtmlText(source)
    parser.feed(_neutralise(source))
    parser.close()
    return parser.builder.done()


__all__ = [
    "FORMATS",
    "MAX_HTML_EVENTS",
    "Extracted",
    "Piece",
    "SourceError",
    "SourceFormat",
    "detect_format",
    "extract",
]
