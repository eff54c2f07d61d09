"""Reading a BAA's text from plain text, Markdown and HTML with a map back to source offsets,
and cutting it into sentences and list items."""

from __future__ import annotations

import html
import re

import pytest

from auditor.judge.baa_text.extract import (
    MAX_HTML_EVENTS,
    SourceError,
    detect_format,
    extract,
)
from auditor.judge.baa_text.segment import MAX_UNIT, segment


def _subsequence(needle: str, haystack: str) -> bool:
    """Every character of needle, in order, in haystack (whitespace of any kind alike)."""
    it = iter(re.sub(r"\s", " ", haystack))
    return all(ch in it for ch in re.sub(r"\s", " ", needle))


def test_plain_text_is_its_own_map() -> None:
    source = "1. Terms\r\nVendor shall use TLS 1.3.\r\n"
    extracted = extract(source, "text")
    assert extracted.text == source
    for unit in segment(extracted):
        start, end = extracted.source_span(unit.start, unit.end)
        assert source[start:end] == unit.text


HTML = (
    "<html><head><title>Ignored</title><style>p{color:red}</style></head><body>"
    "<h2>3. Security&nbsp;Measures</h2>\n<ul><li>Encryption in\n   transit: <b>TLS&nbsp;1.3</b>"
    " &amp; more</li><li>AES&#8209;256 at rest</li></ul><script>var a = '<li>shall</li>';</script>"
    "<!-- shall not appear --><p>Done.<br>Vendor &ldquo;will&rdquo; log access.</p></body></html>"
)


def test_html_text_headings_and_offsets() -> None:
    extracted = extract(HTML, "html")
    assert "Ignored" not in extracted.text and "color" not in extracted.text
    assert "shall" not in extracted.text
    units = segment(extracted)
    assert [u.text for u in units] == [
        "Encryption in    transit: TLS\xa01.3 & more",
        "AES\u2011256 at rest",
        "Done.",
        "Vendor \u201cwill\u201d log access.",
    ]
    assert {u.section for u in units} == {"3. Security Measures"}
    for unit in units:
        start, end = extracted.source_span(unit.start, unit.end)
        raw = HTML[start:end]
        assert _subsequence(unit.text, html.unescape(raw)), (unit.text, raw)
        # the span starts and ends on the unit's own characters, not on markup around it
        assert html.unescape(raw)[0] == unit.text[0]
    first = units[0]
    start, end = extracted.source_span(first.start, first.end)
    assert HTML[start:end] == "Encryption in\n   transit: <b>TLS&nbsp;1.3</b> &amp; more"


def test_markdown_markup_is_left_out_but_mapped() -> None:
    source = (
        "## 3. Security\n\n"
        "- **Encryption** in transit: [TLS 1.3](https://example.com/tls) for `all` traffic\n"
        "> Quoted _text_ here.\n"
        "Setext heading\n===\n"
        "Text under it.\n"
    )
    extracted = extract(source, "markdown")
    units = segment(extracted)
    texts = [u.text for u in units]
    assert texts[0] == "Encryption in transit: TLS 1.3 for all traffic"
    assert "Quoted text here." in texts
    assert units[0].section == "3. Security"
    assert units[-1].section == "Setext heading"
    start, end = extracted.source_span(units[0].start, units[0].end)
    assert source[start:end] == (
        "Encryption** in transit: [TLS 1.3](https://example.com/tls) for `all` traffic"
    )


def test_sentences_lists_and_leads() -> None:
    source = (
        "5. Obligations\n"
        "Business Associate agrees to:\n"
        "- Report any Breach within 45 C.F.R. § 164.410 limits; and\n"
        "- Keep records, e.g. logs, for six years\n"
        "The parties agree. Inc. names are not ends. Dr. Who is a name.\n"
    )
    units = segment(extract(source, "text"))
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Business Associate agrees to:"),
        ("item", "Report any Breach within 45 C.F.R. § 164.410 limits"),
        ("item", "Keep records, e.g. logs, for six years"),
        ("sentence", "The parties agree."),
        ("sentence", "Inc. names are not ends."),
        ("sentence", "Dr. Who is a name."),
    ]
    assert units[0].is_lead
    assert units[1].lead == "Business Associate agrees to:"
    assert units[3].lead is None
    assert {u.section for u in units} == {"5. Obligations"}


def test_wrapped_lines_join_into_one_sentence() -> None:
    source = (
        "Business Associate shall notify Covered Entity of any Breach of\n"
        "Unsecured PHI no later than ten\n"
        "(10) business days after discovery.\n"
        "Short line\n"
        "Next paragraph.\n"
    )
    units = segment(extract(source, "text"))
    assert [u.text for u in units] == [
        "Business Associate shall notify Covered Entity of any Breach of\nUnsecured PHI no later"
        " than ten\n(10) business days after discovery.",
        "Short line",
        "Next paragraph.",
    ]


def test_an_endless_sentence_is_cut_into_windows() -> None:
    source = "word " * (3 * MAX_UNIT)
    units = segment(extract(source, "text"))
    assert len(units) >= 3
    assert all(len(u.text) <= MAX_UNIT for u in units)


@pytest.mark.parametrize(
    "source",
    [
        "<" * 200_000,
        "&" * 200_000,
        "<a" * 100_000,
        "</" * 100_000,
        "<!" * 100_000,
        "<!--" + "x" * 200_000,
        "&#" + "9" * 200_000,
        "<a " + 'x="' * 60_000,
    ],
    ids=["lt", "amp", "lt-a", "lt-slash", "lt-bang", "open-comment", "charref", "attributes"],
)
def test_hostile_html_is_read_as_text(source: str) -> None:
    """Stray or unclosed markup becomes text, in one pass (no re-scan to the end per character)."""
    extracted = extract(source, "html")
    assert len(extracted.text) <= len(source) + 1
    for unit in segment(extracted):
        start, end = extracted.source_span(unit.start, unit.end)
        assert 0 <= start <= end <= len(source)


def test_too_many_tags_are_refused() -> None:
    with pytest.raises(SourceError, match="tags and entities"):
        extract("<p>" * (MAX_HTML_EVENTS + 1), "html")


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("baa.html", "", "html"),
        ("baa.HTM", "", "html"),
        ("baa.md", "", "markdown"),
        ("baa.txt", "<html>", "text"),
        ("baa", "<!DOCTYPE html><html>", "html"),
        ("baa", "  <p>Hello</p>", "html"),
        ("baa", "Business Associate Agreement", "text"),
    ],
)
def test_format_detection(name: str, head: str, fmt: str) -> None:
    assert detect_format(name, head) == fmt


def test_no_character_of_the_text_lacks_a_source() -> None:
    extracted = extract(HTML, "html")
    for match in re.finditer(r"\S+", extracted.text):
        start, end = extracted.source_span(match.start(), match.end())
        assert start < end or match.group(0) == "-", match.group(0)
