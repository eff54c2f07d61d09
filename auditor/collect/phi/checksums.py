"""Validity rules of the identifiers the detectors look for: check digits and reserved ranges.

Every function takes the identifier's characters without separators and answers True only when
the value could be a real identifier of that kind. They never log or keep their input.
"""

from __future__ import annotations

# MBI letters exclude S, L, O, I, B and Z (CMS "Understanding the Medicare Beneficiary Identifier").
MBI_LETTERS = frozenset("ACDEFGHJKMNPQRTUVWXY")
_MBI_DIGITS = frozenset("0123456789")
_MBI_ALNUM = MBI_LETTERS | _MBI_DIGITS

# DEA registrant type (first letter) as published by the DEA Diversion Control Division.
DEA_REGISTRANT_TYPES = frozenset("ABCDEFGHJKLMPRSTUX")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment cards and, with a prefix, NPIs."""
    total = 0
    double = False
    for ch in reversed(digits):
        d = ord(ch) - 48
        if d < 0 or d > 9:
            return False
        if double:
            d *= 2
            if d > 9:
                d -= 9
        total += d
        double = not double
    return total % 10 == 0 and len(digits) > 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """A US Social Security Number that the SSA could have issued.

    Area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
    """
    if len(area) != 3 or len(group) != 2 or len(serial) != 4:
        return False
    if area in {"000", "666"} or area[0] == "9":
        return False
    return group != "00" and serial != "0000"


def npi_valid(digits: str) -> bool:
    """A National Provider Identifier: 10 digits, first 1 or 2, Luhn-valid behind prefix 80840."""
    if len(digits) != 10 or digits[0] not in "12" or not digits.isdigit():
        return False
    return luhn_valid("80840" + digits)


def dea_valid(value: str) -> bool:
    """A DEA registration number: registrant letter, a letter or 9, six digits and a check digit.

    The check digit is the last digit of (d1 + d3 + d5) + 2 * (d2 + d4 + d6).
    """
    if len(value) != 9:
        return False
    first, second, digits = value[0], value[1], value[2:]
    if first not in DEA_REGISTRANT_TYPES or not (second.isalpha() or second == "9"):
        return False
    if not digits.isdigit():
        return False
    d = [ord(c) - 48 for c in digits]
    check = (d[0] + d[2] + d[4]) + 2 * (d[1] + d[3] + d[5])
    return check % 10 == d[6]


def mbi_valid(value: str) -> bool:
    """A Medicare Beneficiary Identifier (11 characters, CMS position rules).

    Positions: 1 digit 1-9; 2, 5, 8, 9 letter; 4, 7, 10, 11 digit; 3 and 6 letter or digit.
    Letters exclude S, L, O, I, B, Z.
    """
    if len(value) != 11:
        return False
    v = value.upper()
    if v[0] not in "123456789":
        return False
    for i in (1, 4, 7, 8):
        if v[i] not in MBI_LETTERS:
            return False
    for i in (3, 6, 9, 10):
        if v[i] not in _MBI_DIGITS:
            return False
    return v[2] in _MBI_ALNUM and v[5] in _MBI_ALNUM


def card_brand(digits: str) -> str | None:
    """The card network whose issuer (IIN) range and length fit ``digits``, or None.

    Ranges as the networks publish them: Visa 4; Mastercard 51-55 and 2221-2720; American
    Express 34, 37; Discover 6011, 644-649, 65, 622126-622925; JCB 3528-3589 (and the old
    15-digit 1800, 2131); Diners Club 300-305, 3095, 36, 38, 39; UnionPay 62, 81; Mir 2200-2204;
    RuPay 60, 6521-6522, 508, 353, 356; Maestro 50, 56-69 (12 to 19 digits); Verve 5060-5061.
    """
    n = len(digits)
    if n < 12 or n > 19 or not digits.isdigit():
        return None
    two = int(digits[:2])
    three = int(digits[:3])
    four = int(digits[:4])
    six = int(digits[:6])
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16:
        return "mastercard"
    if two in (34, 37) and n == 15:
        return "amex"
    if (
        four == 6011 or two == 65 or 644 <= three <= 649 or 622126 <= six <= 622925
    ) and 16 <= n <= 19:
        return "discover"
    if 3500 <= four <= 3589 and 16 <= n <= 19:
        return "jcb"  # 3528-3589 assigned; the rest of 35 is JCB's too in practice
    if four in (1800, 2131) and n == 15:
        return "jcb"
    if (300 <= three <= 305 or four == 3095 or two in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if 2200 <= four <= 2204 and 16 <= n <= 19:
        return "mir"
    if two in (62, 81) and 16 <= n <= 19:
        return "unionpay"
    if (two == 60 or four in (6521, 6522) or three in (508, 353, 356)) and n == 16:
        return "rupay"
    if (two == 50 or 56 <= two <= 69) and 12 <= n <= 19:
        return "maestro"
    return None


def card_valid(digits: str) -> bool:
    """A payment card number: plausible issuer range and length, and Luhn-valid."""
    return digits.isdigit() and card_brand(digits) is not None and luhn_valid(digits)


def nanp_valid(npa: str, nxx: str) -> bool:
    """A North American Numbering Plan number: area code and exchange start 2-9, neither is N11."""
    if len(npa) != 3 or len(nxx) != 3:
        return False
    if npa[0] in "01" or nxx[0] in "01":
        return False
    # N11 codes (211, 311, ... 911) are service codes, not area codes or exchanges.
    return not (npa[1:] == "11" or nxx[1:] == "11")


__all__ = [
    "DEA_REGISTRANT_TYPES",
    "MBI_LETTERS",
    "card_brand",
    "card_valid",
    "dea_valid",
    "luhn_valid",
    "mbi_valid",
    "nanp_valid",
    "npi_valid",
    "ssn_valid",
]
