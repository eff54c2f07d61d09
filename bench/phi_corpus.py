"""A labelled corpus of realistic log lines for the PHI detectors, generated with Faker.

The values come from Faker's providers in about forty locales (names, phone numbers, street
addresses, dates of birth, payment cards, SSNs, emails), written into log lines the way
applications write them: plain text, JSON records (values under keys, inside messages, nested,
double-encoded, ``\\uXXXX``-escaped) and key=value lines. Every planted value carries its kind and
its character span in the raw line, so recall and precision can be measured per kind by overlap.
Clean lines hold what real logs are full of and is no PHI: service names (``sms-gateway``), URLs,
UUIDs, timestamps, IPs, versions, hex ids, durations, user agents, stack frames, SQL, company
names.

The detectors never use Faker's data: their gazetteer comes from national statistics (see
tools/build_name_gazetteer.py). Faker is a test and bench dependency only (extra ``test``).

The same seed always gives the same lines.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from faker import Faker

#: Locales whose names and addresses Faker writes in Latin script (about forty countries).
LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "en_CA", "en_AU", "en_NZ", "en_IE", "en_IN", "de_DE", "de_AT", "de_CH",
    "fr_FR", "fr_CA", "fr_CH", "es_ES", "es_MX", "es_AR", "es_CO", "es_CL", "pt_BR", "pt_PT",
    "it_IT", "nl_NL", "nl_BE", "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "ro_RO", "hr_HR", "sl_SI",
    "da_DK", "no_NO", "sv_SE", "fi_FI", "et_EE", "lt_LT", "tr_TR", "id_ID", "vi_VN", "sw",
    "zu_ZA", "ga_IE", "en_PH",
)  # fmt: skip
#: Locales whose names Faker also gives in Latin letters (romanized).
ROMANIZED = ("ja_JP", "zh_CN")

#: The kinds planted, and the detector each should be found by.
KINDS: dict[str, str] = {
    "name": "patient_name",
    "phone": "phone",
    "address": "street_address",
    "dob": "dob",
    "card": "payment_card",
    "ssn": "ssn",
    "email": "email",
    "mrn": "mrn",
}


@dataclass(frozen=True)
class Entity:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    text: str
    fmt: str  # text | json | kv | escaped
    entities: tuple[Entity, ...] = field(default_factory=tuple)


class _Builder:
    """Builds one raw line piece by piece, remembering where each planted value lands."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[Entity] = []

    def add(self, text: str, kind: str | None = None) -> None:
        if kind is not None and text:
            self.entities.append(Entity(kind, self.pos, self.pos + len(text)))
        self.parts.append(text)
        self.pos += len(text)

    def text(self) -> str:
        return "".join(self.parts)


Piece = tuple[str, str | None]  # (text, kind or None)


def _enc(text: str, ascii_only: bool) -> str:
    """The inside of a JSON string literal for ``text``."""
    return json.dumps(text, ensure_ascii=ascii_only)[1:-1]


class Corpus:
    """Seeded generator of labelled PHI lines and clean lines."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for i, loc in enumerate(LOCALES + ROMANIZED):
            fk = Faker(loc)
            fk.seed_instance(seed * 1000 + i)
            self.fakers[loc] = fk
        self.us = self.fakers["en_US"]

    # ------------------------------------------------------------ values

    def _loc(self, pool: tuple[str, ...] = LOCALES) -> Faker:
        return self.fakers[self.rng.choice(pool)]

    def name(self) -> str:
        r = self.rng.random()
        if r < 0.06:
            fk = self.fakers[self.rng.choice(ROMANIZED)]
            return str(fk.romanized_name())
        fk = self._loc()
        if r < 0.45:
            return str(fk.name())
        first, last = str(fk.first_name()), str(fk.last_name())
        if r < 0.8:
            return f"{first} {last}"
        if r < 0.9:
            return f"{last}, {first}"
        return f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"

    def phone(self) -> str:
        fk = self._loc(tuple(loc for loc in LOCALES if loc not in ("en_PH",)))
        number = str(fk.phone_number())
        r = self.rng.random()
        if r < 0.08:
            number += self.rng.choice(["-Office", "-Home", "-Mobile", "-Work"])
        elif r < 0.14 and "x" not in number:
            number += self.rng.choice([" x", " ext. ", "x", " ext "]) + str(
                self.rng.randint(1, 9999)
            )
        return number

    def address(self) -> str:
        r = self.rng.random()
        if r < 0.08:
            us = self.us
            state, zip5 = str(us.military_state()), str(us.postalcode())
            return self.rng.choice(
                [
                    f"{us.military_apo()}, APO {state} {zip5}",
                    f"{us.military_dpo()}, DPO {state} {zip5}",
                    f"{us.military_ship()} {us.last_name()}, FPO {state} {zip5}",
                ]
            )
        fk = self._loc()
        if r < 0.2:
            return str(fk.street_name())  # a street without a number
        if r < 0.45:
            return ", ".join(p.strip() for p in str(fk.address()).splitlines() if p.strip())
        return " ".join(str(fk.street_address()).split())

    def dob(self) -> str:
        born: date = self.us.date_of_birth(minimum_age=0, maximum_age=100)
        months = ["January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December"]  # fmt: skip
        mon = months[born.month - 1]
        return self.rng.choice(
            [
                born.isoformat(),
                born.strftime("%m/%d/%Y"),
                f"{born.month}/{born.day}/{born.year}",
                born.strftime("%d/%m/%Y"),
                born.strftime("%d.%m.%Y"),
                born.strftime("%d-%m-%Y"),
                born.strftime("%Y/%m/%d"),
                born.strftime("%Y%m%d"),
                f"{mon} {born.day}, {born.year}",
                f"{born.day} {mon} {born.year}",
                f"{mon[:3]} {born.day}, {born.year}",
                f"{born.day}-{mon[:3]}-{born.year}",
                born.strftime("%m/%d/%y"),
                born.isoformat() + "T00:00:00Z",
            ]
        )

    def card(self) -> str:
        kind = self.rng.choice(
            [
                "visa",
                "visa13",
                "visa19",
                "mastercard",
                "amex",
                "discover",
                "diners",
                "jcb15",
                "jcb16",
                "maestro",
            ]  # fmt: skip  # noqa: RUF028
        )
        number = str(self.us.credit_card_number(card_type=kind))
        r = self.rng.random()
        if r < 0.3 and len(number) == 16:
            sep = self.rng.choice([" ", "-"])
            return sep.join(number[i : i + 4] for i in range(0, 16, 4))
        if r < 0.4 and len(number) == 15:
            return f"{number[:4]} {number[4:10]} {number[10:]}"
        return number

    def ssn(self) -> str:
        value = str(self.us.ssn())
        return value if self.rng.random() < 0.85 else value.replace("-", " ")

    def email(self) -> str:
        fk = self._loc()
        return str(fk.email() if self.rng.random() < 0.6 else fk.free_email())

    def mrn(self) -> str:
        rng = self.rng
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 10)))
        return rng.choice([digits, f"MRN{digits}", f"E{digits}", f"MR-{digits}"])

    def value(self, kind: str) -> str:
        return str(getattr(self, kind)())

    # ------------------------------------------------------------ PHI lines

    def _ts(self) -> str:
        r = self.rng
        return (
            f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:"
            f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}Z"
        )

    def _service(self) -> str:
        return self.rng.choice(SERVICES)

    def phi_line(self) -> Line:
        fmt = self.rng.choices(["text", "json", "kv", "escaped"], [0.4, 0.35, 0.17, 0.08])[0]
        n = self.rng.choices([1, 2, 3], [0.65, 0.25, 0.1])[0]
        kinds = [self.rng.choice(tuple(KINDS)) for _ in range(n)]
        if fmt == "text":
            return self._text_line(kinds)
        if fmt == "json":
            return self._json_line(kinds)
        if fmt == "kv":
            return self._kv_line(kinds)
        return self._escaped_line(kinds)

    def _sentence(self, kinds: list[str]) -> list[Piece]:
        pieces: list[Piece] = []
        for i, kind in enumerate(kinds):
            template = self.rng.choice(TEXT_TEMPLATES[kind])
            before, _, after = template.partition("{}")
            if i:
                pieces.append((self.rng.choice([", ", "; ", " and ", " | "]), None))
            pieces += [(before, None), (self.value(kind), kind), (after, None)]
        return pieces

    def _prefix(self) -> str:
        r = self.rng.random()
        level = self.rng.choice(LEVELS)
        if r < 0.4:
            return f"{self._ts()} {level} [{self._service()}] "
        if r < 0.7:
            return f"{self._ts()} {level} {self.rng.randint(1, 99999)} --- [nio-8080-exec-{self.rng.randint(1, 9)}] c.e.{self._service().replace('-', '.')}.Handler : "
        return f"{level.lower()}: "

    def _text_line(self, kinds: list[str]) -> Line:
        b = _Builder()
        b.add(self._prefix())
        for text, kind in self._sentence(kinds):
            b.add(text, kind)
        return Line(b.text(), "text", tuple(b.entities))

    def _json_line(self, kinds: list[str]) -> Line:
        ascii_only = self.rng.random() < 0.5
        b = _Builder()
        fields: list[tuple[str, list[Piece]]] = [
            ("timestamp", [(self._ts(), None)]),
            ("level", [(self.rng.choice(LEVELS).lower(), None)]),
            ("service", [(self._service(), None)]),
        ]
        in_message: list[str] = []
        nested: list[tuple[str, str]] = []
        for kind in kinds:
            r = self.rng.random()
            if r < 0.25:
                in_message.append(kind)
            elif r < 0.4 and kind in NESTED_KEYS:
                nested.append((kind, self.rng.choice(NESTED_KEYS[kind])))
            else:
                fields.append((self.rng.choice(JSON_KEYS[kind]), [(self.value(kind), kind)]))
        if in_message:
            fields.insert(3, ("message", self._sentence(in_message)))
        else:
            fields.insert(3, ("message", [(self.rng.choice(MESSAGES), None)]))
        fields.append(("request_id", [(str(self.us.uuid4()), None)]))
        b.add("{")
        for i, (key, pieces) in enumerate(fields):
            b.add(("" if i == 0 else ", ") + json.dumps(key) + ': "')
            for text, kind in pieces:
                b.add(_enc(text, ascii_only), kind)
            b.add('"')
        if nested:
            b.add(', "patient": {')
            for i, (kind, key) in enumerate(nested):
                b.add(("" if i == 0 else ", ") + json.dumps(key) + ': "')
                b.add(_enc(self.value(kind), ascii_only), kind)
                b.add('"')
            b.add("}")
        b.add(f', "duration_ms": {self.rng.randint(1, 3000)}}}')
        return Line(b.text(), "json", tuple(b.entities))

    def _kv_line(self, kinds: list[str]) -> Line:
        b = _Builder()
        b.add(f"ts={self._ts()} level={self.rng.choice(LEVELS).lower()} svc={self._service()}")
        for kind in kinds:
            key = self.rng.choice(KV_KEYS[kind])
            value = self.value(kind)
            if " " in value or self.rng.random() < 0.3:
                b.add(f' {key}="')
                b.add(value.replace('"', '\\"'), kind)
                b.add('"')
            else:
                b.add(f" {key}=")
                b.add(value, kind)
        b.add(f" duration={self.rng.randint(1, 999)}ms")
        return Line(b.text(), "kv", tuple(b.entities))

    def _escaped_line(self, kinds: list[str]) -> Line:
        """A text line carrying an escaped payload: a JSON document as a string, or \\n text."""
        b = _Builder()
        b.add(self._prefix())
        if self.rng.random() < 0.5:
            # double-encoded JSON: {"name": "..."} written as a string inside the line
            b.add('upstream payload="{')
            for i, kind in enumerate(kinds):
                key = self.rng.choice(JSON_KEYS[kind])
                b.add(("" if i == 0 else ", ") + _enc(json.dumps(key) + ': "', True))
                b.add(_enc(_enc(self.value(kind), True), True), kind)
                b.add(_enc('"', True))
            b.add('}"')
        else:
            b.add('message="')
            for j, (text, kind) in enumerate(self._sentence(kinds)):
                if j and kind is None and text.strip() in {",", ";", "and", "|"}:
                    text = "\\n"  # noqa: PLW2901
                b.add(_enc(text, self.rng.random() < 0.5).replace("\\\\n", "\\n"), kind)
            b.add('\\n\\tat handler"')
        return Line(b.text(), "escaped", tuple(b.entities))

    # ------------------------------------------------------------ clean lines

    def clean_line(self) -> Line:
        fmt = self.rng.choices(["text", "json", "kv"], [0.5, 0.35, 0.15])[0]
        if fmt == "text":
            return Line(self.rng.choice(CLEAN_TEXT)(self), "text")
        if fmt == "json":
            obj: dict[str, object] = {
                "timestamp": self._ts(),
                "level": self.rng.choice(LEVELS).lower(),
                "service": self._service(),
                "message": self.rng.choice(CLEAN_TEXT)(self),
            }
            for _ in range(self.rng.randint(1, 4)):
                key, make = self.rng.choice(CLEAN_FIELDS)
                obj[key] = make(self)
            return Line(json.dumps(obj), "json")
        parts = [f"ts={self._ts()}", f"level={self.rng.choice(LEVELS).lower()}"]
        for _ in range(self.rng.randint(2, 5)):
            key, make = self.rng.choice(CLEAN_FIELDS)
            value = str(make(self))
            parts.append(f'{key}="{value}"' if " " in value else f"{key}={value}")
        return Line(" ".join(parts), "kv")

    # helpers for the clean templates
    def hexid(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def num(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def ip(self) -> str:
        return str(self.us.ipv4_private() if self.rng.random() < 0.6 else self.us.ipv4_public())

    def version(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{r.randint(0, 20)}.{r.randint(0, 40)}.{r.randint(0, 300)}",
                f"v{r.randint(1, 9)}.{r.randint(0, 99)}.{r.randint(0, 9999)}",
                f"{r.randint(1, 5)}.{r.randint(0, 30)}.{r.randint(0, 99)}-build.{r.randint(1000, 99999)}",
            ]
        )


def generate(seed: int, lines: int, phi_fraction: float = 0.5) -> Iterator[Line]:
    """``lines`` lines, about ``phi_fraction`` of them carrying planted values."""
    corpus = Corpus(seed)
    for _ in range(lines):
        yield corpus.phi_line() if corpus.rng.random() < phi_fraction else corpus.clean_line()


def generate_clean(seed: int, lines: int) -> Iterator[Line]:
    corpus = Corpus(seed)
    for _ in range(lines):
        yield corpus.clean_line()


# ---------------------------------------------------------------- vocabulary

LEVELS = ("INFO", "DEBUG", "WARN", "ERROR", "INFO", "INFO")
SERVICES = (
    "api-gateway", "sms-gateway", "fax-relay", "notify-sms", "billing", "scheduler",
    "intake-api", "auth", "patient-portal", "portal-web", "search", "claims-worker",
    "phone-verify", "tel-bridge", "contact-sync", "address-validator", "card-vault",
    "dob-check", "name-resolver", "mrn-index", "ehr-adapter", "hl7-listener",
)  # fmt: skip
MESSAGES = (
    "intake saved", "appointment booked", "profile updated", "claim submitted",
    "reminder queued", "record synced", "lookup ok", "eligibility checked",
)  # fmt: skip

TEXT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "name": (
        "appointment booked for {} at 10:30", "patient {} checked in", "sending reminder to {}",
        "{} checked in at front desk", "Patient: {} discharged", "referral created for {}",
        "lab results ready for {}", "pt {} no-show", "insurance verified for {} (plan PPO)",
        "chart opened by dr_smith for {}", "user {} updated their profile",
        "emergency contact {} added", "new booking: {}", "guardian name {} saved",
    ),
    "phone": (
        "sms sent to {}", "callback number {}", "contact phone {} updated", "dialing {}",
        "call from {} routed to queue 3", "verification code sent to {}", "phone: {}",
        "reached {} after 2 attempts", "mobile {} opted out", "fax to {} failed",
    ),
    "address": (
        "ship to {}", "address changed to {}", "geocoding {} failed", "home address {}",
        "mailing label printed for {}", "visit scheduled at {}", "billing address: {}",
        "patient moved to {}", "courier pickup at {}",
    ),
    "dob": (
        "patient DOB: {} mismatch", "date of birth {} rejected", "dob={} updated",
        "born {}, age check", "birth date {} does not match records", "DOB {} verified",
        "Date of Birth: {}",
    ),
    "card": (
        "charge declined card {}", "payment method {} saved", "tokenizing {}",
        "cc={} cvv ok", "refund to card {} issued", "card number {} expired",
    ),
    "ssn": (
        "identity check failed for ssn {}", "SSN={} not matched", "member ssn: {}",
        "social security number {} on file",
    ),
    "email": (
        "password reset sent to {}", "user {} logged in", "invite {} bounced", "email={}",
        "statement mailed to {}",
    ),
    "mrn": (
        "loaded chart MRN: {}", "mrn={} merged", "medical record number {} locked",
        "patient id {} not found", "MRN {} transferred",
    ),
}  # fmt: skip

JSON_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("patient_name", "name", "patientName", "full_name", "customer_name", "guarantor"),
    "phone": ("phone", "mobile", "phone_number", "contactPhone", "tel", "home_phone"),
    "address": ("address", "street", "home_address", "shipping_address", "addressLine1"),
    "dob": ("dob", "birth_date", "birthDate", "date_of_birth"),
    "card": ("card_number", "pan", "cc", "cardNumber"),
    "ssn": ("ssn", "social_security_number", "ssn_last"),
    "email": ("email", "user_email", "recipient"),
    "mrn": ("mrn", "medical_record_number", "patient_id", "chart_number"),
}
NESTED_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name", "first_last"),
    "phone": ("phone",),
    "address": ("address",),
    "dob": ("dob", "birthDate"),
    "mrn": ("mrn", "id"),
    "email": ("email",),
}
KV_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("patient", "name", "patient_name", "user_name"),
    "phone": ("phone", "to", "callback", "msisdn"),
    "address": ("addr", "address", "ship_to"),
    "dob": ("dob", "birthdate"),
    "card": ("card", "pan"),
    "ssn": ("ssn",),
    "email": ("email", "to"),
    "mrn": ("mrn", "patient_id"),
}


def _path(c: Corpus) -> str:
    r = c.rng
    return r.choice(
        [
            f"/v1/appointments/{c.us.uuid4()}",
            f"/api/v2/patients/{r.randint(1000, 99999)}/documents",
            "/healthz",
            f"/v1/claims?page={r.randint(1, 40)}&size=50",
            f"/static/js/main.{c.hexid(8)}.js",
            f"/api/search?q={c.us.word()}",
            "/metrics",
            f"/v3/orders/{r.randint(10**8, 10**9)}",
        ]
    )


CLEAN_TEXT: tuple[Callable[[Corpus], str], ...] = (
    lambda c: (
        f'{c.ip()} - - [03/Dec/2026:10:{c.num(10, 59)}:{c.num(10, 59)} +0000] "GET {_path(c)} HTTP/1.1" {c.rng.choice([200, 204, 301, 404, 500])} {c.num(100, 99999)} "-" "{c.us.user_agent()}"'
    ),
    lambda c: f"START RequestId: {c.us.uuid4()} Version: $LATEST",
    lambda c: (
        f"REPORT RequestId: {c.us.uuid4()} Duration: {c.num(1, 900)}.{c.num(10, 99)} ms Billed Duration: {c.num(1, 900)} ms Memory Size: 512 MB Max Memory Used: {c.num(60, 500)} MB Init Duration: {c.num(100, 900)}.{c.num(10, 99)} ms"
    ),
    lambda c: (
        f"Started Application in {c.num(2, 30)}.{c.num(100, 999)} seconds (process running for {c.num(3, 40)}.{c.num(1, 9)})"
    ),
    lambda c: (
        f"Tomcat started on port {c.rng.choice([8080, 8443, 9090])} (http) with context path ''"
    ),
    lambda c: (
        f"HikariPool-1 - Added connection conn{c.num(1, 99)}: url=jdbc:postgresql://db-{c.num(1, 9)}.internal:5432/app user=svc_app"
    ),
    lambda c: (
        f"Successfully assigned default/{c.rng.choice(SERVICES)}-{c.hexid(10)}-{c.hexid(5)} to ip-{c.ip().replace('.', '-')}.ec2.internal"
    ),
    lambda c: (
        f'Pulling image "{c.num(100000000000, 999999999999)}.dkr.ecr.us-east-1.amazonaws.com/{c.rng.choice(SERVICES)}:{c.version()}"'
    ),
    lambda c: (
        f"Back-off restarting failed container {c.rng.choice(SERVICES)} in pod {c.rng.choice(SERVICES)}-{c.hexid(9)}-{c.hexid(5)}"
    ),
    lambda c: (
        f"sms-gateway: delivered batch {c.num(1, 99999)} of {c.num(1, 5000)} messages in {c.num(1, 9000)}ms"
    ),
    lambda c: (
        f"fax-relay worker {c.num(1, 16)} polled queue depth={c.num(0, 9999)} lag={c.num(0, 99999)}ms"
    ),
    lambda c: (
        f"phone-verify p99 latency {c.num(100, 9999)}ms over {c.num(1000000, 9999999)} requests"
    ),
    lambda c: (
        f"tel-bridge-{c.hexid(5)} connected to upstream {c.ip()}:{c.num(1024, 65535)} after {c.num(1, 9)} retries"
    ),
    lambda c: (
        f"contact-sync synced {c.num(1, 99999)} records cursor={c.num(1000000000, 9999999999)}"
    ),
    lambda c: f"card-vault rotated key version {c.num(1, 400)} kid={c.hexid(32)}",
    lambda c: (
        f"request {c.us.uuid4()} completed in {c.num(1, 900)}ms status={c.rng.choice([200, 201, 204, 404, 500])}"
    ),
    lambda c: f"trace_id={c.hexid(32)} span_id={c.hexid(16)} sampled=true",
    lambda c: (
        f"GET {_path(c)} from {c.ip()} took {c.rng.random():.3f}s bytes={c.num(100, 9999999)}"
    ),
    lambda c: (
        f"cache hit ratio 0.{c.num(10, 99)} epoch={c.num(1700000000, 1799999999)} keys={c.num(1, 10**7)}"
    ),
    lambda c: (
        f"batch {c.num(1, 9999)} processed {c.num(1, 100000)} rows at {c.num(1700000000000, 1799999999999)}"
    ),
    lambda c: (
        f"order ORD-{c.num(2020, 2026)}-{c.num(0, 999999):06d} shipped on 2026-{c.num(1, 12):02d}-{c.num(1, 28):02d}"
    ),
    lambda c: f"deployed {c.rng.choice(SERVICES)} {c.version()} commit {c.hexid(40)}",
    lambda c: f"sha256:{c.hexid(64)} pushed to registry",
    lambda c: (
        f"retrying after {c.num(1, 60)}s (attempt {c.num(1, 5)}/5) upstream {c.ip()}:{c.num(1024, 65535)}"
    ),
    lambda c: (
        f"price {c.num(1, 999)}.{c.num(0, 99):02d} USD qty {c.num(1, 20)} sku {c.num(100000, 999999)}"
    ),
    lambda c: (
        f"  at com.example.{c.rng.choice(['billing', 'intake', 'portal'])}.{c.us.word().capitalize()}Service.handle({c.us.word().capitalize()}Service.java:{c.num(10, 999)})"
    ),
    lambda c: (
        f'  File "/app/{c.us.word()}/{c.us.word()}.py", line {c.num(1, 999)}, in {c.us.word()}_{c.us.word()}'
    ),
    lambda c: (
        f'ERROR: duplicate key value violates unique constraint "{c.us.word()}_pkey" DETAIL: Key (id)=({c.num(1, 10**9)}) already exists.'
    ),
    lambda c: (
        f"SELECT id, status, created_at FROM appointments WHERE clinic_id = {c.num(1, 999)} AND slot >= '2026-{c.num(1, 12):02d}-{c.num(1, 28):02d}' LIMIT {c.num(1, 500)}"
    ),
    lambda c: (
        f"Connection reset by peer while reading response header from upstream, client: {c.ip()}, server: {c.us.domain_name()}"
    ),
    lambda c: (
        f"Kafka consumer group {c.rng.choice(SERVICES)} rebalanced: partitions {c.num(0, 11)}-{c.num(12, 47)} assigned, offset {c.num(10**6, 10**10)}"
    ),
    lambda c: f"Health check passed for {c.us.hostname()} ({c.ip()}) in {c.num(1, 500)}ms",
    lambda c: f"tenant {c.us.company()} plan=enterprise seats={c.num(1, 5000)}",
    lambda c: f"webhook to {c.us.uri()} returned {c.rng.choice([200, 202, 400, 410, 503])}",
    lambda c: (
        f"Scheduled job {c.us.word()}_{c.us.word()} finished in {c.num(1, 99999)}ms next run 2026-{c.num(1, 12):02d}-{c.num(1, 28):02d}T{c.num(0, 23):02d}:00:00Z"
    ),
    lambda c: f"user agent {c.us.user_agent()}",
    lambda c: (
        f"TLS handshake with {c.us.domain_name()}:443 ok cipher=TLS_AES_128_GCM_SHA256 version=TLSv1.3"
    ),
    lambda c: f"mac={c.us.mac_address()} ipv6={c.us.ipv6()} link up",
    lambda c: f"{c.us.catch_phrase()} feature flag enabled for {c.num(1, 100)}% of tenants",
    lambda c: f"Patient Portal Login succeeded for session {c.hexid(13)}",
    lambda c: f"patient record updated id={c.us.uuid4()}",
    lambda c: f"dob field missing in request {c.us.uuid4()}",
    lambda c: f"phone number validation failed: value too short (code E{c.num(100, 999)})",
    lambda c: f"address lookup service unavailable, falling back to cache ttl={c.num(1, 3600)}s",
    lambda c: f"chart render took {c.num(1, 5000)}ms for {c.num(1, 40)} series",
    lambda c: f"card reader {c.hexid(8)} offline since 2026-{c.num(1, 12):02d}-{c.num(1, 28):02d}",
    lambda c: (
        f"Invoice INV-{c.num(100000, 999999)} total {c.num(1, 9999)}.{c.num(0, 99):02d} due 2026-{c.num(1, 12):02d}-{c.num(1, 28):02d}"
    ),
    lambda c: (
        f"GC pause (G1 Evacuation Pause) {c.num(1, 900)}M->{c.num(1, 900)}M({c.num(1000, 4000)}M) {c.num(1, 99)}.{c.num(100, 999)}ms"
    ),
    lambda c: (
        f"Uploaded s3://{c.us.word()}-{c.num(100, 999)}-logs/{c.num(2020, 2026)}/{c.num(1, 12):02d}/{c.hexid(12)}.gz ({c.num(1, 10**8)} bytes)"
    ),
    lambda c: (
        f"Node {c.us.hostname()} status Ready=True MemoryPressure=False cpu={c.num(1, 96)} pods={c.num(1, 110)}"
    ),
)

CLEAN_FIELDS: tuple[tuple[str, Callable[[Corpus], object]], ...] = (
    ("request_id", lambda c: str(c.us.uuid4())),
    ("trace_id", lambda c: c.hexid(32)),
    ("span_id", lambda c: c.hexid(16)),
    ("duration_ms", lambda c: c.num(1, 9000)),
    ("status", lambda c: c.rng.choice([200, 201, 204, 400, 404, 500])),
    ("path", _path),
    ("client_ip", lambda c: c.ip()),
    ("user_agent", lambda c: c.us.user_agent()),
    ("version", lambda c: c.version()),
    ("build", lambda c: c.num(1000, 99999)),
    ("epoch_ms", lambda c: c.num(1700000000000, 1799999999999)),
    ("bytes", lambda c: c.num(1, 10**9)),
    ("host", lambda c: c.us.hostname()),
    ("pod", lambda c: f"{c.rng.choice(SERVICES)}-{c.hexid(10)}-{c.hexid(5)}"),
    ("name", lambda c: c.rng.choice(["checkout", "GET /v1/claims", "Kafka Consumer", "db.query", "sms-gateway", "HTTP POST", "render-pdf", "Health Check", "Send Reminder"])),
    ("account", lambda c: str(c.num(100000000000, 999999999999))),
    ("order_id", lambda c: f"ORD-{c.num(2020, 2026)}-{c.num(0, 999999):06d}"),
    ("region", lambda c: c.rng.choice(["us-east-1", "eu-west-2", "us-central1", "europe-west4"])),
    ("tenant", lambda c: c.us.company()),
    ("url", lambda c: c.us.uri()),
    ("sha", lambda c: c.hexid(40)),
    ("date", lambda c: f"2026-{c.num(1, 12):02d}-{c.num(1, 28):02d}"),
    ("queue", lambda c: c.rng.choice(["sms-outbound", "fax-inbound", "phone-verify", "address-normalize"])),
    ("count", lambda c: c.num(0, 10**6)),
)  # fmt: skip


__all__ = ["KINDS", "LOCALES", "Corpus", "Entity", "Line", "generate", "generate_clean"]


def measure(
    lines: list[Line], clean: list[Line], threshold: float = 0.7, mixed: list[Line] | None = None
) -> dict[str, Any]:
    """Recall and precision per kind (by overlap of spans), false positives per 10,000 clean
    lines, and MB/s of the scanner over both corpora (and over ``mixed``, lines as a log holds
    them, if given), as ``baa-audit phi scan`` reads lines."""
    import time

    from auditor.collect.phi.detectors import Scanner

    scanner = Scanner(threshold=threshold)
    rev = {v: k for k, v in KINDS.items()}
    started = time.perf_counter()
    scanner.prepare()  # the gazetteer and the numbering plans: once per process, not per MB
    load_seconds = time.perf_counter() - started

    cpu: dict[str, float] = {}

    def scan(ls: list[Line], name: str = "") -> tuple[list[list[Any]], float]:
        out: list[list[Any]] = []
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(0, len(ls), 500):
            chunk = [[("", line.text)] for line in ls[i : i + 500]]
            out += scanner.scan_segments(chunk, dedupe=False)
        cpu[name] = time.process_time() - cpu_started
        return out, time.perf_counter() - started

    scan(lines[:200])  # the first batches compile what the detectors compile on first use
    found, seconds = scan(lines, "labelled")
    planted = {k: 0 for k in KINDS}
    recalled = {k: 0 for k in KINDS}
    reported: dict[str, int] = {}
    right: dict[str, int] = {}
    any_right = 0
    total = 0
    for line, dets in zip(lines, found, strict=True):
        dets = [d for d in dets if d.confidence >= threshold]  # noqa: PLW2901
        for e in line.entities:
            planted[e.kind] += 1
            if any(
                rev.get(d.detector) == e.kind and d.start < e.end and e.start < d.end for d in dets
            ):
                recalled[e.kind] += 1
        for d in dets:
            kind = rev.get(d.detector, d.detector)
            reported[kind] = reported.get(kind, 0) + 1
            total += 1
            overlaps = [e for e in line.entities if e.start < d.end and d.start < e.end]
            any_right += bool(overlaps)
            if any(e.kind == kind for e in overlaps):
                right[kind] = right.get(kind, 0) + 1
    clean_found, clean_seconds = scan(clean, "clean")
    mixed_size = sum(len(line.text.encode()) + 1 for line in mixed or ())
    mixed_seconds = scan(mixed, "mixed")[1] if mixed else 0.0
    fps = sum(1 for dets in clean_found for d in dets if d.confidence >= threshold)
    size = sum(len(line.text.encode()) + 1 for line in lines)
    clean_size = sum(len(line.text.encode()) + 1 for line in clean)
    return {
        "recall": sum(recalled.values()) / max(1, sum(planted.values())),
        "precision": (any_right) / max(1, total + fps),
        "per_kind": {
            k: {
                "planted": planted[k],
                "recall": recalled[k] / max(1, planted[k]),
                "reported": reported.get(k, 0),
                "precision": right.get(k, 0) / max(1, reported.get(k, 0)),
            }
            for k in KINDS
        },
        "false_positives_clean": fps,
        "false_positives_per_10k": fps * 10_000 / max(1, len(clean)),
        "mb_per_s_labelled": size / 1e6 / seconds,
        "mb_per_s_clean": clean_size / 1e6 / clean_seconds,
        "mb_per_s_mixed": mixed_size / 1e6 / mixed_seconds if mixed_seconds else None,
        # the same on the processor's clock (steadier than the wall clock on a loaded machine)
        "cpu_mb_per_s": {
            "labelled": size / 1e6 / cpu["labelled"],
            "clean": clean_size / 1e6 / cpu["clean"],
            "mixed": mixed_size / 1e6 / cpu["mixed"] if mixed else None,
        },
        "load_seconds": load_seconds,
    }
