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
    nanp_valid,
    npi_valid,
    ssn_valid,
)
from auditor.collect.phi.masking import mask_address, mask_all, mask_email, mask_keep_last

# A validator turns a match into (normalized, masked) or (normalized, masked, confidence), or None.
Checked = tuple[str, str] | tuple[str, str, float] | None
Validator = Callable[[re.Match[str]], Checked]


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
    "dob": ("dob", "d.o.b", "birth", "born$", "bday"),
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
        "dial",
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
    "patient_name": ("patient", "pt", "member", "subscriber", "beneficiary", "guarantor"),
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
    ),
}


#: Words too common in plain log text to lend context there, but telling as a JSON key
#: (``provider.id``, ``registration``, ``condition``).
KEY_ONLY_WORDS: dict[str, tuple[str, ...]] = {
    "npi": ("provider", "rendering", "referring"),
    "dea": ("registration",),
    "icd10": ("condition",),
}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def alnum_upper(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


def preceded_ok(m: re.Match[str]) -> bool:
    """The character before the match is not a letter, digit, dot, dash, slash or underscore."""
    i = m.start()
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
# (212) 555-1234 and +12125551234
PHONE_PAREN = re.compile(
    r"[(+](?<![\w.\-/+][(+])(?:(?<=\+)1\d{10}|(?<=\()\d{3}\) ?\d{3}[ .-]\d{4})" + _E
)
PHONE_BARE = re.compile(_lead(r"\d") + r"\d{9}" + _E)
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b")
_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d|T\d)"
    r"|(?P<m2>\d{1,2})[/-](?P<d2>\d{1,2})[/-](?P<y2>(?:19|20)\d{2})"
    r"|(?P<mon3>" + _MON + r") (?P<d3>\d{1,2}),? (?P<y3>(?:19|20)\d{2})"
    r"|(?P<d4>\d{1,2}) (?P<mon4>" + _MON + r") (?P<y4>(?:19|20)\d{2}))" + _E,
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


def v_ssn(m: re.Match[str]) -> Checked:
    raw = m.group(0)
    digits = _digits(raw)
    if not ssn_valid(digits[:3], digits[3:5], digits[5:]):
        return None
    return digits, mask_keep_last(raw, 4)


def v_mbi(m: re.Match[str]) -> Checked:
    value = alnum_upper(m.group(0))
    if not mbi_valid(value):
        return None
    return value, mask_keep_last(m.group(0), 4)


def v_npi(m: re.Match[str]) -> Checked:
    value = m.group(0)
    if not npi_valid(value):
        return None
    return value, mask_keep_last(value, 3)


def v_dea(m: re.Match[str]) -> Checked:
    value = m.group(0).upper()
    if not dea_valid(value):
        return None
    return value, mask_keep_last(value, 2)


def v_phone_paren(m: re.Match[str]) -> Checked:
    raw = m.group(0)
    digits = _digits(raw)
    if len(digits) == 11:
        digits = digits[1:]
    if not nanp_valid(digits[:3], digits[3:6]):
        return None
    return digits, mask_keep_last(raw, 4), 0.85 if raw[0] == "+" else 0.8


def v_phone_bare(m: re.Match[str]) -> Checked:
    digits = m.group(0)
    if not nanp_valid(digits[:3], digits[3:6]):
        return None
    return digits, mask_keep_last(digits, 4)


def v_email(m: re.Match[str]) -> Checked:
    value = m.group(0)
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


def v_date(m: re.Match[str]) -> Checked:
    if not preceded_ok(m):
        return None
    g = m.groupdict()
    try:
        if g["y"]:
            born = date(int(g["y"]), int(g["m"]), int(g["d"]))
        elif g["y2"]:
            born = date(int(g["y2"]), int(g["m2"]), int(g["d2"]))
        elif g["y3"]:
            born = date(int(g["y3"]), _MONTHS[g["mon3"].lower().rstrip(".")], int(g["d3"]))
        else:
            born = date(int(g["y4"]), _MONTHS[g["mon4"].lower().rstrip(".")], int(g["d4"]))
    except (KeyError, ValueError, TypeError):
        return None
    if born.year < 1900 or born > date.today():
        return None
    return born.isoformat(), mask_all(m.group(0))


def v_icd10(m: re.Match[str]) -> Checked:
    value = m.group(0)
    return value.replace(".", "").upper(), mask_all(value)


def v_mrn(m: re.Match[str]) -> Checked:
    value = m.group(0)
    return alnum_upper(value), mask_keep_last(value, 2)


def v_address(m: re.Match[str]) -> Checked:
    value = m.group(0)
    return " ".join(value.lower().split()), mask_address(value, STREET_TYPE_WORDS)


# One pass finds every digit-led, context-free shape: the branch that matched names the kind.
DIGIT_LED = re.compile(
    _lead(r"\d")
    + r"(?:(?P<ssn>\d\d(?P<sep>[- ])\d\d(?P=sep)\d{4}"
    + _E
    + ")"
    + r"|(?P<phone>\d\d(?P<psep>[ .-])\d{3}(?P=psep)\d{4}"
    + _E
    + ")"
    + r"|(?P<phone1>(?<=1)(?P<p1sep>[ .-])\d{3}(?P=p1sep)\d{3}(?P=p1sep)\d{4}"
    + _E
    + ")"
    + r"|(?P<card>\d{3}(?:(?P<csep>[ -])\d{4}(?P=csep)\d{4}(?P=csep)\d{1,7}"
    + r"|(?P<csep2>[ -])\d{6}(?P=csep2)\d{5}|\d{9,15})"
    + _E
    + ")"
    + r"|(?P<mbi>(?<=[1-9])[A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d{2}"
    + _E
    + ")"
    + r"|(?P<address>\d{0,5}(?: [NSEW]\.?)?(?: (?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))){1,3} (?:"
    + STREET_TYPES
    + r")\b\.?(?:,? (?:Apt|Suite|Ste|Unit)\.? #?\w{1,5})?))"
)


def v_card_combined(m: re.Match[str]) -> Checked:
    raw = m.group(0)
    digits = _digits(raw)
    if not card_valid(digits):
        return None
    grouped = m.group("csep") is not None or m.group("csep2") is not None
    return digits, mask_keep_last(raw, 4), (0.85 if grouped else 0.75)


def v_phone_combined(m: re.Match[str]) -> Checked:
    raw = m.group(0)
    digits = _digits(raw)
    if len(digits) == 11:
        digits = digits[1:]
    if not nanp_valid(digits[:3], digits[3:6]):
        return None
    return digits, mask_keep_last(raw, 4)


#: What each branch of :data:`DIGIT_LED` finds.
DIGIT_LED_KINDS: dict[str, Spec] = {
    "ssn": Spec("ssn", DIGIT_LED, v_ssn, 0.85, 0.99),
    "phone": Spec("phone", DIGIT_LED, v_phone_combined, 0.8, 0.95),
    "phone1": Spec("phone", DIGIT_LED, v_phone_combined, 0.8, 0.95),
    "card": Spec("payment_card", DIGIT_LED, v_card_combined, 0.75, 0.95),
    "mbi": Spec("mbi", DIGIT_LED, v_mbi, 0.75, 0.99),
    "address": Spec("street_address", DIGIT_LED, v_address, 0.8, 0.92),
}

EMAIL_SPEC = Spec("email", EMAIL, v_email, 0.9, 0.9)


def builtin_specs() -> list[Spec]:
    """Specs run on their own: the non-digit-led context-free ones, then the context-only ones."""
    return [
        Spec("phone", PHONE_PAREN, v_phone_paren, 0.8, 0.95),
        # context-only
        Spec("ssn", SSN_BARE, v_ssn, 0.0, 0.9),
        Spec("npi", NPI, v_npi, 0.0, 0.95),
        Spec("dea", DEA, v_dea, 0.0, 0.95),
        Spec("phone", PHONE_BARE, v_phone_bare, 0.0, 0.9),
        Spec("dob", DATE, v_date, 0.0, 0.9, window=24),
        Spec("icd10", ICD10, v_icd10, 0.0, 0.85, window=40),
        Spec("mrn", MRN, v_mrn, 0.0, 0.85, window=20),
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
