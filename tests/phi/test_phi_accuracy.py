"""Accuracy floors on a fixed seeded corpus generated with Faker in about forty locales (no
timings: throughput is the bench's business), and bounded work on adversarial input."""

from __future__ import annotations

import pytest

from auditor.collect.phi.detectors import Scanner
from bench.phi_corpus import generate, generate_clean, measure


@pytest.fixture(scope="module")
def figures() -> dict:
    return measure(list(generate(18, 1200)), list(generate_clean(19, 2000)))


def test_recall_precision_and_false_positives(figures: dict) -> None:
    kinds = figures["per_kind"]
    assert figures["recall"] >= 0.90, figures["recall"]
    assert kinds["name"]["recall"] >= 0.85, kinds["name"]
    assert figures["precision"] >= 0.98, figures["precision"]
    assert figures["false_positives_per_10k"] < 5, figures["false_positives_clean"]
    for kind in ("phone", "dob", "card", "ssn", "email", "mrn"):
        assert kinds[kind]["recall"] >= 0.85, (kind, kinds[kind])


@pytest.mark.parametrize(
    "text",
    [
        "A" + "a" * 200_000,
        "Aa " * 60_000,
        "1-" * 80_000,
        "+1 (" * 40_000,
        '{"name": "' + "\\u00e9" * 30_000 + '"}',
        "Rue " * 50_000,
        "x=" * 80_000,
        "Jan Kowalski " * 20_000,
    ],
    ids=["one-long-word", "caps", "digits", "phone-prefix", "escapes", "street", "kv", "names"],
)
def test_adversarial_lines_finish_and_copy_nothing(text: str) -> None:
    found = Scanner().scan(text)
    for d in found:
        assert d.masked.count("*") >= len(d.masked) // 3 or len(d.masked) < 4
        assert 0 <= d.start <= d.end <= len(text)
