"""Cut the extracted text into the units rules read: sentences and list items, each knowing its
section heading and, for list items, the sentence that introduces the list ("Business Associate
agrees to:").

Plain text comes in two shapes: one paragraph per line (the shared BAAs) or paragraphs wrapped at
a fixed width. A line continues the paragraph above when the line above does not end a sentence
and either is long (wrapped) or the line starts in lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from auditor.judge.baa_text.extract import Extracted

#: longer sentences are read in windows of this size, so rule patterns run in bounded time
MAX_UNIT = 4000

UnitKind = Literal["sentence", "item"]

_ITEM = re.compile(
    r"^[ \t]*(?:[-*+\u2022\u25aa\u25e6\u2023\u2013\u2014]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)])[ \t]+(?=\S)"
)
_NUMBERED_HEADING = re.compile(
    r"^[ \t]*(?:(?:Section|SECTION|Article|ARTICLE|§)[ \t]*)?"
    r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXLC]{1,6}\.|[A-Z]\.)[ \t]+[A-Z\"\u201c][^\n]{0,100}$"
)
_CAPS_HEADING = re.compile(r"^[ \t]*[A-Z0-9][A-Z0-9 &,'\u2019/()\-\u2013\u2014:.]{3,80}$")
_MODAL = re.compile(r"\b(?:shall|will|must|agrees?|may)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.:;!?][\"\u201d\u2019')\]]*$")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')\]]*(?=\s+[\"\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Za-z]\.){2,}|\b[A-Z]\.|\b(?:Inc|Ltd|LLC|Co|Corp|No|Nos|Sec|Secs|Art|Para|pp?|vs?|"
    r"Mr|Mrs|Ms|Dr|St|Fig|approx|cf|seq|al|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)
_NUMBER_CONTINUES = re.compile(r"^[ \t]*\(\d{1,4}\)")
_ITEM_TAIL = re.compile(r"(?:[;,]\s*(?:and|or)?|\s(?:and|or))\s*$")


@dataclass(frozen=True)
class Unit:
    """A sentence or list item of the extracted text: ``text == extracted.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    kind: UnitKind
    section: str | None
    lead: str | None
    #: the sentence introduces a list ("... agrees to:"); its items carry the content
    is_lead: bool = False


@dataclass
class _Line:
    start: int
    end: int  # without the newline
    text: str
    kind: Literal["blank", "heading", "item", "plain"]
    content: int  # offset (absolute) where content starts (after a list marker)


@dataclass
class _Block:
    kind: Literal["heading", "item", "para"]
    start: int
    end: int


def _classify(text: str, start: int, end: int, headings: list[tuple[int, int]]) -> _Line:
    line = text[start:end]
    if not line.strip():
        return _Line(start, end, line, "blank", start)
    if any(hs < end and start < he for hs, he in headings):
        return _Line(start, end, line, "heading", start)
    stripped = line.strip()
    words = len(stripped.split())
    if (
        _NUMBERED_HEADING.match(line)
        and words <= 12
        and not stripped.endswith((".", ";", ",", ":"))
        and not _MODAL.search(stripped)
    ) or (_CAPS_HEADING.match(line) and sum(c.isalpha() for c in stripped) >= 4 and words <= 10):
        return _Line(start, end, line, "heading", start)
    item = _ITEM.match(line)
    if item:
        return _Line(start, end, line, "item", start + item.end())
    return _Line(start, end, line, "plain", start)


def _lines(extracted: Extracted) -> list[_Line]:
    text = extracted.text
    out: list[_Line] = []
    start = 0
    while start <= len(text):
        newline = text.find("\n", start)
        end = len(text) if newline < 0 else newline
        out.append(_classify(text, start, end, extracted.headings))
        if newline < 0:
            break
        start = newline + 1
    return out


def _continues(previous: _Line, line: _Line, wrapped: bool) -> bool:
    """Whether ``line`` continues the paragraph or item that ``previous`` belongs to."""
    if not wrapped or line.kind not in ("plain", "item"):
        return False
    above = previous.text.rstrip()
    if _TERMINAL.search(above):
        return False
    if line.kind == "item":
        # "no later than ten\n(10) business days": a wrapped line that starts with the digits
        # of the number the line above spells
        return bool(_NUMBER_CONTINUES.match(line.text)) and above[-1:].isalnum()
    first = line.text.lstrip()[:1]
    return first.islower() or len(above) >= 60 or line.text[:1] in " \t"


def _blocks(extracted: Extracted) -> list[_Block]:
    wrapped = extracted.format != "html"
    blocks: list[_Block] = []
    previous: _Line | None = None
    for line in _lines(extracted):
        if line.kind == "blank":
            previous = None
            continue
        if previous is not None and blocks and _continues(previous, line, wrapped):
            blocks[-1].end = line.end
        elif line.kind == "heading":
            blocks.append(_Block("heading", line.start, line.end))
        elif line.kind == "item":
            blocks.append(_Block("item", line.content, line.end))
        else:
            blocks.append(_Block("para", line.start, line.end))
        previous = line
    return blocks


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        before = text[max(cursor, match.start() - 12) : match.start() + 1]
        if _ABBREVIATION.search(before):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    out: list[tuple[int, int]] = []
    for span_start, span_end in spans:
        s, e = _trim(text, span_start, span_end)
        while e - s > MAX_UNIT:
            cut = text.rfind(" ", s, s + MAX_UNIT)
            cut = cut if cut > s else s + MAX_UNIT
            out.append(_trim(text, s, cut))
            s, e = _trim(text, cut, e)
        if e > s:
            out.append((s, e))
    return out


def _heading_text(text: str) -> str:
    return " ".join(text.split())


def segment(extracted: Extracted) -> list[Unit]:
    text = extracted.text
    units: list[Unit] = []
    section: str | None = None
    lead: str | None = None
    blocks = _blocks(extracted)
    for position, block in enumerate(blocks):
        if block.kind == "heading":
            section = _heading_text(text[block.start : block.end])
            lead = None
            continue
        spans = _sentences(text, block.start, block.end)
        if block.kind == "para":
            lead = None
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        for number, (s, span_end) in enumerate(spans):
            e = span_end
            kind: UnitKind = "item" if block.kind == "item" else "sentence"
            if kind == "item" and number == len(spans) - 1:
                tail = _ITEM_TAIL.search(text, s, e)
                if tail and tail.start() > s:
                    e = _trim(text, s, tail.start())[1]
            is_lead = (
                block.kind == "para"
                and number == len(spans) - 1
                and text[s:e].rstrip().endswith(":")
                and following is not None
                and following.kind == "item"
            )
            units.append(
                Unit(
                    index=len(units),
                    start=s,
                    end=e,
                    text=text[s:e],
                    kind=kind,
                    section=section,
                    lead=lead if kind == "item" else None,
                    is_lead=is_lead,
                )
            )
            if is_lead:
                lead = text[s:e]
    return units


__all__ = ["MAX_UNIT", "Unit", "UnitKind", "segment"]
