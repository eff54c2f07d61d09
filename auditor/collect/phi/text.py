"""Text as the detectors read it: escapes undone, keys found, offsets kept.

Log lines carry values behind escapes (``\\n``, ``\\t``, ``\\"``, ``\\u00e9``, JSON documents
written as strings inside other documents) and under keys (``"dob": "..."``, ``phone=...``).
:func:`unescape` undoes escapes (twice at most, for double-encoded text) and returns, with the
text, where each of its characters came from in the original, so a detection can be reported at
its place in the line as written. :func:`key_zones` finds the values of keys that may name PHI in
JSON-like and key=value text.

Every pattern here is linear: no nested quantifier can match the same text two ways.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from auditor.collect.phi.patterns import trie_regex

#: Longest text one segment may hold for detection; the rest of a longer text is not scanned
#: (and is reported as cut by the caller).
MAX_SEGMENT_CHARS = 64 * 1024

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|[nrtbf\"\\/'])")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": " ", "f": " ", '"': '"', "\\": "\\", "/": "/"}
_SIMPLE["'"] = "'"


def _unescape_once(text: str) -> tuple[str, list[int]] | None:
    """``text`` with one level of escapes undone and, per output character, its input index
    (plus one entry for the end); None when there is nothing to undo."""
    if "\\" not in text:
        return None
    out: list[str] = []
    where: list[int] = []
    pos = 0
    found = False
    pending_high: tuple[int, int] | None = None  # (code, input index) of a lone high surrogate
    for m in _ESCAPE.finditer(text):
        start = m.start()
        if start > pos:
            out.append(text[pos:start])
            where.extend(range(pos, start))
        found = True
        body = m.group(0)[1:]
        if body[0] == "u":
            code = int(body[1:], 16)
            if 0xD800 <= code < 0xDC00:
                pending_high = (code, start)
                pos = m.end()
                continue
            if (
                0xDC00 <= code < 0xE000
                and pending_high is not None
                and pending_high[1] + 6 == start
            ):
                char = chr(0x10000 + ((pending_high[0] - 0xD800) << 10) + (code - 0xDC00))
                out.append(char)
                where.append(pending_high[1])
                pending_high = None
                pos = m.end()
                continue
            char = chr(code) if not 0xD800 <= code < 0xE000 else "\ufffd"
        else:
            char = _SIMPLE[body]
        pending_high = None
        out.append(char)
        where.append(start)
        pos = m.end()
    if not found:
        return None
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    where.append(len(text))
    return "".join(out), where


def unescape(text: str) -> tuple[str, list[int] | None]:
    """``text`` with up to two levels of escapes undone, and the map from each character of the
    result (and its end) to an index of ``text``; the map is None when nothing changed."""
    first = _unescape_once(text)
    if first is None:
        return text, None
    once, map1 = first
    second = _unescape_once(once)
    if second is None:
        return once, map1
    twice, map2 = second
    return twice, [map1[i] for i in map2]


def map_span(offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A span of unescaped text as a span of the original text."""
    if offsets is None:
        return start, end
    return offsets[start], offsets[end] if end < len(offsets) else offsets[-1]


# ---------------------------------------------------------------- keys

#: Substrings of keys whose values may be PHI (a key is looked at only if it holds one of them).
_KEY_HINTS = (
    "name|patient|member|guarantor|guardian|insured|subscriber|beneficiary|customer|contact|"
    "user|person|owner|holder|recipient|caller|emergency|kin|spouse|parent|mother|father|"
    "first|last|given|family|surname|middle|maiden|"
    "phone|mobile|tel|fax|cell|sms|msisdn|callback|"
    "addr|street|line1|line2|residence|home|ship|billing|mailing|city|zip|postal|post|"
    "dob|birth|born|bday|geburt|naissance|nacimiento|"
    "ssn|social|tin|mrn|medical|record|chart|mbi|medicare|npi|dea|prescriber|provider|"
    "icd|diagnos|dx|condition|card|pan|cc|email|mail|to|id"
)
# "key": then its value ("..." or a number) read on its own, only for keys that may name PHI.
# The string value is the "unrolled loop" form (linear, no alternation per character).
_AFTER_KEY = r'"\s{0,3}:\s{0,3}'
_JSON_KEY = re.compile(r'"(?P<k>[A-Za-z_][\w.\-]{0,63})' + _AFTER_KEY)
_JSON_VALUE = re.compile(r'"(?P<v>[^"\\\n]*+(?:\\.[^"\\\n]*+)*+)"|(?P<n>[+\-]?\d[\d.\-]{0,30})')
#: Longest quoted value read as one zone.
_MAX_VALUE_CHARS = 2000
# key=value | key="value", starting at the "="; the key is read backwards (on the reversed text)
_KV_VALUE = re.compile(r'=(?:"(?P<q>[^"\\\n]*+(?:\\.[^"\\\n]*+)*+)"|(?P<v>[^\s"=,;&]{1,500}))')
_KEY_REVERSED = re.compile(r"[\w.\-]{1,65}")
_KEY_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_HINT = re.compile(_KEY_HINTS, re.IGNORECASE)
_PARENT_KEY_REVERSED = re.compile(r'\s{0,3}:\s{0,3}"([\w.\-]{1,64})"')
_hint_cache: dict[str, bool] = {}


def _hinted(key: str) -> bool:
    hit = _hint_cache.get(key)
    if hit is None:
        hit = _HINT.search(key) is not None
        if len(_hint_cache) < 50_000:
            _hint_cache[key] = hit
    return hit


_known_hinted: set[str] = set()
_hinted_pattern: re.Pattern[str] | None = None
#: Keys remembered for the pattern of hinted keys; past this many, keys are judged one by one.
_MAX_HINTED_KEYS = 5000


def _hinted_json_keys(text: str) -> Iterator[re.Match[str]]:
    """Matches of :data:`_JSON_KEY` whose key may name PHI, in order.

    The keys of a log are few and repeat on every line, so the text is read once for its keys
    (in C, no object per key), and then once more with a pattern of just the keys that may name
    PHI (every one seen so far): no Python work for the many keys that do not.
    """
    global _hinted_pattern  # noqa: PLW0603
    keys = {k for k in set(_JSON_KEY.findall(text)) if _hinted(k)}
    if not keys:
        return iter(())
    if not keys <= _known_hinted:
        if len(_known_hinted) + len(keys) > _MAX_HINTED_KEYS:
            return (m for m in _JSON_KEY.finditer(text) if _hinted(m.group(1)))
        _known_hinted.update(keys)
        _hinted_pattern = re.compile(
            '"(?P<k>' + trie_regex(sorted(_known_hinted)) + ")" + _AFTER_KEY
        )
    assert _hinted_pattern is not None
    return _hinted_pattern.finditer(text)


def _parent_key(text: str, reversed_text: str, pos: int) -> str | None:
    """The key of the object that a key at ``pos`` sits directly in, if it is near."""
    brace = text.rfind("{", max(0, pos - 600), pos)
    if brace <= 0 or text.find("}", brace, pos) >= 0:
        return None
    # '"parent" : {' read backwards from the brace
    m = _PARENT_KEY_REVERSED.match(reversed_text, len(text) - brace)
    if m is None or m.group(1)[-1] not in _KEY_START:
        return None
    return m.group(1)[::-1]


def key_zones(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key path)`` of the values of keys that may name PHI, in ``text``.

    A JSON key one level inside another object gets the outer key as parent
    (``"patient": {"name": ...}`` gives ``patient.name``).
    """
    zones: list[tuple[int, int, str]] = []
    reversed_text = ""
    known = _hint_cache.get
    if '":' in text or '" :' in text:
        reversed_text = text[::-1]
        value_at = _JSON_VALUE.match
        skip_to = 0  # keys inside a value already read are not keys
        for m in _hinted_json_keys(text):
            if m.start() < skip_to:
                continue
            vm = value_at(text, m.end())
            if vm is None:
                continue
            group = "v" if vm.group("v") is not None else "n"
            start, end = vm.span(group)
            if end - start > _MAX_VALUE_CHARS:
                continue
            skip_to = vm.end()
            key = m.group("k")
            parent = _parent_key(text, reversed_text, m.start())
            if parent is not None:
                key = parent + "." + key
            if end > start:
                zones.append((start, end, key))
    if "=" in text:
        reversed_text = reversed_text or text[::-1]
        last = len(text) - 1
        for m in _KV_VALUE.finditer(text):
            eq = m.start()
            km = _KEY_REVERSED.match(reversed_text, last - eq + 1)
            if km is None:
                continue
            size = km.end() - km.start()
            ks = eq - size
            # The whole run of key characters before "=" is the key: at most 64 of them, the
            # first a letter or "_", not inside a path or a quoted string.
            if size > 64 or text[ks] not in _KEY_START or (ks > 0 and text[ks - 1] in '/"'):
                continue
            key = text[ks:eq]
            hinted = known(key)
            if hinted is None:
                hinted = _hinted(key)
            if not hinted:
                continue
            group = "q" if m.group("q") is not None else "v"
            start, end = m.span(group)
            if end - start > _MAX_VALUE_CHARS:
                continue
            if end > start:
                zones.append((start, end, key))
        zones.sort()
    return zones


def zone_at(zones: list[tuple[int, int, str]], starts: list[int], pos: int, end: int) -> str | None:
    """The key of the zone holding ``[pos, end)``; ``starts`` are the zones' sorted starts."""
    i = bisect_right(starts, pos) - 1
    if i >= 0 and zones[i][0] <= pos and end <= zones[i][1]:
        return zones[i][2]
    return None


__all__ = ["MAX_SEGMENT_CHARS", "key_zones", "map_span", "unescape", "zone_at"]
