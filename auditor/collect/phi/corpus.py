"""A seeded, labelled corpus of synthetic log lines, for the detector tests and the benchmark.

Every identifier here is generated: valid in shape and check digit, tied to nobody. A line carries
the values planted in it (``Planted``), so recall can be measured per detector by comparing the
salted hash of each planted value with the hashes of the detections. Clean lines hold the things
that look like identifiers in real logs and are not: UUIDs, timestamps, request and trace ids,
version strings, order numbers, ISO dates without context, epoch numbers, IP addresses, invalid
SSNs, Luhn-invalid card-like numbers.

The same seed always gives the same lines.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from auditor.collect.phi.checksums import MBI_LETTERS, card_valid, luhn_valid, nanp_valid


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Planted:
    detector: str
    value: str


@dataclass(frozen=True)
class LabelledLine:
    text: str
    structured: bool
    planted: tuple[Planted, ...] = field(default_factory=tuple)


FIRST = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty "
    "Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Andrew Emily Joshua Donna Kenneth "
    "Michelle Kevin Carol Brian Amanda George Melissa Timothy Deborah Ronald Stephanie Jason "
    "Rebecca"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts O'Brien McDonald "
    "Smith-Jones"
)
STREETS = _words(
    "Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Lincoln Jackson Highland "
    "Church Willow Madison Franklin Spring Ridge"
)
STREET_TYPES = _words(
    "Street St Avenue Ave Road Rd Boulevard Blvd Drive Dr Lane Ln Court Ct Way Place Pl"
)
DOMAINS = (
    "example.com",
    "mail.example.org",
    "clinic-example.net",
    "example.edu",
    "inbox.example.com",
)
ICD10 = _words(
    "E11.9 I10 J45.909 F32.9 M54.5 Z79.4 N18.3 K21.9 R51.9 C50.911 O24.419 G43.909 S72.001A "
    "E78.5 J44.1 F41.1 I25.10 E66.9 M17.11 R10.9 Z00.00 U07.1 B20 A41.9 H52.4 L40.0 T78.40XA"
)
SERVICES = ("api", "billing", "scheduler", "intake", "auth", "notify", "search", "gateway")
LEVELS = ("INFO", "DEBUG", "WARN", "ERROR")
PATHS = ("/v1/appointments", "/v1/claims", "/healthz", "/v2/orders", "/v1/users/me", "/api/search")


# ---------------------------------------------------------------- identifiers


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def gen_ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            break
    sep = "-" if rng.random() < 0.85 else " "
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


def gen_mbi(rng: random.Random) -> str:
    letters = sorted(MBI_LETTERS)
    alnum = letters + list(string.digits)
    chars = [
        rng.choice("123456789"),
        rng.choice(letters),
        rng.choice(alnum),
        rng.choice(string.digits),
        rng.choice(letters),
        rng.choice(alnum),
        rng.choice(string.digits),
        rng.choice(letters),
        rng.choice(letters),
        rng.choice(string.digits),
        rng.choice(string.digits),
    ]
    value = "".join(chars)
    if rng.random() < 0.3:
        return f"{value[:4]}-{value[4:7]}-{value[7:]}"
    return value


def _check_digit(prefix: str) -> str:
    for d in string.digits:
        if luhn_valid(prefix + d):
            return d
    raise AssertionError("unreachable")


def gen_npi(rng: random.Random) -> str:
    body = rng.choice("12") + _digits(rng, 8)
    return body + _check_digit("80840" + body)


def gen_dea(rng: random.Random) -> str:
    first = rng.choice("ABFGMPR")
    second = rng.choice(string.ascii_uppercase)
    d = [rng.randint(0, 9) for _ in range(6)]
    check = ((d[0] + d[2] + d[4]) + 2 * (d[1] + d[3] + d[5])) % 10
    return first + second + "".join(map(str, d)) + str(check)


def gen_card(rng: random.Random) -> str:
    prefix, length = rng.choice(
        [
            ("4", 16),
            ("51", 16),
            ("55", 16),
            ("2221", 16),
            ("34", 15),
            ("37", 15),
            ("6011", 16),
            ("65", 16),
            ("3530", 16),
        ]
    )
    body = prefix + _digits(rng, length - len(prefix) - 1)
    number = body + _check_digit(body)
    assert card_valid(number)
    style = rng.random()
    if length == 15:
        return f"{number[:4]} {number[4:10]} {number[10:]}" if style < 0.5 else number
    if style < 0.4:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    if style < 0.7:
        return "-".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def _nanp(rng: random.Random) -> tuple[str, str, str]:
    while True:
        npa, nxx = str(rng.randint(200, 999)), str(rng.randint(200, 999))
        if nanp_valid(npa, nxx):
            return npa, nxx, _digits(rng, 4)


def gen_phone(rng: random.Random) -> str:
    npa, nxx, line = _nanp(rng)
    return rng.choice(
        [
            f"({npa}) {nxx}-{line}",
            f"{npa}-{nxx}-{line}",
            f"{npa}.{nxx}.{line}",
            f"{npa} {nxx} {line}",
            f"+1 {npa} {nxx} {line}",
            f"+1{npa}{nxx}{line}",
            f"1-{npa}-{nxx}-{line}",
        ]
    )


def gen_email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower().replace("'", "")
    local = rng.choice(
        [f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}", f"{last}.{first}"]
    )
    email = f"{local}@{rng.choice(DOMAINS)}"
    return email if rng.random() < 0.9 else email.capitalize()


def gen_dob(rng: random.Random) -> str:
    born = date(1930, 1, 1) + timedelta(days=rng.randint(0, 80 * 365))
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return rng.choice(
        [
            born.isoformat(),
            born.strftime("%Y/%m/%d"),
            f"{born.month:02d}/{born.day:02d}/{born.year}",
            f"{born.month}/{born.day}/{born.year}",
            f"{months[born.month - 1]} {born.day}, {born.year}",
            f"{born.day} {months[born.month - 1]} {born.year}",
        ]
    )


def gen_icd10(rng: random.Random) -> str:
    return rng.choice(ICD10)


def gen_mrn(rng: random.Random) -> str:
    return rng.choice(
        [_digits(rng, 8), _digits(rng, 7), "MR" + _digits(rng, 7), "E" + _digits(rng, 9)]
    )


def gen_name(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return rng.choice(
        [f"{first} {last}", f"{last}, {first}", f"{first} {rng.choice('ABCDEJKLMRST')}. {last}"]
    )


def gen_address(rng: random.Random) -> str:
    base = f"{rng.randint(1, 99999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    if rng.random() < 0.3:
        base += rng.choice(
            [f", Apt {rng.randint(1, 40)}{rng.choice('ABCD')}", f" Suite {rng.randint(100, 999)}"]
        )
    return base


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "ssn": gen_ssn,
    "mbi": gen_mbi,
    "npi": gen_npi,
    "dea": gen_dea,
    "payment_card": gen_card,
    "dob": gen_dob,
    "phone": gen_phone,
    "email": gen_email,
    "icd10": gen_icd10,
    "mrn": gen_mrn,
    "patient_name": gen_name,
    "street_address": gen_address,
}

# Plain-text sentences that carry a value ({v}); the phrasing gives context where real logs do.
TEXT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "ssn": (
        "identity check failed for ssn {v}",
        "applicant {v} verified",
        "SSN={v} not matched",
        "member ssn: {v}",
    ),
    "mbi": (
        "eligibility lookup mbi={v} ok",
        "medicare id {v} returned 200",
        "claim for beneficiary {v}",
        "checked {v} coverage",
    ),
    "npi": (
        "rendering provider npi={v}",
        "prescriber NPI {v} not enrolled",
        "referring physician {v} invalid",
        "NPI: {v}",
    ),
    "dea": (
        "prescriber DEA {v} validated",
        "dea_number={v} expired",
        "DEA# {v} checked for controlled substance",
    ),
    "payment_card": (
        "charge declined card {v}",
        "payment method {v} saved",
        "tokenizing {v}",
        "cc={v} cvv ok",
    ),
    "dob": (
        "patient DOB: {v} mismatch",
        "date of birth {v} rejected",
        "dob={v} updated",
        "born {v}, age check",
    ),
    "phone": ("sms sent to {v}", "callback number {v}", "contact phone {v} updated", "dialing {v}"),
    "email": (
        "password reset sent to {v}",
        "user {v} logged in",
        "invite {v} bounced",
        "email={v}",
    ),
    "icd10": (
        "claim dx {v} denied",
        "diagnosis code {v} added",
        "ICD-10 {v} mapped",
        "problem list: {v}",
    ),
    "mrn": (
        "loaded chart MRN: {v}",
        "mrn={v} merged",
        "medical record number {v} locked",
        "patient id {v} not found",
    ),
    "patient_name": (
        "patient {v} checked in",
        "Patient: {v} discharged",
        "pt {v} no-show",
        "patient name {v} updated",
    ),
    "street_address": (
        "ship to {v}",
        "address changed to {v}",
        "geocoding {v} failed",
        "home address {v}",
    ),
}

# JSON keys that carry a value in structured lines.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "ssn": ("ssn", "patient.ssn", "applicant.social_security_number"),
    "mbi": ("mbi", "patient.medicare_id", "coverage.mbi"),
    "npi": ("npi", "provider.npi", "rendering_provider_npi"),
    "dea": ("dea", "prescriber.dea_number"),
    "payment_card": ("card_number", "payment.card", "pan"),
    "dob": ("dob", "patient.birth_date", "birthDate"),
    "phone": ("phone", "patient.mobile", "contact.phone"),
    "email": ("email", "user.email", "recipient"),
    "icd10": ("diagnosis_code", "dx", "claim.icd10"),
    "mrn": ("mrn", "patient.mrn", "medical_record_number"),
    "patient_name": ("patient_name", "patient.name", "patientName"),
    "street_address": ("address", "patient.home_address", "shipping.street"),
}


# ---------------------------------------------------------------- clean look-alikes


def _uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _ts(rng: random.Random) -> str:
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
    )


def _iso_date(rng: random.Random) -> str:
    return f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _version(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{rng.randint(0, 20)}.{rng.randint(0, 40)}.{rng.randint(0, 300)}",
            f"v{rng.randint(1, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 9999)}",
            f"{rng.randint(1, 5)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
            f"-build.{rng.randint(1000, 99999)}",
        ]
    )


def _order(rng: random.Random) -> str:
    return rng.choice(
        [
            f"ORD-{rng.randint(2020, 2026)}-{rng.randint(0, 999999):06d}",
            f"PO{_digits(rng, 8)}",
            f"INV-{_digits(rng, 6)}",
            f"#{_digits(rng, 6)}",
        ]
    )


def _bad_ssn(rng: random.Random) -> str:
    area = rng.choice(["000", "666", f"9{_digits(rng, 2)}"])
    return rng.choice(
        [
            f"{area}-{_digits(rng, 2)}-{_digits(rng, 4)}",
            f"{rng.randint(100, 899)}-00-{_digits(rng, 4)}",
            f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-0000",
        ]
    )


def _bad_card(rng: random.Random) -> str:
    body = "4" + _digits(rng, 14)
    good = _check_digit(body)
    bad = str((int(good) + rng.randint(1, 9)) % 10)
    return body + bad


def _ip(rng: random.Random) -> str:
    a, b, c = rng.choice([10, 172, 192]), rng.randint(0, 255), rng.randint(0, 255)
    return f"{a}.{b}.{c}.{rng.randint(1, 254)}"


CLEAN_TEXT: tuple[Callable[[random.Random], str], ...] = (
    lambda r: (
        f"request {_uuid(r)} completed in {r.randint(1, 900)}ms "
        f"status={r.choice([200, 201, 204, 404, 500])}"
    ),
    lambda r: f"{_ts(r)} {r.choice(LEVELS)} worker started version {_version(r)}",
    lambda r: f"order {_order(r)} shipped on {_iso_date(r)}",
    lambda r: (
        f"trace_id=1-{r.randint(0x60000000, 0x6FFFFFFF):08x}-"
        f"{_uuid(r).replace('-', '')[:24]} span ok"
    ),
    lambda r: (
        f"GET {r.choice(PATHS)} from {_ip(r)} took {r.random():.3f}s "
        f"bytes={r.randint(100, 9_999_999)}"
    ),
    lambda r: (
        f"cache hit ratio 0.{r.randint(10, 99)} epoch={r.randint(1_700_000_000, 1_799_999_999)}"
    ),
    lambda r: (
        f"batch {r.randint(1, 9999)} processed {r.randint(1, 100000)} rows "
        f"at {r.randint(1_700_000_000_000, 1_799_999_999_999)}"
    ),
    lambda r: f"validation rejected id {_bad_ssn(r)} format",
    lambda r: f"token {_bad_card(r)} not recognised",
    lambda r: f"patient record updated id={_uuid(r)}",
    lambda r: f"Patient Portal Login succeeded for session {_uuid(r)[:13]}",
    lambda r: f"report period {_iso_date(r)} to {_iso_date(r)} generated",
    lambda r: (
        f"pod {r.choice(SERVICES)}-{_uuid(r)[:10]}-{_uuid(r)[:5]} restarted {r.randint(1, 9)} times"
    ),
    lambda r: f"sha256={''.join(r.choice('0123456789abcdef') for _ in range(64))}",
    lambda r: (
        f"retrying after {r.randint(1, 60)}s (attempt {r.randint(1, 5)}/5) "
        f"upstream {_ip(r)}:{r.randint(1024, 65535)}"
    ),
    lambda r: (
        f"price {r.randint(1, 999)}.{r.randint(0, 99):02d} USD qty {r.randint(1, 20)} "
        f"sku {r.randint(100000, 999999)}"
    ),
    lambda r: f"expires {r.randint(1, 12):02d}/{r.randint(2026, 2031)} key rotated {_iso_date(r)}",
    lambda r: (
        f"build {_version(r)} commit {''.join(r.choice('0123456789abcdef') for _ in range(12))}"
    ),
    # context words without an identifier after them
    lambda r: f"auth provider google callback at {r.randint(1_700_000_000, 1_799_999_999)}",
    lambda r: f"registration {_order(r)} confirmed for tenant {r.randint(1, 999)}",
    lambda r: f"dob field missing in request {_uuid(r)}",
    lambda r: f"chart render took {r.randint(1, 5000)}ms for {r.randint(1, 40)} series",
    lambda r: f"patient count {r.randint(0, 500)} for clinic {r.randint(1, 99)} on {_iso_date(r)}",
    lambda r: f"card reader {_uuid(r)[:8]} offline since {_ts(r)}",
    lambda r: f"condition check passed in {r.randint(1, 999)}ms after {r.randint(1, 9)} retries",
    lambda r: (
        f"rendering page {r.randint(1, 99)} took {r.randint(1_000_000_000, 2_999_999_999)} ns"
    ),
)


def _clean_fields(rng: random.Random) -> dict[str, object]:
    return {
        "timestamp": _ts(rng),
        "level": rng.choice(LEVELS),
        "service": rng.choice(SERVICES),
        "request_id": _uuid(rng),
        "path": rng.choice(PATHS),
        "status": rng.choice([200, 201, 204, 400, 404, 500]),
        "duration_ms": rng.randint(1, 5000),
    }


def _clean_extra(rng: random.Random) -> dict[str, object]:
    pick = rng.randrange(8)
    if pick == 0:
        return {"order_id": _order(rng), "ship_date": _iso_date(rng)}
    if pick == 1:
        return {"version": _version(rng), "build": rng.randint(1000, 99999)}
    if pick == 2:
        return {
            "epoch": rng.randint(1_700_000_000, 1_799_999_999),
            "epoch_ms": rng.randint(1_700_000_000_000, 1_799_999_999_999),
        }
    if pick == 3:
        return {
            "client_ip": _ip(rng),
            "port": rng.randint(1024, 65535),
            "bytes": rng.randint(1, 10**9),
        }
    if pick == 4:
        return {"trace": {"id": _uuid(rng), "parent": _uuid(rng)[:16], "sampled": True}}
    if pick == 5:
        return {
            "date": _iso_date(rng),
            "count": rng.randint(0, 10**6),
            "ratio": round(rng.random(), 4),
        }
    if pick == 6:
        return {"message": rng.choice(CLEAN_TEXT)(rng)}
    return {"cloud": {"provider": "aws", "region": "us-east-1", "account": _digits(rng, 12)}}


def _set_path(obj: dict[str, object], path: str, value: object) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        child = obj.setdefault(part, {})
        assert isinstance(child, dict)
        obj = child
    obj[parts[-1]] = value


# ---------------------------------------------------------------- lines


def clean_line(rng: random.Random, structured: bool) -> LabelledLine:
    if structured:
        obj = _clean_fields(rng)
        obj.update(_clean_extra(rng))
        return LabelledLine(json.dumps(obj), True)
    return LabelledLine(rng.choice(CLEAN_TEXT)(rng), False)


def phi_line(rng: random.Random, detector: str, structured: bool) -> LabelledLine:
    value = GENERATORS[detector](rng)
    planted = (Planted(detector, value),)
    if structured:
        obj = _clean_fields(rng)
        if rng.random() < 0.7:
            _set_path(obj, rng.choice(JSON_KEYS[detector]), value)
        else:
            obj["message"] = rng.choice(TEXT_TEMPLATES[detector]).format(v=value)
        return LabelledLine(json.dumps(obj), True, planted)
    prefix = f"{_ts(rng)} {rng.choice(LEVELS)} [{rng.choice(SERVICES)}] "
    return LabelledLine(
        prefix + rng.choice(TEXT_TEMPLATES[detector]).format(v=value), False, planted
    )


def generate(
    seed: int,
    lines: int,
    phi_fraction: float = 0.2,
    structured_fraction: float = 0.5,
    detectors: tuple[str, ...] = tuple(GENERATORS),
) -> Iterator[LabelledLine]:
    """``lines`` labelled lines; about ``phi_fraction`` of them carry one planted identifier,
    spread evenly over ``detectors``."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    for _ in range(lines):
        structured = rng.random() < structured_fraction
        if rng.random() < phi_fraction:
            yield phi_line(rng, rng.choice(detectors), structured)
        else:
            yield clean_line(rng, structured)


__all__ = ["GENERATORS", "LabelledLine", "Planted", "clean_line", "generate", "phi_line"]
