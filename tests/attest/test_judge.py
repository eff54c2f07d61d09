"""Judging with attestations: the engine's step after waivers, through the real engine."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from auditor.cli.pipeline import exit_code
from auditor.core.model.base import ResourceRef
from auditor.core.result import STATUSES, Finding, summarize, worst
from auditor.core.scope import Scope
from auditor.evidence.merge import merge
from auditor.judge.attestations import (
    CONTRACT_PROVIDER,
    apply_attestations,
    contract_items,
    empty_set,
    load_attestations,
)
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import evaluate
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

from .conftest import NOW, ORG, TODAY, entry, gcp_inventory

POLICIES = load_default_policies()
CATALOG = load_catalog()
STRICT = load_profile("strict", CATALOG)
BASELINE = load_profile("hipaa-baseline", CATALOG)


def run(attestations=None, profile=STRICT, inventory=None):
    return evaluate(
        inventory or gcp_inventory(), POLICIES, profile, now=NOW, attestations=attestations
    )


def by_policy(result, policy_id: str) -> list[Finding]:
    return [f for f in result.findings if f.policy_id == policy_id]


def test_every_contractual_promise_is_a_manual_item_of_a_live_run() -> None:
    result = run(empty_set())
    items = [f for f in result.findings if f.resource.provider == CONTRACT_PROVIDER]
    by = {(f.policy_id, f.resource.type, f.resource.id) for f in items}
    assert by == {
        ("BAA-SUBCONTRACTORS", "baa.vendor", "gcp"),
        ("BAA-SUBCONTRACTORS", "baa.vendor", "cloudflare"),
        ("BAA-SUBCONTRACTORS", "baa.vendor", "stripe"),
        ("BAA-SUBCONTRACTORS", "baa.vendor", "resend"),
        ("BAA-RISK-ANALYSIS", "baa.promise", "risk-analysis"),
        ("BAA-WORKFORCE-TRAINING", "baa.promise", "workforce-training"),
        ("BAA-BREACH-NOTIFICATION", "baa.promise", "breach-notification"),
        ("BAA-RETURN-OR-DESTRUCTION", "baa.promise", "return-or-destruction"),
    }
    assert all(f.status == "MANUAL" and f.manual_evidence for f in items)
    breach = by_policy(result, "BAA-BREACH-NOTIFICATION")[0]
    # the contractual parameter is shown with the clause it comes from
    assert breach.evidence["promised.breach_notification_days"] == 30
    assert "no case later than 30 calendar days" in breach.evidence["clause"]
    assert "breach_notification_days = 30" in breach.message
    assert result.policies["BAA-BREACH-NOTIFICATION"].manual_evidence
    verdicts = {p.id: p.verdict for p in result.promises}
    assert verdicts["breach-notification"] == "MANUAL"
    assert verdicts["risk-analysis"] == "MANUAL"


def test_the_baseline_profile_has_its_own_window() -> None:
    result = run(empty_set(), profile=BASELINE)
    breach = by_policy(result, "BAA-BREACH-NOTIFICATION")[0]
    assert breach.evidence["promised.breach_notification_days"] == 60
    assert "sixty (60) calendar days" in breach.evidence["clause"]
    assert by_policy(result, "BAA-SUBCONTRACTORS")[0].resource.type == "baa.promise"


def test_without_attestations_the_engine_adds_nothing() -> None:
    """The IaC path and unit callers pass no attestations: no contractual items."""
    result = run(None)
    assert not [f for f in result.findings if f.resource.provider == CONTRACT_PROVIDER]
    assert result.attestations == []


def test_current_overdue_and_missing(folder) -> None:
    path = folder(
        [
            entry("ATT-BREACH", "promise:breach-notification", "evidence/breach.md"),
            entry(
                "ATT-TRAINING",
                "promise:workforce-training",
                "evidence/training.md",
                signed_on=date(2025, 7, 1),
                review_by=date(2026, 6, 30),
            ),
            entry("ATT-RETURN", "promise:return-or-destruction", "evidence/return.pdf"),
            entry("ATT-AI", "policy:GCP-AI-003", "evidence/ai.md"),
        ],
        {"evidence/breach.md": "v3", "evidence/training.md": "2025", "evidence/ai.md": "terms"},
    )
    result = run(load_attestations(path))
    breach = by_policy(result, "BAA-BREACH-NOTIFICATION")[0]
    assert breach.status == "ATTESTED"
    assert breach.attestation is not None and breach.attestation.state == "current"
    assert breach.attestation.signed_by == "Dana Whitfield, Privacy Officer"
    assert breach.attestation.review_by == date(2027, 2, 1)
    assert breach.attestation.bundle_path.endswith("/breach.md")
    assert "Attested by ATT-BREACH: evidence/breach.md" in breach.message
    training = by_policy(result, "BAA-WORKFORCE-TRAINING")[0]
    assert training.status == "FAIL"
    assert "evidence/training.md was due for review on 2026-06-30" in training.message
    back = by_policy(result, "BAA-RETURN-OR-DESTRUCTION")[0]
    assert back.status == "ERROR"
    assert "cannot be found: no such file: evidence/return.pdf" in back.message
    ai = by_policy(result, "GCP-AI-003")[0]
    assert ai.status == "ATTESTED" and ai.resource.account == ORG
    # the result carries every entry with its document digest
    records = {r.id: r for r in result.attestations}
    assert records["ATT-TRAINING"].state == "overdue"
    assert records["ATT-RETURN"].state == "missing" and records["ATT-RETURN"].sha256 is None
    assert records["ATT-BREACH"].sha256 == breach.attestation.sha256
    # never counted as PASS; a promise answered only by documents rolls up to ATTESTED
    assert result.summary["ATTESTED"] == 2
    assert result.summary["PASS"] == len([f for f in result.findings if f.status == "PASS"])
    verdicts = {p.id: p.verdict for p in result.promises}
    assert verdicts["breach-notification"] == "ATTESTED"
    assert verdicts["workforce-training"] == "FAIL"
    assert verdicts["return-or-destruction"] == "ERROR"
    assert next(p for p in result.promises if p.id == "breach-notification").counts["ATTESTED"] == 1


def test_attested_sits_between_waived_and_pass() -> None:
    assert STATUSES.index("WAIVED") < STATUSES.index("ATTESTED") < STATUSES.index("PASS")
    assert worst(["PASS", "ATTESTED"]) == "ATTESTED"
    assert worst(["ATTESTED", "MANUAL"]) == "MANUAL"
    assert worst(["ATTESTED", "NOT_APPLICABLE"]) == "ATTESTED"


def test_exit_code_counts_attested_like_pass_and_overdue_as_failure(folder) -> None:
    docs = {"d.md": "x"}
    current = run(load_attestations(folder([entry("A", "policy:GCP-AI-003", "d.md")], docs)))
    assert by_policy(current, "GCP-AI-003")[0].status == "ATTESTED"
    kept = [f for f in current.findings if f.status in ("PASS", "ATTESTED")]
    clean = current.model_copy(update={"findings": kept, "summary": summarize(kept)})
    assert clean.count("ATTESTED") and clean.count("PASS") + clean.count("ATTESTED") == len(kept)
    assert exit_code(clean, "info") == 0  # ATTESTED counts like PASS for the exit code
    overdue = run(
        load_attestations(
            folder(
                [
                    entry(
                        "A",
                        "promise:breach-notification",
                        "d.md",
                        signed_on=date(2024, 1, 1),
                        review_by=date(2025, 1, 1),
                    )
                ],
                docs,
            )
        )
    )
    assert by_policy(overdue, "BAA-BREACH-NOTIFICATION")[0].severity == "high"
    assert exit_code(overdue, "high") == 1


@pytest.mark.parametrize(
    ("extra", "state", "status", "words"),
    [
        ({"sha256": "0" * 64}, "changed", "ERROR", "changed since its digest was recorded"),
        ({"signed_on": TODAY + timedelta(days=3)}, "future", "ERROR", "after this run"),
        ({"document": "https://example.com/x.pdf"}, "missing", "ERROR", "needs its SHA-256"),
        (
            {"document": "https://example.com/x.pdf", "sha256": "ab" * 32},
            "current",
            "ATTESTED",
            "sha256 " + "ab" * 32,
        ),
    ],
)
def test_documents_that_cannot_be_matched(folder, extra, state, status, words) -> None:
    document = extra.pop("document", "d.md")
    path = folder([entry("A", "promise:risk-analysis", document, **extra)], {"d.md": "x"})
    finding = by_policy(run(load_attestations(path)), "BAA-RISK-ANALYSIS")[0]
    assert (finding.attestation.state, finding.status) == (state, status)
    assert words in finding.message


def test_scope_accounts_projects_and_vendors(folder) -> None:
    docs = {"d.md": "x"}
    path = folder(
        [
            entry("ORG", "policy:GCP-AI-003", "d.md", scope={"projects": ["organizations/9*"]}),
            entry("CF", "promise:subcontractors", "d.md", scope={"vendors": ["Cloud*"]}),
            entry("NOPHI", "promise:subcontractors", "d.md", scope={"vendors": ["stripe"]}),
            entry("SCOPED", "promise:risk-analysis", "d.md", scope={"accounts": ["1*"]}),
        ],
        docs,
    )
    result = run(load_attestations(path))
    assert by_policy(result, "GCP-AI-003")[0].status == "MANUAL"  # organizations/123 not in 9*
    vendors = {f.resource.id: f.status for f in by_policy(result, "BAA-SUBCONTRACTORS")}
    assert vendors == {
        "cloudflare": "ATTESTED",  # vendor globs ignore case
        "stripe": "ATTESTED",
        "gcp": "MANUAL",
        "resend": "MANUAL",
    }
    # a promise-level item has no place: a scoped attestation does not cover it
    assert by_policy(result, "BAA-RISK-ANALYSIS")[0].status == "MANUAL"


def test_a_current_attestation_wins_over_an_overdue_one(folder) -> None:
    docs = {"old.md": "2025", "new.md": "2026"}
    path = folder(
        [
            entry(
                "OLD",
                "promise:breach-notification",
                "old.md",
                signed_on=date(2025, 1, 1),
                review_by=date(2026, 1, 1),
            ),
            entry("NEW", "promise:breach-notification", "new.md"),
            entry("GONE", "promise:risk-analysis", "gone.md"),
            entry(
                "LATE",
                "promise:risk-analysis",
                "old.md",
                signed_on=date(2025, 1, 1),
                review_by=date(2026, 1, 1),
            ),
        ],
        docs,
    )
    result = run(load_attestations(path))
    breach = by_policy(result, "BAA-BREACH-NOTIFICATION")[0]
    assert (breach.status, breach.attestation.id) == ("ATTESTED", "NEW")
    risk = by_policy(result, "BAA-RISK-ANALYSIS")[0]
    assert (risk.status, risk.attestation.id) == ("FAIL", "LATE")  # never a FAIL behind an ERROR


def test_only_manual_findings_are_answered(folder) -> None:
    path = folder([entry("A", "policy:AWS-ELB-001", "d.md")], {"d.md": "x"})
    attestations = load_attestations(path)
    ref = ResourceRef(provider="aws", account="1", type="aws.elbv2.listener", id="l")
    findings = [
        Finding(
            policy_id="AWS-ELB-001",
            status=status,
            severity="high",
            safeguard="transmission-security",
            citations=[],
            resource=ref,
            message="m",
        )
        for status in ("PASS", "FAIL", "ERROR", "WAIVED", "NOT_APPLICABLE", "MANUAL")
    ]
    judged = apply_attestations(findings, attestations, NOW)
    assert [f.status for f in judged] == [
        "PASS",
        "FAIL",
        "ERROR",
        "WAIVED",
        "NOT_APPLICABLE",
        "ATTESTED",
    ]


def test_a_promise_attestation_answers_that_promise_s_policy_findings(folder) -> None:
    path = folder([entry("A", "promise:ai-processing", "d.md")], {"d.md": "x"})
    result = run(load_attestations(path))
    assert by_policy(result, "GCP-AI-003")[0].status == "ATTESTED"
    assert by_policy(result, "BAA-BREACH-NOTIFICATION")[0].status == "MANUAL"


def test_shards_list_contractual_items_once_and_merge_like_one_run(folder) -> None:
    path = folder([entry("A", "promise:breach-notification", "d.md")], {"d.md": "x"})
    attestations = load_attestations(path)
    listed = [
        len(contract_items(STRICT.profile, CATALOG, Scope(shard=f"{k}/3"))[0]) for k in (1, 2, 3)
    ]
    assert sorted(listed) == [0, 0, 8]  # one shard owns the key "organisation"

    def shard(label: str):
        inventory = gcp_inventory()
        inventory.header.scope = inventory.header.scope.model_copy(update={"shard": label})
        return evaluate(
            inventory,
            POLICIES,
            STRICT,
            now=NOW,
            attestations=attestations,
            inputs={"attestations": attestations.sha256},
        )

    merged = merge([shard("1/2"), shard("2/2")])
    assert len(by_policy(merged, "BAA-BREACH-NOTIFICATION")) == 1
    assert by_policy(merged, "BAA-BREACH-NOTIFICATION")[0].status == "ATTESTED"
    assert merged.attestations and merged.summary["ATTESTED"] >= 1


def test_merge_refuses_shards_with_different_attestations(folder) -> None:
    one = run(empty_set()).model_copy(update={"inputs": {"attestations": "a" * 64}})
    two = one.model_copy(update={"inputs": {"attestations": "b" * 64}})
    from auditor.core.errors import InputError

    with pytest.raises(InputError, match="different attestations"):
        merge([one, two])


def test_result_round_trips_through_json(folder, tmp_path: Path) -> None:
    path = folder([entry("A", "promise:breach-notification", "d.md")], {"d.md": "x"})
    result = run(load_attestations(path))
    from auditor.core.result import RESULT_SCHEMA_VERSION, RunResult

    again = RunResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert RESULT_SCHEMA_VERSION == "1.1" and result.schema_version == "1.1"
