"""From the two real BAAs (../shared/baa, beside the repository as in CI) to profile drafts that
reproduce the shipped profiles' promises and parameters, with every quote verbatim at its offsets;
and the drafter on documents written for these tests (HTML trust page, Markdown, wrapped text)."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.judge.baa_text import Draft, detect_format, draft_profile, load_rules
from auditor.judge.catalog import load_catalog
from auditor.judge.profile import Profile, load_profile

ROOT = Path(__file__).resolve().parents[2]
SHARED_BAA = ROOT / ".." / "shared" / "baa"
DATA = Path(__file__).parent / "data"
CATALOG = load_catalog()
RULES = load_rules(safeguards=set(CATALOG.safeguards))


def read_source(path: Path) -> str:
    assert path.is_file(), (
        f"{path} is missing: the shared BAAs live in ../shared/baa beside the repository"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def draft(path: Path, base: str | None = None, fmt: str | None = None) -> tuple[Draft, str]:
    source = read_source(path)
    drafted = draft_profile(
        source,
        source_name=path.name,
        source_format=fmt or detect_format(path.name, source),  # type: ignore[arg-type]
        source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        rules=RULES,
        generated_by="baa-audit test",
        base=load_profile(base, CATALOG).profile if base else None,
        base_name=base,
    )
    return drafted, source


def expected(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DATA / name).read_text("utf-8"))
    return doc


def params(promise: Any) -> dict[str, Any]:
    values: dict[str, Any] = promise.parameters.model_dump(mode="json", exclude_unset=True)
    return values


def by_id(profile: Profile) -> dict[str, Any]:
    return {p.id: p for p in profile.promises}


def assert_quotes_verbatim(profile: Profile, source: str) -> None:
    """Every clause, related quote and review sentence is the source text at its offsets."""
    for promise in profile.promises:
        assert promise.offsets is not None
        at = source[promise.offsets.start : promise.offsets.end]
        assert at == promise.clause, promise.id
        for quote in promise.related:
            assert source[quote.offsets.start : quote.offsets.end] == quote.text, promise.id
    for item in profile.review:
        assert source[item.offsets.start : item.offsets.end] == item.text


def assert_matches_fixture(drafted: Draft, fixture: dict[str, Any]) -> None:
    promises = by_id(drafted.profile)
    want = fixture["promises"]
    assert sorted(promises) == sorted(want)
    for pid, spec in want.items():
        got = promises[pid]
        assert set(got.safeguards) == set(spec["safeguards"]), pid
        from_text = {k: v for k, v in params(got).items() if k not in got.from_base}
        assert from_text == spec["parameters"], pid
        assert got.section == spec["section"], pid
    assert sorted(p.id for p in drafted.profile.promises if p.manual_evidence) == sorted(
        fixture["attestation"]
    )
    vague = sorted(p.id for p in drafted.profile.promises if p.notes)
    assert set(fixture["vague"]) <= set(vague), vague
    texts = [item.text for item in drafted.profile.review]
    for sentence in fixture["review_includes"]:
        assert sentence in texts, sentence


# --- the shipped profiles, reproduced ------------------------------------------------------------


def assert_reproduces(drafted: Draft, source: str, fixture: dict[str, Any]) -> None:
    """The draft holds every promise of the shipped profile (ids, safeguards, sections,
    parameters, the parameters from the base listed as such, manual_evidence on the same
    promises, a clause that contains the profile's) and only the extra promises of the fixture."""
    shipped = load_profile(fixture["compare_with"], CATALOG).profile
    promises = by_id(drafted.profile)
    for promise in shipped.promises:
        # the profile quotes the BAA verbatim too: a profile that paraphrases is fixed, not the
        # drafter bent to the paraphrase
        assert promise.clause in source, f"{shipped.id}: {promise.id} does not quote the BAA"
        assert promise.id in promises, f"the draft lacks the {shipped.id} promise {promise.id}"
        got = promises[promise.id]
        assert set(got.safeguards) == set(promise.safeguards), promise.id
        assert params(got) == params(promise), promise.id
        assert got.section == promise.section, promise.id
        assert sorted(got.from_base) == sorted(fixture["from_base"].get(promise.id, [])), promise.id
        assert bool(got.manual_evidence) == bool(promise.manual_evidence), promise.id
        # the draft quotes the whole passage (its sentences that make the promise); the profile
        # may quote the operative part of it
        assert promise.clause in got.clause, promise.id
    extras = {pid: p for pid, p in promises.items() if pid not in {s.id for s in shipped.promises}}
    assert sorted(extras) == sorted(fixture["extra_promises"])
    for pid, spec in fixture["extra_promises"].items():
        assert set(extras[pid].safeguards) == set(spec["safeguards"]), pid
        assert params(extras[pid]) == spec["parameters"], pid
        assert extras[pid].section == spec["section"], pid
        assert bool(extras[pid].manual_evidence) == spec["manual_evidence"], pid
        assert not extras[pid].from_base, pid
    assert drafted.profile.baa.name == shipped.baa.name
    assert drafted.profile.baa.dated == shipped.baa.dated
    assert_quotes_verbatim(drafted.profile, source)


def test_imepro_draft_reproduces_the_strict_profile() -> None:
    drafted, source = draft(SHARED_BAA / "imepro-baa.txt", base="strict")
    fixture = expected("imepro-expected.yaml")
    assert_reproduces(drafted, source, fixture)
    assert sorted(p.id for p in drafted.profile.promises if p.manual_evidence) == sorted(
        fixture["attestation"]
    )
    # the Security Rule's three kinds of safeguard make the two promises no control plane shows
    # (and no general security-safeguards promise beside them)
    promises = by_id(drafted.profile)
    assert (
        promises["risk-analysis"].clause
        == promises["workforce-training"].clause
        == ("Implement administrative, physical, and technical safeguards to protect PHI")
    )
    assert "security-safeguards" not in promises
    texts = [item.text for item in drafted.profile.review]
    for sentence in fixture["review_includes"]:
        assert sentence in texts


def test_littleclouds_draft_reproduces_the_littleclouds_profile() -> None:
    drafted, source = draft(SHARED_BAA / "littleclouds-baa.txt", base="littleclouds")
    fixture = expected("littleclouds-expected.yaml")
    assert_reproduces(drafted, source, fixture)
    promises = by_id(drafted.profile)
    # a value the text does not state comes from the base of the same agreement, and says so
    transit = promises["encryption-in-transit"]
    assert params(transit) == {"min_tls_version": "1.2"}
    assert any(
        "states no exact min_tls_version" in n and "littleclouds" in n for n in transit.notes
    )
    assert not any("the draft sets no min_tls_version" in n for n in transit.notes)
    isolation = promises["tenant-isolation"]
    assert any("states no exact tenant_key" in n for n in isolation.notes)
    assert not any("names no tenant key column" in n for n in isolation.notes)
    # still no value the profile does not hold either: no algorithm, no MFA
    assert "encryption_algorithm" not in params(promises["encryption-at-rest"])
    assert "mfa_required" not in params(promises["access-controls"])
    # "Subpart C" and "appropriate safeguards" alone: the general promise, kept as the fallback
    assert promises["security-safeguards"].clause.startswith("Use appropriate safeguards")


@pytest.mark.parametrize(
    ("name", "fixture_name"),
    [
        ("imepro-baa.txt", "imepro-expected.yaml"),
        ("littleclouds-baa.txt", "littleclouds-expected.yaml"),
    ],
)
def test_without_a_base_the_draft_holds_only_what_the_text_states(
    name: str, fixture_name: str
) -> None:
    drafted, source = draft(SHARED_BAA / name)
    fixture = expected(fixture_name)
    shipped = by_id(load_profile(fixture["compare_with"], CATALOG).profile)
    for pid, promise in by_id(drafted.profile).items():
        assert not promise.from_base
        if pid in shipped:
            want = {
                k: v
                for k, v in params(shipped[pid]).items()
                if k not in fixture["from_base"].get(pid, [])
            }
        else:
            want = fixture["extra_promises"][pid]["parameters"]
        assert params(promise) == want, pid
    assert_quotes_verbatim(drafted.profile, source)


def _base_copy(tmp_path: Path, name: str, edit: dict[str, Any]) -> Path:
    doc = yaml.safe_load((ROOT / "policies" / "profiles" / f"{name}.yaml").read_text("utf-8"))
    doc["id"] = f"{name}-copy"
    doc["baa"].update(edit.get("baa", {}))
    for promise in doc["promises"]:
        promise.get("parameters", {}).update(edit.get("parameters", {}).get(promise["id"], {}))
    path = tmp_path / f"{name}-copy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_base_of_another_version_of_the_agreement_gives_no_value_the_text_leaves_unset(
    tmp_path: Path,
) -> None:
    # the same profile, but for the BAA of another date: no longer a reading of this text
    base = _base_copy(tmp_path, "littleclouds", {"baa": {"dated": "2025-01-01"}})
    drafted, _ = draft(SHARED_BAA / "littleclouds-baa.txt", base=str(base))
    promises = by_id(drafted.profile)
    assert params(promises["encryption-in-transit"]) == {}
    assert params(promises["tenant-isolation"]) == {}
    assert any("names no tenant key column" in n for n in promises["tenant-isolation"].notes)
    assert not any(p.from_base for p in drafted.profile.promises)


def test_a_value_the_text_states_wins_over_a_base_of_the_same_agreement(tmp_path: Path) -> None:
    base = _base_copy(
        tmp_path,
        "strict",
        {"parameters": {"encryption-in-transit": {"min_tls_version": "1.2"}}},
    )
    drafted, _ = draft(SHARED_BAA / "imepro-baa.txt", base=str(base))
    transit = by_id(drafted.profile)["encryption-in-transit"]
    assert params(transit) == {"min_tls_version": "1.3"}
    assert not transit.from_base


# --- LittleClouds: what the text states --------------------------------------------------------


@pytest.mark.parametrize("base", [None, "hipaa-baseline", "strict"])
def test_littleclouds_draft_holds_the_promises_its_text_states(base: str | None) -> None:
    drafted, source = draft(SHARED_BAA / "littleclouds-baa.txt", base=base)
    fixture = expected("littleclouds-expected.yaml")
    promises = by_id(drafted.profile)
    # a base of another agreement adds settings only to promises the BAA states precisely, never
    # a promised value: no TLS version, algorithm or MFA for LittleClouds whatever it says
    for promise in drafted.profile.promises:
        assert set(promise.from_base) <= {"customer_managed_keys", "key_rotation_max_days"}, (
            promise.id
        )
    assert "min_tls_version" not in params(promises["encryption-in-transit"])
    assert "encryption_algorithm" not in params(promises["encryption-at-rest"])
    assert "mfa_required" not in params(promises["access-controls"])
    if base is None:
        assert not any(p.from_base for p in drafted.profile.promises)
    assert_matches_fixture(drafted, fixture)
    assert drafted.profile.baa.name == "LittleClouds Business Associate Agreement"
    assert drafted.profile.baa.dated == "2026-04-24"
    assert_quotes_verbatim(drafted.profile, source)


def test_littleclouds_vague_promises_say_why_they_have_no_value() -> None:
    drafted, _ = draft(SHARED_BAA / "littleclouds-baa.txt")
    promises = by_id(drafted.profile)
    assert any("no TLS version" in n for n in promises["encryption-in-transit"].notes)
    assert any("no algorithm" in n for n in promises["encryption-at-rest"].notes)
    assert any("names no tenant key column" in n for n in promises["tenant-isolation"].notes)
    assert any('"appropriate"' in n for n in promises["security-safeguards"].notes)
    assert any("list kept elsewhere" in n for n in promises["subcontractors"].notes)


def test_drafts_pass_profile_validation(tmp_path: Path) -> None:
    from auditor.judge.baa_text import profile_yaml

    for name, base in (
        ("imepro-baa.txt", "strict"),
        ("littleclouds-baa.txt", None),
        ("littleclouds-baa.txt", "littleclouds"),
    ):
        drafted, _ = draft(SHARED_BAA / name, base=base)
        path = tmp_path / f"{name}-{base}.yaml"
        path.write_text(profile_yaml(drafted.profile), encoding="utf-8")
        loaded = load_profile(str(path), CATALOG).profile
        assert loaded == drafted.profile


# --- documents written for these tests ----------------------------------------------------------


def test_html_trust_page() -> None:
    drafted, source = draft(DATA / "trust-centre.html")
    assert drafted.profile.draft is not None
    assert drafted.profile.draft.source_format == "html"
    got = {p.id: params(p) for p in drafted.profile.promises}
    assert got == {
        "encryption-in-transit": {"min_tls_version": "1.2"},
        "encryption-at-rest": {"encryption_algorithm": "AES-256"},
        "access-controls": {"mfa_required": True},
        "session-management": {
            "session_absolute_max_seconds": 43200,
            "session_idle_max_seconds": 1800,
        },
        "security-safeguards": {},
        "breach-notification": {"breach_notification_days": 3},
        "subcontractors": {
            "subprocessors": ["aws", "twilio"],
            "subprocessors_without_phi": ["stripe"],
        },
    }
    assert drafted.profile.baa.dated == "2026-03-03"
    # nothing from the script, the style or the comment
    for promise in drafted.profile.promises:
        assert "99 hours" not in promise.clause and "forever" not in promise.clause
    # the clause is the page's text; its offsets span the markup it came from
    for promise in drafted.profile.promises:
        assert promise.offsets is not None
        raw = source[promise.offsets.start : promise.offsets.end]
        shown = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", raw)).split())
        assert shown.replace(" - ", " ") == promise.clause.replace(" - ", " ") or (
            " ".join(promise.clause.split()) in shown
        ), promise.id
    review = [item.text for item in drafted.profile.review]
    assert "We will indemnify customers against third-party claims." in review


def test_markdown_baa() -> None:
    drafted, source = draft(DATA / "sample-baa.md")
    got = {p.id: params(p) for p in drafted.profile.promises}
    assert got == {
        "encryption-at-rest": {"encryption_algorithm": "AES-256"},
        "encryption-in-transit": {"min_tls_version": "1.3"},
        "access-controls": {"mfa_required": True},
        "session-management": {
            "session_absolute_max_seconds": 28800,
            "session_idle_max_seconds": 900,
        },
        "audit-logging": {"audit_log_retention_days": 2190},
        "ai-processing": {"ai_training_opt_out": True},
        "breach-notification": {},
        "return-or-destruction": {"return_or_destroy_on_termination": True},
    }
    promises = by_id(drafted.profile)
    # business days are not calendar days: the promise stays, with why it has no number
    assert any("business days" in n for n in promises["breach-notification"].notes)
    assert drafted.profile.baa.name == "Example Clinic Software, LLC Business Associate Agreement"
    assert drafted.profile.baa.dated == "2026-01-15"
    assert drafted.profile.id == "example-clinic-software"
    assert promises["access-controls"].clause == (
        "Require multi-factor authentication for every workforce member with access to PHI."
    )
    assert promises["access-controls"].section == "1. Security"
    offsets = promises["access-controls"].offsets
    assert offsets is not None
    assert source[offsets.start : offsets.end] == (
        "Require *multi-factor authentication* for every workforce member with access to PHI."
    )
    review = [item.text for item in drafted.profile.review]
    assert any(" ".join(t.split()).startswith("Business Associate shall indemnify") for t in review)


def test_wrapped_plain_text_keeps_its_line_breaks_in_the_quote() -> None:
    drafted, source = draft(DATA / "wrapped-baa.txt")
    promises = by_id(drafted.profile)
    assert params(promises["breach-notification"]) == {"breach_notification_days": 30}
    assert params(promises["session-management"]) == {"session_idle_max_seconds": 900}
    assert params(promises["encryption-in-transit"]) == {"min_tls_version": "1.2"}
    assert params(promises["encryption-at-rest"]) == {"encryption_algorithm": "AES-256"}
    clause = promises["breach-notification"].clause
    assert "\n" in clause and clause.startswith("Business Associate shall notify")
    assert promises["breach-notification"].section == "5. BREACH NOTIFICATION"
    assert_quotes_verbatim(drafted.profile, source)
    assert drafted.profile.baa.name == "Wrapped Health Inc. Business Associate Agreement"
    # "commercially reasonable insurance" obliges but is no safeguard the rules know
    assert [i.text for i in drafted.profile.review] == [
        "Business Associate shall maintain commercially reasonable insurance\ncoverage for the "
        "term of this Agreement."
    ]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_vague_wording_is_never_upgraded_to_a_number_even_with_a_base(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "vague.txt",
        "3. Security\n"
        "Vendor will protect all customer data with industry-standard encryption.\n"
        "Vendor will use commercially reasonable safeguards.\n"
        "Vendor will report a Breach promptly.\n"
        "Sessions expire after eight (9) hours regardless of activity.\n",
    )
    drafted, _ = draft(path, base="strict")
    promises = by_id(drafted.profile)
    assert sorted(promises) == [
        "breach-notification",
        "encryption",
        "security-safeguards",
        "session-management",
    ]
    for promise in promises.values():
        assert params(promise) == {}, promise.id
        assert promise.notes, promise.id
    assert any('"industry standard"' in n for n in promises["encryption"].notes)
    assert any('"promptly"' in n for n in promises["breach-notification"].notes)
    assert any("spells 8 but writes 9" in n for n in promises["session-management"].notes)
    assert drafted.profile.parameters().model_dump(exclude_none=True) == {}


def test_two_different_values_keep_the_stricter_and_ask_for_review(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "conflict.txt",
        "1. Security\n"
        "Vendor will encrypt PHI in transit with TLS 1.3.\n"
        "Partner connections to the API use TLS 1.2 or higher.\n",
    )
    drafted, source = draft(path)
    promise = by_id(drafted.profile)["encryption-in-transit"]
    assert params(promise) == {"min_tls_version": "1.3"}
    assert any("'1.3' and as '1.2'" in n for n in promise.notes)
    assert [i.text for i in drafted.profile.review][-1].startswith("Partner connections")
    assert_quotes_verbatim(drafted.profile, source)


def test_a_text_with_no_promise_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "menu.txt", "Lunch menu\nSoup of the day. Bread.\n")
    with pytest.raises(ValueError, match="no promise recognised"):
        draft(path)


def test_a_very_long_sentence_is_read_in_bounded_windows(tmp_path: Path) -> None:
    filler = "and the party of the first part " * 2000
    path = write(tmp_path, "long.txt", f"Vendor shall use TLS 1.3 {filler}for everything.\n")
    drafted, source = draft(path)
    assert params(by_id(drafted.profile)["encryption-in-transit"]) == {"min_tls_version": "1.3"}
    assert_quotes_verbatim(drafted.profile, source)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "policies" / "profiles").glob("*.yaml")), ids=lambda p: p.stem
)
def test_every_shipped_profile_quotes_its_baa_verbatim(path: Path) -> None:
    """A clause is the BAA's own words: each part of it (parts joined by ' ... ', an elision)
    stands in the agreement the profile names, whitespace aside."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    source_name = (document.get("baa") or {}).get("source")
    if source_name is None:
        assert all(not p.get("clause") for p in document["promises"]), (
            f"{path.name} quotes clauses but names no baa.source"
        )
        return
    source = " ".join(read_source(SHARED_BAA / source_name).split())
    for promise in document["promises"]:
        for part in str(promise.get("clause") or "").split(" ... "):
            assert " ".join(part.split()) in source, f"{path.name}: {promise['id']}: {part[:60]!r}"
