"""Numbers, units, TLS versions and AES key lengths as contracts write them."""

from __future__ import annotations

import re

import pytest

from auditor.judge.baa_text.grammar import (
    DURATION,
    Unparsed,
    expand,
    parse_aes,
    parse_days,
    parse_duration_seconds,
    parse_number,
    parse_tls_version,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("eight (8)", 8),
        ("thirty (30)", 30),
        ("24 (twenty-four)", 24),
        ("fifteen", 15),
        ("forty five", 45),
        ("sixty (60)", 60),
        ("15", 15),
        ("an", 1),
        ("1,000", 1000),
    ],
)
def test_numbers(text: str, value: int) -> None:
    assert parse_number(text) == value


def test_a_word_and_digits_that_disagree_are_not_a_number() -> None:
    with pytest.raises(Unparsed, match="spells 8 but writes 9"):
        parse_number("eight (9)")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("8-hour", 28800),
        ("eight (8) hours", 28800),
        ("15-minute", 900),
        ("15 minutes", 900),
        ("fifteen (15) minutes", 900),
        ("an hour", 3600),
        ("30 mins", 1800),
        ("12 hrs", 43200),
        ("1 day", 86400),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert re.fullmatch(expand("{{duration}}"), text, re.IGNORECASE), text
    assert parse_duration_seconds(text) == seconds


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("thirty (30) calendar days", 30),
        ("30 calendar days", 30),
        ("sixty (60) days", 60),
        ("72 hours", 3),
        ("two (2) weeks", 14),
        ("six (6) years", 2190),
    ],
)
def test_days(text: str, days: int) -> None:
    assert re.fullmatch(expand("{{days}}"), text, re.IGNORECASE), text
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ten (10) business days", "business days"),
        ("5 working days", "working days"),
        ("36 hours", "not a whole number of days"),
        ("twelve months", "no exact number of calendar days"),
    ],
)
def test_days_that_are_not_calendar_days(text: str, reason: str) -> None:
    with pytest.raises(Unparsed, match=reason):
        parse_days(text)


def test_business_days_are_no_duration() -> None:
    with pytest.raises(Unparsed):
        parse_duration_seconds("3 business days")


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("TLS 1.3", "1.3"),
        ("TLS version 1.3", "1.3"),
        ("TLSv1.2", "1.2"),
        ("TLS v1.2", "1.2"),
        ("Transport Layer Security (TLS) 1.2", "1.2"),
    ],
)
def test_tls_versions(text: str, version: str) -> None:
    assert re.fullmatch(expand("{{tls}}"), text, re.IGNORECASE), text
    assert parse_tls_version(text) == version


@pytest.mark.parametrize(
    "text",
    ["AES-256", "AES 256", "AES256", "256-bit AES", "256 bit AES", "AES with 256-bit keys"],
)
def test_aes_256(text: str) -> None:
    assert re.fullmatch(expand("{{aes}}"), text, re.IGNORECASE), text
    assert parse_aes(text) == "AES-256"


def test_a_shorter_aes_key_is_stated_but_not_a_promised_value() -> None:
    with pytest.raises(Unparsed, match="128-bit"):
        parse_aes("AES-128")


def test_duration_fragment_is_not_fooled_by_bare_numbers() -> None:
    assert not re.search(DURATION, "section 164.410 of the rule", re.IGNORECASE)
