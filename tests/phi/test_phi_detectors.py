"""The PHI detectors on single lines: what they find, what they leave alone, what they keep."""

from __future__ import annotations

import json

import pytest

from auditor.collect.phi.detectors import DETECTORS, Detection, Scanner, UnknownDetector, normalize
from auditor.collect.phi.masking import Hasher, mask_keep_last

SALT = "test-salt"


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(hasher=Hasher(SALT))


def found(scanner: Scanner, text: str) -> dict[str, Detection]:
    return {d.detector: d for d in scanner.scan(text) if d.confidence >= scanner.threshold}


# (detector, plain-text line, the planted value)
PLAIN = [
    ("ssn", "identity check failed for 123-45-6789 today", "123-45-6789"),
    ("ssn", "member ssn: 123456789", "123456789"),
    ("mbi", "eligibility lookup 1EG4-TE5-MK73 ok", "1EG4-TE5-MK73"),
    ("npi", "rendering provider npi=1234567893", "1234567893"),
    ("dea", "prescriber DEA AB1234563 validated", "AB1234563"),
    ("payment_card", "charge declined 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("payment_card", "token 378282246310005 stored", "378282246310005"),
    ("dob", "patient DOB: 03/14/1962 mismatch", "03/14/1962"),
    ("dob", "date of birth March 14, 1962 rejected", "March 14, 1962"),
    ("phone", "sms sent to (212) 555-1234", "(212) 555-1234"),
    ("phone", "callback 1-212-555-1234", "1-212-555-1234"),
    ("phone", "call +12125551234 now", "+12125551234"),
    ("email", "password reset sent to jane.doe@example.com", "jane.doe@example.com"),
    ("icd10", "claim dx E11.9 denied", "E11.9"),
    ("mrn", "loaded chart MRN: 00482913", "00482913"),
    ("patient_name", "patient Mary O'Brien checked in", "Mary O'Brien"),
    ("patient_name", "Patient: Smith, John discharged", "Smith, John"),
    ("street_address", "ship to 1600 Pennsylvania Avenue today", "1600 Pennsylvania Avenue"),
]


@pytest.mark.parametrize(
    ("detector", "line", "value"), PLAIN, ids=[f"{p[0]}-{i}" for i, p in enumerate(PLAIN)]
)
def test_plain_text(scanner: Scanner, detector: str, line: str, value: str) -> None:
    hits = found(scanner, line)
    assert detector in hits, hits
    det = hits[detector]
    assert det.digest == scanner.hasher.digest(normalize(detector, value))
    assert value not in det.masked
    assert det.field is None or "=" in line  # key=value lines name the key
    assert line[det.start : det.end] == value  # offsets of the value in the line as written


def test_structured_lines_use_keys_as_context(scanner: Scanner) -> None:
    line = json.dumps(
        {
            "level": "INFO",
            "patient": {
                "name": "Nguyen, Linda",
                "birth_date": "1971-07-04",
                "ssn": "219099999",
                "mrn": "E123456789",
            },
            "provider": {"npi": 1234567893},
            "diagnosis_code": "F32.9",
            "contact": {"phone": "2125551234"},
        }
    )
    hits = found(scanner, line)
    assert set(hits) >= {"patient_name", "dob", "ssn", "mrn", "npi", "icd10", "phone"}
    assert hits["ssn"].field == "patient.ssn"
    assert hits["npi"].field == "provider.npi"
    assert hits["patient_name"].masked == "N*****, L****"


def test_ssn_mask_keeps_last_four(scanner: Scanner) -> None:
    assert found(scanner, "ssn 123-45-6789")["ssn"].masked == "***-**-6789"


@pytest.mark.parametrize(
    "line",
    [
        "request 123e4567-e89b-12d3-a456-426614174000 completed in 120ms",
        "2026-11-23T10:00:00.123Z INFO worker started version 10.4.1234",
        "order ORD-2024-000123 shipped on 1962-03-14",  # an ISO date without context is no DOB
        "report period 2026-01-01 to 2026-01-31 generated",
        "validation rejected id 000-12-3456 format",
        "validation rejected id 666-12-3456 format",
        "validation rejected id 912-12-3456 format",
        "validation rejected id 123-00-4567 format",
        "validation rejected id 123-45-0000 format",
        "token 4111111111111112 not recognised",
        "epoch=1763900000 epoch_ms=1763900000123",
        "GET /v1/claims from 10.12.200.4 took 0.120s",
        "Patient Portal Login succeeded",
        "patient record updated id=42",
        "npi 1234567890 rejected",  # Luhn-invalid NPI
        "trace_id=1-5f84c7a1-8c0d6f1e2b3a4c5d6e7f8a9b span ok",
        "sha256=4a1f0c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f",
        "build 1.24.3-build.12345 commit a1b2c3d4e5f6",
        "price 129.99 USD qty 2 sku 123456",
        "idx E11 of batch",  # no diagnosis context
    ],
)
def test_look_alikes_are_not_phi(scanner: Scanner, line: str) -> None:
    assert found(scanner, line) == {}


def test_detection_holds_no_value(scanner: Scanner) -> None:
    det = found(scanner, "ssn 123-45-6789")["ssn"]
    assert "123-45-6789" not in repr(det)
    assert "123456789" not in repr(det)
    assert set(Detection.__slots__) == {
        "detector",
        "confidence",
        "masked",
        "digest",
        "field",
        "segment",
        "start",
        "end",
        "method",
    }


def test_profile_chooses_detectors_and_adds_patterns() -> None:
    only_email = Scanner(
        detectors=["email"],
        custom=[{"name": "member_id", "regex": r"\bMEM-\d{6}\b", "confidence": 0.9}],
    )
    hits = {d.detector for d in only_email.scan("ssn 123-45-6789 mail a@b.example MEM-123456")}
    assert hits == {"email", "member_id"}
    assert only_email.names == ("email", "member_id")


def test_unknown_detector_or_bad_regex_is_refused() -> None:
    with pytest.raises(UnknownDetector, match="nope"):
        Scanner(detectors=["ssn", "nope"])
    with pytest.raises(UnknownDetector, match="invalid regex"):
        Scanner(custom=[{"name": "x", "regex": "(", "confidence": 0.5}])
    with pytest.raises(UnknownDetector, match="built-in"):
        Scanner(custom=[{"name": "ssn", "regex": "x", "confidence": 0.5}])


def test_salt_is_random_per_run_unless_configured() -> None:
    assert Hasher().digest("x") != Hasher().digest("x")
    assert Hasher("s").digest("x") == Hasher("s").digest("x")
    assert "secret-salt" not in repr(Hasher("secret-salt"))


def test_batch_keeps_events_apart(scanner: Scanner) -> None:
    # A context word at the end of one event must not lend context to the next one.
    results = scanner.scan_batch(["patient dob", "1962-03-14 is a date", "ssn 123-45-6789"])
    assert [[d.detector for d in r if d.confidence >= 0.7] for r in results] == [[], [], ["ssn"]]


def test_every_detector_is_exercised() -> None:
    assert {p[0] for p in PLAIN} == set(DETECTORS)


def test_mask_never_reveals_more_than_half() -> None:
    assert mask_keep_last("1234", 4) == "**34"


def test_payload_loggers_are_quiet_while_sampling_and_restored_after() -> None:
    import logging

    from auditor.collect.phi.sample import quiet_payload_loggers

    parsers = logging.getLogger("botocore.parsers")
    logging.getLogger("botocore").setLevel(logging.DEBUG)
    try:
        with quiet_payload_loggers():
            with quiet_payload_loggers():  # nested (parallel samplers) stays quiet
                assert not parsers.isEnabledFor(logging.DEBUG)
            assert not parsers.isEnabledFor(logging.DEBUG)
        assert parsers.isEnabledFor(logging.DEBUG)
    finally:
        logging.getLogger("botocore").setLevel(logging.NOTSET)


def test_a_stream_name_that_looks_like_phi_is_withheld() -> None:
    from datetime import UTC, datetime

    from auditor.collect.phi.bounds import SamplingBounds
    from auditor.collect.phi.sample import Event, LogAccumulator

    now = datetime.now(UTC)
    acc = LogAccumulator(Scanner(), SamplingBounds(), (now, now), "logs:FilterLogEvents")
    acc.add(
        [
            Event("jane.roe@example.com", "1", now, [("", "ssn 219-09-9999")], 15),
            Event("web-1", "2", now, [("", "ok")], 2),
        ]
    )
    fields = acc.fields()
    assert fields["read"].streams == ["<stream name withheld: holds email>", "web-1"]
    assert fields["detections"][0].examples[0].stream == "<stream name withheld: holds email>"


def test_odd_input_never_breaks_the_scanner(scanner: Scanner) -> None:
    import random

    rng = random.Random(7)
    alphabet = '0123456789-./()+@ :,"{}[]\n\tabcXYZ\u00e9\u4e2d\U0001f600'
    odd = [
        "",
        " ",
        "{",
        "[]",
        "{}",
        "null",
        '{"a": null, "b": [1, {"c": true}]}',
        "[" * 5000 + "]" * 5000,
    ]
    odd += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300))) for _ in range(500)]
    results = scanner.scan_batch(odd)
    assert len(results) == len(odd)
    # and a deeply nested JSON value is scanned as text instead of failing
    deep = '{"a": ' * 5000 + '"ssn 123-45-6789"' + "}" * 5000
    assert [d.detector for d in scanner.scan(deep)] == ["ssn"]


def test_scanner_from_the_profile_and_bounds_from_the_options() -> None:
    from auditor.collect.phi.bounds import SamplingBounds
    from auditor.collect.phi.sample import make_scanner
    from auditor.core.errors import CollectionError
    from auditor.core.params import CustomPattern, Parameters

    bounds = SamplingBounds.from_options({"min_confidence": 0.5, "hash_salt": "s3cret"})
    params = Parameters(
        phi_detectors=["email"],
        phi_custom_patterns=[
            CustomPattern(name="member_id", regex=r"\bMEM-\d{6}\b", confidence=0.6)
        ],
    )
    scanner = make_scanner(params, bounds)
    assert scanner.names == ("email", "member_id") and scanner.threshold == 0.5
    assert scanner.hasher.digest("x") == Hasher("s3cret").digest("x")
    with pytest.raises(CollectionError, match="nope"):
        make_scanner(Parameters(phi_detectors=["nope"]), bounds)
    with pytest.raises(CollectionError, match="max_events_per_log") as err:
        SamplingBounds.from_options({"max_events_per_log": 0})
    assert "0" not in str(err.value).replace("max_events_per_log", "")
    with pytest.raises(CollectionError, match="unknown_key"):
        SamplingBounds.from_options({"unknown_key": 1})
    with pytest.raises(CollectionError) as salt_err:
        SamplingBounds.from_options({"hash_salt": ["not", "a", "string-s3cret"]})
    assert "s3cret" not in str(salt_err.value)
