"""The attestations file: strict types, real dates, every mistake at once with its line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from auditor.core.errors import InputError, ValidationFailed
from auditor.judge.attestations import MAX_FILE_BYTES, load_attestations, load_partial

from .conftest import entry

GOOD = """\
version: 1
profile: strict
attestations:
  - id: ATT-1
    promise: breach-notification
    document: evidence/breach.md
    signed_by: Dana Whitfield, Privacy Officer
    signed_on: 2026-02-16
    review_by: 2027-02-15
  - id: ATT-2
    policy: GCP-AI-003
    document: https://trust.example.com/terms.pdf
    sha256: {digest}
    signed_by: Sam Okafor
    signed_on: "2026-03-01"
    review_by: "2027-03-01"
    scope:
      projects: ["phi-*"]
"""


def write(tmp_path: Path, text: str, name: str = "attestations.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        load_attestations(path)
    return [str(p) for p in caught.value.problems]


def test_a_good_file_loads_and_hashes_every_document(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "breach.md").write_bytes(b"procedure v3\n")
    path = write(tmp_path, GOOD.format(digest="ab" * 32))
    loaded = load_attestations(path)
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.profile == "strict"
    first, second = loaded.entries
    assert first.document.state == "found"
    assert first.document.sha256 == hashlib.sha256(b"procedure v3\n").hexdigest()
    assert first.document.bundle_path == f"attestations/{first.document.sha256[:16]}/breach.md"
    assert second.document.state == "found" and second.document.sha256 == "ab" * 32
    assert second.document.bundle_path is None  # a URL is never fetched, so never bundled
    assert second.entry.signed_on.isoformat() == "2026-03-01"  # quoted ISO dates are dates too
    assert loaded.documents() == {first.document.bundle_path: tmp_path / "evidence" / "breach.md"}


def test_every_mistake_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    text = """\
attestations:
  - id: ATT-1
    promise: breach-notification
    policy: GCP-AI-003
    document: /etc/contract.pdf
    signed_by: 42
    signed_on: 2026-03-01
    review_by: 2026-02-01
    colour: blue
  - id: ATT-1
    document: ftp://example.com/x.pdf
    signed_by: someone
    signed_on: "2026-13-01"
    review_by: 2027-01-01 10:00:00
    scope: {}
  - id: ATT-3
    promise: risk-analysis
    document: risk.md
    signed_by: ""
    signed_on: "yesterday"
    review_by: null
    sha256: NOTAHEX
unknown_top: 1
"""
    problems = problems_of(write(tmp_path, text))
    joined = "\n".join(problems)
    expected = [
        ("6", "signed_by: Input should be a valid string"),  # strict: 42 is not a name
        ("9", "colour: unknown key"),
        ("13", "2026-13-01 is not a real date"),
        ("14", "expected a date without a time"),
        ("19", "signed_by: String should have at least 1 character"),
        ("20", "expected a date as YYYY-MM-DD"),
        ("21", "review_by: Input should be a valid date"),
        ("22", "sha256: String should match pattern"),
        ("23", "unknown_top: unknown key"),
    ]
    for line, text_part in expected:
        assert any(f"attestations.yaml:{line}: " in p and text_part in p for p in problems), (
            line,
            text_part,
            joined,
        )
    # cross-field checks of the entries that are well formed
    assert any(":2: " in p and "exactly one of promise or policy" in p for p in problems)
    assert any(
        ":8: " in p and "review_by (2026-02-01) must be after signed_on" in p for p in problems
    )
    assert any(":5: " in p and "relative to the attestations file" in p for p in problems)
    # checks across fields run on malformed entries too
    assert any(":10: " in p and "duplicate attestation id 'ATT-1'" in p for p in problems)
    assert any(":11: " in p and "must be http:// or https://" in p for p in problems)
    assert any(":15: " in p and "scope names no accounts" in p for p in problems)
    assert any(
        ":10: " in p and "attestation ATT-1 (entry 2): name exactly one" in p for p in problems
    )
    assert "attestation ATT-1 (entry 2): signed_on" in joined
    assert len(problems) == 16, joined


def test_entry_problems_name_the_attestation(tmp_path: Path) -> None:
    text = "attestations:\n  - id: ATT-9\n    promise: x\n    document: d.md\n    signed_by: a\n    signed_on: 2026-01-01\n"
    (problem,) = problems_of(write(tmp_path, text))
    assert problem.endswith(
        "attestations.yaml:2: attestation ATT-9 (entry 1): review_by: Field required"
    )


def test_an_impossible_unquoted_date_is_located(tmp_path: Path) -> None:
    text = GOOD.format(digest="ab" * 32).replace("review_by: 2027-02-15", "review_by: 2027-02-30")
    problems = problems_of(write(tmp_path, text))
    assert problems == [f"{tmp_path / 'attestations.yaml'}:9: 2027-02-30 is not a real date"]


def test_duplicate_ids_and_scopes(tmp_path: Path, folder) -> None:
    path = folder(
        [
            entry("A", "promise:breach-notification", "d.md"),
            entry("A", "promise:risk-analysis", "d.md", scope={"vendors": []}),
        ],
        {"d.md": "x"},
    )
    problems = problems_of(path)
    assert any("duplicate attestation id 'A' (first at entry 1)" in p for p in problems)
    assert any("scope names no accounts, projects or vendors" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "attestations file is empty"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("attestations: [\n", "malformed YAML"),
        ("a: 1\na: 2\n", "duplicate key"),
    ],
)
def test_unusable_files_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_attestations(write(tmp_path, text))
    assert message in str(caught.value)
    assert str(tmp_path / "attestations.yaml") in str(caught.value)


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="attestations file not found"):
        load_attestations(tmp_path / "nope.yaml")
    big = write(tmp_path, "#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(InputError, match="the limit is"):
        load_attestations(big)


def test_document_states_are_kept_not_raised(tmp_path: Path, folder) -> None:
    """A document that cannot be found is not a mistake of the file: it judges ERROR later."""
    path = folder(
        [
            entry("GONE", "promise:breach-notification", "evidence/missing.pdf"),
            entry("URL", "promise:risk-analysis", "https://example.com/ra.pdf"),
            entry("DIR", "promise:workforce-training", "evidence"),
            entry("SWAP", "promise:return-or-destruction", "evidence/d.md", sha256="0" * 64),
        ],
        {"evidence/d.md": "signed copy"},
    )
    loaded, problems = load_partial(path)
    assert problems == []
    states = {i.entry.id: (i.document.state, i.document.detail) for i in loaded.entries}
    assert (
        states["GONE"][0] == "missing" and "no such file: evidence/missing.pdf" in states["GONE"][1]
    )
    assert states["URL"][0] == "missing" and "needs its SHA-256" in states["URL"][1]
    assert states["DIR"][0] == "missing" and "not a regular file" in states["DIR"][1]
    assert states["SWAP"][0] == "changed" and "records " + "0" * 64 in states["SWAP"][1]


def test_text_that_would_reach_a_terminal_carries_no_control_characters(tmp_path: Path) -> None:
    text = (
        "attestations:\n"
        "  - id: A\n"
        "    promise: risk-analysis\n"
        '    document: "ra\\u001b[2J.md"\n'
        '    signed_by: "Dana\\nWhitfield"\n'
        "    signed_on: 2026-01-01\n"
        "    review_by: 2027-01-01\n"
        "    note: >\n"
        "      folded notes\n"
        "      are fine\n"
    )
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 2
    assert all("control characters" in p for p in problems)
    assert any(":4: " in p and "document" in p for p in problems)
    assert any(":5: " in p and "signed_by" in p for p in problems)
