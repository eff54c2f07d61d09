"""Telephone numbers of every country, through Google's numbering-plan metadata (phonenumbers).

A cheap, linear pattern finds digit runs shaped like a telephone number (a ``+`` or ``00``
country prefix, groups split by spaces, dashes, dots or a bracketed area code, an extension such
as ``x123``, ``ext. 12`` or ``-Office``); shapes that are something else in logs (dates, times,
IP addresses, versions, durations) are dropped; then phonenumbers decides whether the digits can
be a number: with a country prefix in the plan of that country, without one in the North
American plan or in the plan of a country whose numbers are written that way. A bare run of
digits counts only in context (``phone: 2125550147``, ``"mobile": "13017776317"``).
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers.phonemetadata import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from auditor.collect.phi.checksums import nanp_valid

# A digit, then 6 to 16 further digits, each perhaps after one or two separators or inside a
# bracket: every repetition consumes a digit, so the pattern is linear.
CANDIDATE = re.compile(
    r"(?:\+\d|\(\+?\d|\d)(?:(?:[ \-./]|\) ?| ?\()?\d){6,16}+"
    r"(?:\)?(?: ?(?:x|ext\.?|extension|#) ?\d{1,6}|-(?:Office|Home|Mobile|Work|Cell|Fax)))?"
)
_SEP = r"(?:[ \-./]|\) ?| ?\()"
_EXT_SHAPE = (
    r"(?:\)?(?: ?(?:x|ext\.?|extension|#) ?\d{1,6}|-(?:Office|Home|Mobile|Work|Cell|Fax)))?"
)
# Shapes the judge below rejects whatever the context, rejected inside the pass instead (most
# candidates in logs are these): an IP address, and a date that ends the candidate (followed by
# nothing a telephone number could go on with).
_NOT_A_NUMBER = (
    r"(?!\d{1,3}\.\d{1,3}\.\d{1,3}\.\d"
    r"|(?:(?:19|20)\d\d[-/.]\d\d?[-/.]\d\d?|\d\d?[-/.]\d\d?[-/.](?:19|20)?\d\d)(?![\d \-./()x#e]))"
)
#: What a telephone number written with a country prefix, a bracket or separators looks like,
#: for the scanner's digit pass (auditor/collect/phi/passes.py), which tries it after a
#: character that is not a letter, digit, dot, dash, slash or underscore. A bare run of digits is
#: not one (it counts only in context, where :data:`CANDIDATE` reads it). Possessive: linear.
PHONE_SHAPE = (
    r"(?<![:+])(?P<phone>(?:(?:\+|\(\+?)\d(?:" + _SEP + r"?\d){6,16}+"
    r"|(?=(?:[ \-./()]{0,2}+\d){7})"
    + _NOT_A_NUMBER
    + r"\d{1,16}+"
    + _SEP
    + r"\d(?:"
    + _SEP
    + r"?\d){0,15}+)"
    + _EXT_SHAPE
    + r")(?![\w/]|[.\-:,]\d)"
)
_EXT = re.compile(r"(?: ?(?:x|ext\.?|extension|#) ?\d{1,6}|-(?:Office|Home|Mobile|Work|Cell|Fax))$")
_DATE = re.compile(
    r"^\(?(?:(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d)\)?$"
)
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SSN_SHAPE = re.compile(r"^\d{3}([- ])\d\d\1\d{4}$")
_UUID_SHAPE = re.compile(r"^\d{8}-\d{4}(?:-|$)")
_IP = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
_NANP_SHAPE = re.compile(
    r"^(?:\+?1[ \-.]?|001[ \-.])?(?:\(\d{3}\) ?|\d{3}(?P<s>[\-. ]))\d{3}(?(s)(?P=s)|[\-. ])\d{4}$"
)

#: Countries tried, in this order, for a number written in national form (trunk prefix 0 or
#: none): the countries whose patients a US covered entity most often sees, then Europe, Asia,
#: Oceania, Africa and Latin America.
NATIONAL_REGIONS = (
    "GB", "DE", "FR", "IT", "ES", "NL", "BE", "AT", "CH", "IE", "PT", "PL", "CZ", "SK", "HU",
    "RO", "HR", "SI", "DK", "NO", "SE", "FI", "EE", "LV", "LT", "GR", "TR", "IN", "PH", "VN",
    "ID", "TH", "JP", "CN", "KR", "AU", "NZ", "ZA", "KE", "NG", "BR", "AR", "CO", "CL", "PE",
)  # fmt: skip


def boundary_ok(text: str, start: int, end: int) -> bool:
    if start > 0:
        before = text[start - 1]
        if before.isalnum() or before in "._/-:+":
            return False
    if end < len(text):
        after = text[end]
        if after.isalnum() or after in "_/":
            return False
        if after in ".-:," and end + 1 < len(text) and text[end + 1].isdigit():
            return False
    return True


_no_region: set[str] = set()


def _national_region(digits: str) -> str | None:
    """The first region in whose plan ``digits`` (national form) is a valid number."""
    if digits in _no_region:
        return None
    region = _first_region(digits)
    if region is None and len(_no_region) < 50_000:
        _no_region.add(digits)  # only digits that are no number are remembered
    return region


def _first_region(digits: str) -> str | None:
    for region in NATIONAL_REGIONS:
        if not _may_be_valid(digits, region):
            continue
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return region
    return None


# A region's plan, for a cheap necessary test before parsing: its country code, international
# (IDD) prefix, national prefix (as the region parses it, and its transformation), and one
# pattern joining the patterns of every type of number (fixed line, mobile, toll free...) of
# every region sharing the country code: a valid number of the region matches it. None: no such
# test, always parse.
_Plan = tuple[str, re.Pattern[str] | None, re.Pattern[str] | None, str | None, re.Pattern[str]]
_plans: dict[str, _Plan | None] = {}
_TYPES = (
    "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
    "voip", "pager", "uan", "voicemail",
)  # fmt: skip


def _plan(region: str) -> _Plan | None:
    if region in _plans:
        return _plans[region]
    plan: _Plan | None = None
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is not None and meta.country_code is not None:
        patterns: list[str] = []
        for other in COUNTRY_CODE_TO_REGION_CODE.get(meta.country_code, ()):
            other_meta = PhoneMetadata.metadata_for_region(other)
            if other_meta is None:
                continue
            for kind in _TYPES:
                desc = getattr(other_meta, kind, None)
                if desc is not None and desc.national_number_pattern:
                    patterns.append(desc.national_number_pattern)
        if patterns:
            idd = re.compile(meta.international_prefix) if meta.international_prefix else None
            prefix = meta.national_prefix_for_parsing
            plan = (
                str(meta.country_code),
                idd,
                re.compile(prefix) if prefix else None,
                meta.national_prefix_transform_rule or None,
                re.compile("(?:" + "|".join(patterns) + ")"),
            )
    _plans[region] = plan
    return plan


def _may_be_valid(digits: str, region: str) -> bool:
    """False only when ``digits`` cannot be a valid number of ``region`` as parsed in it: none
    of the national significant numbers parsing could read (the digits as written; without the
    country code; without the national prefix, or with it transformed) matches a pattern of a
    type of number of the country's regions. Parsing every candidate in every region is what
    made national numbers slow."""
    plan = _plan(region)
    if plan is None:
        return True
    code, idd, prefix, transform, valid = plan
    if idd is not None and idd.match(digits):
        return True  # written with an international prefix: parsing decides
    tries = [digits, digits[len(code) :]] if digits.startswith(code) else [digits]
    for number in tries:
        if valid.fullmatch(number):
            return True
        if prefix is not None:
            m = prefix.match(number)
            if m is not None:
                if valid.fullmatch(number[m.end() :]):
                    return True
                if transform and valid.fullmatch(prefix.sub(transform, number, count=1)):
                    return True
    return False


def load_metadata() -> None:
    """Load the numbering plans of :data:`NATIONAL_REGIONS` now (they load on first use
    otherwise): about half a second, once per process."""
    for region in NATIONAL_REGIONS:
        _plan(region)
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:  # validating one compiles the region's patterns
                phonenumbers.is_valid_number(example)


#: Candidates judged not to be telephone numbers (timestamps, IP addresses, versions repeat in
#: logs); a value judged a number is never remembered.
_rejected: set[tuple[str, bool]] = set()


def judge(raw: str, in_context: bool) -> tuple[str, float] | None:
    """``(normalized, confidence)`` when ``raw`` (a candidate match) is a telephone number."""
    key = (raw, in_context)
    if key in _rejected:
        return None
    result = _judge(raw, in_context)
    if result is None and len(_rejected) < 50_000:
        _rejected.add(key)
    return result


def _judge(raw: str, in_context: bool) -> tuple[str, float] | None:
    body = _EXT.sub("", raw).rstrip(")")
    digits = "".join(ch for ch in body if ch.isdigit())
    if len(digits) < 7 or len(digits) > 15:
        return None
    separated = any(not ch.isdigit() for ch in body.lstrip("+("))
    international = body.startswith(("+", "(+")) or (body.startswith("00") and separated)
    if not international:
        if _DATE.match(body) or _IP.match(body):
            return None
        if not in_context and _SSN_SHAPE.match(body):
            return None  # 123-45-6789 is an SSN's shape (valid or not), not a phone's
        if not in_context and _UUID_SHAPE.match(body):
            return None  # 36672715-5944-49...: the start of a UUID (or a trace id cut short)
        dots = body.count(".")
        if dots and not _NANP_SHAPE.match(body):
            return None  # versions, decimals, dotted ids: only 212.555.0147 is a phone
    if international:
        e164 = "+" + (digits[2:] if body.startswith("00") else digits)
        try:
            number = phonenumbers.parse(e164, None)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return e164, 0.9
        if phonenumbers.is_possible_number(number):
            return e164, 0.8
        return (e164, 0.7) if in_context else None
    if _NANP_SHAPE.match(body):
        national = digits[1:] if len(digits) == 11 else digits[3:] if len(digits) == 13 else digits
        if len(national) == 10:
            if nanp_valid(national[:3], national[3:6]):
                return "+1" + national, 0.85
            return "+1" + national, 0.75  # the North American shape, whatever the digits
    if not separated:
        if not in_context:
            return None
        national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
        if len(national) == 10 and nanp_valid(national[:3], national[3:6]):
            return "+1" + national, 0.9
        if digits[0] != "0" and not _CN_MOBILE.match(digits):
            return None  # a bare run of digits (an epoch, a counter) even beside "callback"
    groups = len([g for g in re.split(r"[ \-./()]+", body) if g])
    if not in_context and digits[0] != "0" and (groups < 3 or len(digits) < 8):
        return None  # "500 61240" (status and bytes), "12 345": too little to call a phone
    region = _national_region(digits)
    if region is None:
        return ("+" + digits, 0.75) if in_context and separated else None
    confidence = 0.75 if digits[0] == "0" else 0.72
    return region + ":" + digits, (0.9 if in_context else confidence)


__all__ = ["CANDIDATE", "NATIONAL_REGIONS", "PHONE_SHAPE", "boundary_ok", "judge", "load_metadata"]
