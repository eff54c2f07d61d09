"""Numbers, units and versions as contracts write them, and the parsers that read them.

Rules (``policies/baa-rules/*.yaml``) write their patterns with the fragments below
(``{{duration}}``, ``{{days}}``, ``{{tls}}``, ``{{aes}}``, ``{{number}}``) inside a group named
``value``; the parameter's ``parse`` names the parser that turns the matched text into the value a
profile carries. A parser either returns a value or raises :class:`Unparsed` with the reason, and
the draft then keeps the promise without that parameter and says why: a number is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}


def _word_values() -> dict[str, int]:
    words: dict[str, int] = {**_UNITS, **_TENS}
    for ten, tens_value in _TENS.items():
        for unit, unit_value in _UNITS.items():
            if unit_value < 10:
                words[f"{ten}-{unit}"] = tens_value + unit_value
                words[f"{ten} {unit}"] = tens_value + unit_value
    words["a hundred"] = words["one hundred"] = 100
    return words


NUMBER_WORDS: dict[str, int] = _word_values()
_WORD_ALT = "|".join(
    sorted((re.escape(w).replace(r"\ ", r"\s+") for w in NUMBER_WORDS), key=len, reverse=True)
)
_DIGITS = r"\d{1,4}(?:,\d{3})?"

#: "eight (8)", "24 (twenty-four)", "8", "eight", "an" (as in "an hour")
NUMBER = (
    rf"(?:\b(?:{_WORD_ALT})\s*\(\s*{_DIGITS}\s*\)|\b{_DIGITS}\s*\(\s*(?:{_WORD_ALT})\s*\)"
    rf"|\b{_DIGITS}|\b(?:{_WORD_ALT})\b|\ban?\b)"
)
_UNIT_WORDS = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_QUALIFIER = r"(?:(?:calendar|business|working)[\s-]+)?"
#: "8-hour", "eight (8) hours", "15 minutes", "thirty (30) calendar days", "an hour"
DURATION = rf"{NUMBER}[\s-]*{_QUALIFIER}{_UNIT_WORDS}\b"
#: TLS with a version: "TLS 1.3", "TLS version 1.3", "TLSv1.2", "Transport Layer Security (TLS) 1.2"
TLS = (
    r"(?:\bTLS|\bTransport\s+Layer\s+Security(?:\s*\(\s*TLS\s*\))?)"
    r"\s*(?:protocol\s*)?(?:version\s*|v\.?\s*)?1\.[0-3]\b"
)
#: "AES-256", "AES 256", "256-bit AES", "AES with 256-bit keys", "Advanced Encryption Standard (AES) 256"
AES = (
    r"(?:\bAES[\s-]?(?:128|192|256)\b|\b(?:128|192|256)[\s-]?bits?\s+AES\b"
    r"|\b(?:AES|Advanced\s+Encryption\s+Standard(?:\s*\(\s*AES\s*\))?)"
    r"(?:\s+(?:encryption|with|using))*\s+(?:128|192|256)[\s-]?bits?(?:\s+keys?)?)"
)

FRAGMENTS: dict[str, str] = {
    "number": NUMBER,
    "duration": DURATION,
    "days": DURATION,
    "tls": TLS,
    "aes": AES,
}
_FRAGMENT = re.compile(r"\{\{(\w+)\}\}")


class Unparsed(Exception):
    """The clause states something the parameter cannot hold exactly; the reason says what."""


def expand(pattern: str) -> str:
    """Replace ``{{name}}`` fragments; an unknown name is a ``KeyError`` the rule loader reports."""
    return _FRAGMENT.sub(lambda m: f"(?:{FRAGMENTS[m.group(1)]})", pattern)


def fragment_names(pattern: str) -> list[str]:
    return _FRAGMENT.findall(pattern)


_WORD = re.compile(rf"\b(?:{_WORD_ALT})\b", re.IGNORECASE)
_DIGIT_RUN = re.compile(_DIGITS)
_ARTICLE = re.compile(r"^\s*an?\b", re.IGNORECASE)


def parse_number(text: str) -> int:
    """The number in ``text``: "eight (8)" -> 8, "24 (twenty-four)" -> 24, "15" -> 15, "an" -> 1.

    When the word and the digits beside it disagree ("eight (9)"), the clause is ambiguous.
    """
    word = _WORD.search(text)
    digits = _DIGIT_RUN.search(text)
    word_value = NUMBER_WORDS[" ".join(word.group(0).lower().split())] if word else None
    digit_value = int(digits.group(0).replace(",", "")) if digits else None
    if word_value is not None and digit_value is not None and word_value != digit_value:
        raise Unparsed(f"{text.strip()!r} spells {word_value} but writes {digit_value}")
    if digit_value is not None:
        return digit_value
    if word_value is not None:
        return word_value
    if _ARTICLE.match(text):
        return 1
    raise Unparsed(f"no number in {text.strip()!r}")


def _unit_of(text: str) -> tuple[str, str | None]:
    match = re.search(
        r"(?:(calendar|business|working)[\s-]+)?(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b",
        text,
        re.IGNORECASE,
    )
    if match is None:
        raise Unparsed(f"no unit in {text.strip()!r}")
    qualifier = match.group(1).lower() if match.group(1) else None
    unit = match.group(2).lower()
    for prefix, name in (
        ("sec", "second"),
        ("min", "minute"),
        ("mon", "month"),
        ("h", "hour"),
        ("d", "day"),
        ("w", "week"),
        ("y", "year"),
    ):
        if unit.startswith(prefix):
            return name, qualifier
    raise Unparsed(f"unknown unit in {text.strip()!r}")  # pragma: no cover - the regex is closed


def _amount(text: str) -> tuple[int, str, str | None]:
    return parse_number(text), *_unit_of(text)


def parse_duration_seconds(text: str) -> int:
    """ "8-hour" -> 28800, "15 minutes" -> 900, "eight (8) hours" -> 28800."""
    value, unit, qualifier = _amount(text)
    if qualifier in ("business", "working"):
        raise Unparsed(f"{text.strip()!r} counts {qualifier} days, not elapsed time")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}.get(unit)
    if seconds is None:
        raise Unparsed(f"{text.strip()!r} is not an exact number of seconds")
    return value * seconds


def parse_days(text: str) -> int:
    """ "thirty (30) calendar days" -> 30, "72 hours" -> 3, "six (6) years" -> 2190.

    Business days, months and hours that are not whole days have no exact count of calendar days.
    """
    value, unit, qualifier = _amount(text)
    if qualifier in ("business", "working"):
        raise Unparsed(
            f"{text.strip()!r} counts {qualifier} days; the parameter counts calendar days"
        )
    if unit == "day":
        return value
    if unit == "week":
        return value * 7
    if unit == "year":
        return value * 365
    if unit == "hour":
        if value % 24:
            raise Unparsed(f"{text.strip()!r} is not a whole number of days")
        return value // 24
    raise Unparsed(f"{text.strip()!r} has no exact number of calendar days")


def parse_tls_version(text: str) -> str:
    match = re.search(r"1\.[0-3]", text)
    if match is None:
        raise Unparsed(f"no TLS version in {text.strip()!r}")
    return match.group(0)


def parse_aes(text: str) -> str:
    """ "AES-256" / "256-bit AES" -> "AES-256"; a shorter key is stated but is no promised value."""
    match = re.search(r"128|192|256", text)
    if match is None:
        raise Unparsed(f"no AES key length in {text.strip()!r}")
    bits = match.group(0)
    if bits != "256":
        raise Unparsed(
            f"{text.strip()!r} states AES with {bits}-bit keys; the policies judge AES-256 only"
        )
    return "AES-256"


def parse_text(text: str) -> str:
    return " ".join(text.split())


#: parser name -> (function, whether several values combine into a list)
PARSERS: dict[str, Callable[[str], Any]] = {
    "duration_seconds": parse_duration_seconds,
    "days": parse_days,
    "tls_version": parse_tls_version,
    "aes": parse_aes,
    "text": parse_text,
}

#: how strictness orders values, for parsers whose values can be compared
STRICTER: dict[str, Callable[[list[Any]], Any]] = {
    "higher": max,
    "lower": min,
}

__all__ = [
    "AES",
    "DURATION",
    "FRAGMENTS",
    "NUMBER",
    "NUMBER_WORDS",
    "PARSERS",
    "STRICTER",
    "TLS",
    "Unparsed",
    "expand",
    "fragment_names",
    "parse_aes",
    "parse_days",
    "parse_duration_seconds",
    "parse_number",
    "parse_tls_version",
]
