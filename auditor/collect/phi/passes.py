"""The few passes the scanner makes over a batch of text, each one regular expression.

Python's ``re`` spends most of its time entering a match at every position where the pattern's
first character may stand, so the detectors share passes instead of running one pattern each:

- the **digit pass** starts at a character that is neither a letter, a digit, nor one of
  ``. - / _`` and is followed by a digit, ``+`` or ``(`` (a value's left edge), and tries in
  turn a Social Security Number, a payment card, a Medicare Beneficiary Identifier, a telephone
  number and a house number with its street; the group that matched names the kind;
- the **capital pass** starts at a capital letter not inside a word and finds runs of
  capitalised words (perhaps a person's name), words ending in a street type (``Hauptstraße``)
  and British and Canadian postcodes;
- the **word pass** (in :mod:`auditor.collect.phi.detectors`) finds context words and the words
  that start or end a street (``rue``, ``ul.``, ``utca``) and military addresses (``PSC``).

The batch text given to the passes starts with a newline, so a value at the very start of a line
has a left edge too. Every branch is linear: possessive or bounded repetitions, no quantifier
nested in another that could match the same text two ways.
"""

from __future__ import annotations

import re

from auditor.collect.phi.addresses import (
    CAPITAL_LEAD,
    FUSED_SHAPE,
    NUMBER_FIRST_SHAPE,
    POSTCODE_SHAPE,
)
from auditor.collect.phi.names import RUN_SHAPE
from auditor.collect.phi.patterns import CARD_SHAPE, MBI_SHAPE, SSN_SHAPE
from auditor.collect.phi.phones import PHONE_SHAPE

#: A value's left edge: one character that is not a letter, digit, ``.``, ``-``, ``/`` or ``_``
#: (ASCII first, so the engine skips ahead fast; then the same for any script).
_EDGE = r"[^0-9A-Za-z_.\-/]"

#: The digit pass: the first group that matches (``ssn``, ``card``, ``mbi``, ``phone``, ``addr``)
#: is the value's kind; its span excludes the edge character.
DIGITS = re.compile(
    _EDGE
    + r"(?=[\d+(])(?<=[^\w.\-/])(?:"
    + "|".join((SSN_SHAPE, CARD_SHAPE, MBI_SHAPE, PHONE_SHAPE, NUMBER_FIRST_SHAPE))
    + ")"
)
#: The telephone shape alone, tried where the digit pass found another kind first (an SSN-shaped
#: value after "phone:" is a telephone number).
PHONE_AT = re.compile(PHONE_SHAPE)

#: The capital pass: ``name`` (a run of two to five capitalised words, perhaps a person's name;
#: words ending in a street type inside it are looked for again), ``fused`` (one word ending in
#: a street type) or ``post`` (a postcode).
CAPITALS = re.compile(
    CAPITAL_LEAD + "(?:" + "|".join((RUN_SHAPE, FUSED_SHAPE, POSTCODE_SHAPE)) + ")"
)

__all__ = ["CAPITALS", "DIGITS", "PHONE_AT"]
