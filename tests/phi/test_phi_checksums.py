"""Check digits and reserved ranges of the identifiers the PHI detectors look for."""

from __future__ import annotations

import pytest

from auditor.collect.phi.checksums import (
    card_brand,
    card_valid,
    dea_valid,
    luhn_valid,
    mbi_valid,
    nanp_valid,
    npi_valid,
    ssn_valid,
)


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("7992739871x")


@pytest.mark.parametrize(
    ("area", "group", "serial", "ok"),
    [
        ("123", "45", "6789", True),
        ("000", "45", "6789", False),
        ("666", "45", "6789", False),
        ("900", "45", "6789", False),
        ("999", "45", "6789", False),
        ("123", "00", "6789", False),
        ("123", "45", "0000", False),
        ("899", "99", "9999", True),
    ],
)
def test_ssn_ranges(area: str, group: str, serial: str, ok: bool) -> None:
    assert ssn_valid(area, group, serial) is ok


def test_npi_uses_the_80840_prefix() -> None:
    assert npi_valid("1234567893")  # the CMS example
    assert not npi_valid("1234567890")
    assert not npi_valid("3234567893")  # must start with 1 or 2
    # Plain Luhn without the prefix would accept this one; the NPI rule does not.
    assert luhn_valid("1234567897") and not npi_valid("1234567897")


def test_dea_check_digit() -> None:
    assert dea_valid("AB1234563")  # 1+3+5 + 2*(2+4+6) = 33 -> 3
    assert not dea_valid("AB1234564")
    assert not dea_valid("ZB1234563")  # Z is no registrant type
    assert dea_valid("A91234563")  # 9 stands in for a business name's letter


def test_mbi_position_rules() -> None:
    assert mbi_valid("1EG4TE5MK73")  # the CMS example
    assert not mbi_valid("0EG4TE5MK73")  # first digit 1-9
    assert not mbi_valid("1SG4TE5MK73")  # S is excluded
    assert not mbi_valid("1EG4TE5MK7A")  # last is a digit
    assert not mbi_valid("1EG4TE5MK7")


def test_cards() -> None:
    assert card_valid("4111111111111111") and card_brand("4111111111111111") == "visa"
    assert card_valid("5555555555554444") and card_brand("5555555555554444") == "mastercard"
    assert card_valid("378282246310005") and card_brand("378282246310005") == "amex"
    assert card_valid("6011111111111117")
    assert not card_valid("4111111111111112")  # Luhn
    assert not card_valid("9111111111111111")  # no issuer starts with 9
    assert not card_valid("1763900000000")  # epoch milliseconds are not cards


def test_nanp() -> None:
    assert nanp_valid("212", "555")
    assert not nanp_valid("112", "555")
    assert not nanp_valid("212", "055")
    assert not nanp_valid("911", "555")
    assert not nanp_valid("212", "411")
