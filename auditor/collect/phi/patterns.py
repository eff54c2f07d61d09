"""The shapes, validity rules and context words of each built-in detector.

Patterns are written for speed with Python's ``re``: each starts with a single character class
(so the engine can skip ahead to candidate characters) and checks the character before the match
with a lookbehind placed after that first character. Validators then apply the identifier's own
rules (check digits, reserved ranges, calendar dates) and return the normalized value and its
masked form, or ``None``.

Context words are matched on lowercased text; a word must not follow a letter (``idx`` is not
``dx``), and short words or those marked ``$`` must not be followed by one either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from auditor.collect.phi.checksums import (
    card_valid,
    dea_valid,
    mbi_valid,
    npi_valid,
    ssn_valid,
)
from auditor.collect.phi.masking import mask_all, mask_email, mask_keep_last

# A validator turns the group ``g`` of a match into (normalized, masked) or
# (normalized, masked, confidence), or None.
Checked = tuple[str, str] | tuple[str, str, float] | None
Validator = Callable[[re.Match[str], int | str], Checked]


@dataclass(frozen=True)
class Spec:
    """One way of finding one kind of identifier.

    ``confidence`` applies without context; ``0`` makes the spec context-only: it then runs only
    just after one of its context words, or on values under a JSON key holding one.
    """

    detector: str
    pattern: re.Pattern[str]
    validate: Validator
    confidence: float
    context_confidence: float
    window: int = 32
    #: The group of ``pattern`` that holds the value (0: the whole match).
    group: int | str = 0
    #: Where a match may start: a character of this class at a left edge (after a character
    #: that is not a letter, digit, ``.``, ``-``, ``/`` or ``_``); a context-only spec tries its
    #: pattern only there in the window after a context word.
    starts: re.Pattern[str] | None = None


#: Context words per detector (lowercase). ``$`` at the end: must not be followed by a letter.
CONTEXT_WORDS: dict[str, tuple[str, ...]] = {
    "ssn": (
        "ssn",
        "social security",
        "social_security",
        "socialsecurity",
        "social-security",
        "social sec",
        "soc sec",
        "ss#",
        "tin$",
        "taxpayer",
    ),
    "mbi": ("mbi", "medicare", "beneficiary"),
    "npi": (
        "npi",
        "national provider",
        "rendering provider",
        "referring provider",
        "billing provider",
        "prescriber",
        "physician",
        "practitioner",
    ),
    "dea": ("dea", "prescriber", "controlled substance", "controlled_substance"),
    "payment_card": (
        "card",
        "cc",
        "pan",
        "visa",
        "mastercard",
        "amex",
        "payment",
        "credit",
        "debit",
    ),
    "dob": (
        "dob",
        "d.o.b",
        "birth",
        "born$",
        "bday",
        "geburt",
        "naissance",
        "nacimiento",
        "nascita",
        "urodzenia",
    ),
    "phone": (
        "phone",
        "tel",
        "telephone",
        "mobile",
        "cell$",
        "fax",
        "contact",
        "sms",
        "caller",
        "callback",
        "call from",
        "call to",
        "dial",
        "whatsapp",
        "msisdn",
        "reached",
    ),
    "email": (),
    "icd10": ("icd", "diagnos", "dx", "problem list", "problem_list", "assessment"),
    "mrn": (
        "mrn",
        "medical record",
        "medical_record",
        "medicalrecord",
        "med rec",
        "medrec",
        "chart$",
        "patient id",
        "patient_id",
        "patientid",
        "patient no",
        "patient number",
        "patient_number",
        "patient #",
        "record no",
        "record number",
        "record_number",
    ),
    "patient_name": (
        "patient",
        "pt",
        "member",
        "subscriber",
        "beneficiary",
        "guarantor",
        "guardian",
        "name",
        "contact",
        "caregiver",
        "insured",
    ),
    "street_address": (
        "address",
        "addr",
        "street",
        "residence",
        "home$",
        "shipping",
        "billing",
        "mailing",
        "ship to",
        "deliver to",
        "lives at",
        "located at",
        "moved to",
        "pickup at",
        "courier",
        "geocod",
    ),
}


#: Words too common in plain log text to lend context there, but telling as a JSON key
#: (``provider.id``, ``registration``, ``condition``).
KEY_ONLY_WORDS: dict[str, tuple[str, ...]] = {
    "npi": ("provider", "rendering", "referring"),
    "dea": ("registration",),
    "icd10": ("condition",),
}


_NOT_DIGIT = re.compile(r"\D+")


def _digits(text: str) -> str:
    return text if text.isdigit() else _NOT_DIGIT.sub("", text)


def alnum_upper(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


def preceded_ok(m: re.Match[str], g: int | str = 0) -> bool:
    """The character before the match is not a letter, digit, dot, dash, slash or underscore."""
    i = m.start(g)
    if i == 0:
        return True
    ch = m.string[i - 1]
    return not (ch.isalnum() or ch in "._-/")


# ---------------------------------------------------------------- patterns

_E = r"(?![\w\-/]|\.\d)"  # nothing word-like after the match (a sentence-ending dot is fine)


def _lead(cls: str, extra_before: str = "") -> str:
    """First character class, then a lookbehind refusing word characters, dots, dashes, slashes."""
    return f"{cls}(?<![\\w.\\-/{extra_before}]{cls})"


SSN_BARE = re.compile(_lead(r"\d") + r"\d{8}" + _E)
NPI = re.compile(_lead(r"[12]") + r"\d{9}" + _E)
DEA = re.compile(_lead(r"[A-Za-z]") + r"[A-Za-z9]\d{7}" + _E)
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b")
_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})(?P<ys>[-/.])(?P<m>\d{1,2})(?P=ys)(?P<d>\d{1,2})(?!\d)"
    r"(?:T00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?"
    r"|(?P<a2>\d{1,2})(?P<s2>[/.\-])(?P<b2>\d{1,2})(?P=s2)(?P<y2>(?:19|20)\d{2}|\d{2})(?!\d)"
    r"|(?P<mon3>" + _MON + r")[ \-](?P<d3>\d{1,2})(?:st|nd|rd|th)?,? (?P<y3>(?:19|20)\d{2})"
    r"|(?P<d4>\d{1,2})(?:st|nd|rd|th)?(?:[ \-]|\. )(?:of )?(?P<mon4>"
    + _MON
    + r")[ \-,]{1,2}(?P<y4>(?:19|20)\d{2})"
    r"|(?P<y5>(?:19|20)\d{2})(?P<m5>[01]\d)(?P<d5>[0-3]\d)(?!\d))" + _E,
    re.IGNORECASE,
)
ICD10 = re.compile(
    _lead(r"[A-Z]") + r"(?:(?<=[A-TV-Z])\d[0-9AB](?:\.[0-9A-Z]{1,4})?|(?<=U)0[79]\.\d)" + _E
)
MRN = re.compile(
    r"[A-Z0-9](?<![\w.\-/][A-Z0-9])(?:(?<=[A-Z])[A-Z]{0,2}-?\d{5,10}|(?<=\d)\d{4,9})" + _E
)
STREET_TYPES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Place|Pl|"
    "Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Plaza|Pike"
)
STREET_TYPE_WORDS = frozenset(STREET_TYPES.split("|"))
# ---------------------------------------------------------------- validators


def v_ssn(m: re.Match[str], g: int | str = 0) -> Checked:
    raw = m.group(g)
    digits = _digits(raw)
    if not ssn_valid(digits[:3], digits[3:5], digits[5:]):
        return None
    return digits, mask_keep_last(raw, 4)


def v_mbi(m: re.Match[str], g: int | str = 0) -> Checked:
    value = alnum_upper(m.group(g))
    if not mbi_valid(value):
        return None
    return value, mask_keep_last(m.group(g), 4)


def v_npi(m: re.Match[str], g: int | str = 0) -> Checked:
    value = m.group(g)
    if not npi_valid(value):
        return None
    return value, mask_keep_last(value, 3)


def v_dea(m: re.Match[str], g: int | str = 0) -> Checked:
    value = m.group(g).upper()
    if not dea_valid(value):
        return None
    return value, mask_keep_last(value, 2)


def v_email(m: re.Match[str], g: int | str = 0) -> Checked:
    value = m.group(g)
    return value.lower(), mask_email(value)


_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}


def v_date(m: re.Match[str], g: int | str = 0) -> Checked:
    if not preceded_ok(m, g):
        return None
    gd = m.groupdict()
    candidates: list[tuple[int, int, int]] = []
    try:
        if gd["y"]:
            candidates.append((int(gd["y"]), int(gd["m"]), int(gd["d"])))
        elif gd["y2"]:
            year = int(gd["y2"])
            if year < 100:
                year += 1900 if year > date.today().year % 100 else 2000
            a, b = int(gd["a2"]), int(gd["b2"])
            candidates += [(year, a, b), (year, b, a)]  # month/day or day/month
        elif gd["y3"]:
            candidates.append(
                (int(gd["y3"]), _MONTHS[gd["mon3"].lower().rstrip(".")], int(gd["d3"]))
            )
        elif gd["y4"]:
            candidates.append(
                (int(gd["y4"]), _MONTHS[gd["mon4"].lower().rstrip(".")], int(gd["d4"]))
            )
        else:
            candidates.append((int(gd["y5"]), int(gd["m5"]), int(gd["d5"])))
    except (KeyError, ValueError, TypeError):
        return None
    today = date.today()
    for y, mo, d in candidates:
        try:
            born = date(y, mo, d)
        except ValueError:
            continue
        if born.year >= 1900 and born <= today:
            return born.isoformat(), mask_all(m.group(g))
    return None


def v_icd10(m: re.Match[str], g: int | str = 0) -> Checked:
    value = m.group(g)
    return value.replace(".", "").upper(), mask_all(value)


def v_mrn(m: re.Match[str], g: int | str = 0) -> Checked:
    value = m.group(g)
    return alnum_upper(value), mask_keep_last(value, 2)


# The digit-led, context-free shapes, each as one named group holding the whole value; the
# scanner's digit pass (auditor/collect/phi/passes.py) tries them in this order after a
# character that is not a letter, digit, dot, dash, slash or underscore.
SSN_SHAPE = r"(?P<ssn>\d{3}(?P<sep>[- ])\d\d(?P=sep)\d{4})" + _E
CARD_SHAPE = (
    r"(?P<card>\d{4}(?:(?P<csep>[ -])\d{4}(?P=csep)\d{4}(?P=csep)\d{1,4}(?:(?P=csep)\d{1,3})?"
    r"|(?P<csep2>[ -])\d{6}(?P=csep2)\d{4,5}|\d{8,15}))" + _E
)
MBI_SHAPE = r"(?P<mbi>[1-9][A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d{2})" + _E


def v_card_combined(m: re.Match[str], g: int | str = 0) -> Checked:
    raw = m.group(g)
    digits = _digits(raw)
    if not card_valid(digits):
        return None
    grouped = m.group("csep") is not None or m.group("csep2") is not None
    if grouped:
        return digits, mask_keep_last(raw, 4), 0.85
    # A bare 12-digit run (an account id as often as a Maestro card) counts only in context.
    return digits, mask_keep_last(raw, 4), (0.75 if len(digits) >= 13 else 0.0)


#: What each digit-led group finds (the pattern is the digit pass's, set by the scanner).
DIGIT_LED_KINDS: dict[str, tuple[str, Validator, float, float]] = {
    "ssn": ("ssn", v_ssn, 0.85, 0.99),
    "card": ("payment_card", v_card_combined, 0.75, 0.95),
    "mbi": ("mbi", v_mbi, 0.75, 0.99),
}

EMAIL_SPEC = Spec("email", EMAIL, v_email, 0.9, 0.9)


def _starts(first: str) -> re.Pattern[str]:
    """Positions where a value may start: ``first`` at a left edge (first the class, so the engine
    skips ahead fast)."""
    return re.compile(f"{first}(?<![\\w.\\-/]{first})")


def builtin_specs() -> list[Spec]:
    """The context-only specs: they run under a key or just after a context word."""
    return [
        Spec("ssn", SSN_BARE, v_ssn, 0.0, 0.9, starts=_starts(r"\d")),
        Spec("npi", NPI, v_npi, 0.0, 0.95, starts=_starts("[12]")),
        Spec("dea", DEA, v_dea, 0.0, 0.95, starts=_starts("[A-Za-z]")),
        Spec("dob", DATE, v_date, 0.0, 0.9, window=24, starts=_starts(r"[\dJFMASONDjfmasond]")),
        Spec("icd10", ICD10, v_icd10, 0.0, 0.85, window=40, starts=_starts("[A-Z]")),
        Spec("mrn", MRN, v_mrn, 0.0, 0.85, window=20, starts=_starts("[A-Z0-9]")),
    ]


def trie_regex(words: list[str]) -> str:
    """A regex matching any of ``words``, factored by common prefixes (much faster to scan)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


__all__ = [
    "CONTEXT_WORDS",
    "STREET_TYPE_WORDS",
    "Spec",
    "alnum_upper",
    "builtin_specs",
    "preceded_ok",
]
