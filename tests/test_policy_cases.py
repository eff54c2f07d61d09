"""The one generic test: every shipped policy's cases (PASS, FAIL, ERROR, NOT_APPLICABLE, and
the two partial-evidence cases: a violation beside a gap is FAIL, a satisfied fact beside a gap
is ERROR) run through the real engine, and the catalog, profiles and policies agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.core.model.registry import resource_types
from auditor.core.yamlio import plain, read_yaml
from auditor.judge.catalog import load_catalog
from auditor.judge.policy.cases import cases_file, required_statuses, run_policy_cases
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile, shipped_profiles

POLICIES = load_default_policies()
TYPES = resource_types()
CATALOG = POLICIES.catalog


@pytest.mark.parametrize("policy", POLICIES.policies, ids=lambda p: p.id)
def test_policy_cases(policy) -> None:
    outcomes = run_policy_cases(policy, POLICIES.files[policy.id], POLICIES, TYPES, CATALOG)
    failures = [f"{o.name}: {o.problem}" for o in outcomes if not o.ok]
    assert not failures, "\n".join(failures)
    node = plain(read_yaml(cases_file(POLICIES.files[policy.id])))
    assert len(outcomes) + len(node.get("not_possible") or {}) >= len(required_statuses(policy))
    partial = [c for c in node["cases"] if c.get("partial")]
    reasons = node.get("partial_evidence") or {}
    assert len(partial) + len(reasons) >= 2, "a partial-evidence case or reason is missing"


def test_partial_evidence_cases_are_required() -> None:
    """The requirement can fail: a cases file without them is a problem, a reason answers it."""
    from auditor.judge.policy.cases import partial_coverage

    policy = POLICIES.policies[0]
    assert len(partial_coverage(policy, {"cases": []}, [])) == 2
    said = {
        "partial_evidence": {"fail": "it reads a single fact, so no violation stands beside a gap"}
    }
    (left,) = partial_coverage(policy, {"cases": [], **said}, [])
    assert "expecting ERROR" in left.problem
    assert partial_coverage(policy, {"cases": [], "partial_evidence": {"fail": "short"}}, [])
    case = {"partial": True, "expect": "ERROR", "resource": {"gaps": [{}]}}
    assert len(partial_coverage(policy, {"cases": [case], **said}, [])) == 0


def test_there_are_policies_for_every_provider() -> None:
    providers = {p.provider for p in POLICIES.policies}
    assert providers == {"aws", "gcp", "postgres"}


@pytest.mark.parametrize("name", sorted(shipped_profiles()))
def test_every_promised_safeguard_has_a_policy(name: str) -> None:
    profile = load_profile(name, CATALOG).profile
    covered = {p.doc.safeguard for p in POLICIES.policies}
    # a contractual promise (manual_evidence) is answered by an attestation, not by a policy
    covered |= {s for p in profile.promises if p.manual_evidence for s in p.safeguards}
    missing = profile.promised_safeguards() - covered
    assert not missing, f"profile {name} promises {sorted(missing)} but no policy checks them"


def test_every_catalog_key_resolves() -> None:
    catalog = load_catalog()
    for safeguard in catalog.safeguards.values():
        assert safeguard.group in catalog.groups
        for cite in safeguard.citations:
            assert cite in catalog.citations
    for policy in POLICIES.policies:
        assert policy.doc.safeguard in catalog.safeguards
        for cite in policy.doc.citations:
            assert cite in catalog.citations, f"{policy.id} cites unknown {cite}"


def test_citation_keys_match_their_cfr_text() -> None:
    """Catch a mislabelled requirement: the key spells the same paragraph as the cfr text."""
    for key, citation in load_catalog().citations.items():
        spelled = key.removeprefix("hipaa.").replace(".", "")
        cfr = citation.cfr.replace("(", "").replace(")", "").replace(".", "").lower()
        assert spelled == cfr, f"{key} is labelled {citation.cfr}"


def test_policy_ids_are_unique_and_stable_format() -> None:
    ids = [p.id for p in POLICIES.policies]
    assert len(ids) == len(set(ids))


def test_cases_files_sit_beside_every_policy() -> None:
    for policy in POLICIES.policies:
        file: Path = POLICIES.files[policy.id]
        assert file.with_name(f"{policy.id}.cases.yaml").is_file(), f"{policy.id} has no cases file"
