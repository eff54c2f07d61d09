from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Coverage, Gap, ListingGap
from auditor.core.scope import Scope
from auditor.evidence.render import RENDERERS
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import evaluate
from auditor.judge.profile import load_profile
from auditor.judge.waivers import Waiver

from .fakes import TLS_POLICY, listener, load_test_policies, write_policy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def policies(tmp_path: Path):
    write_policy(tmp_path, TLS_POLICY)
    return load_test_policies(tmp_path)


@pytest.fixture
def strict():
    return load_profile("strict", load_catalog())


def inv(*resources, gaps=(), coverage=()) -> Inventory:
    return Inventory(
        header=SnapshotHeader(
            collected_at=NOW, scope=Scope(providers=["aws"], aws_accounts=["111111111111"])
        ),
        resources=resources,
        listing_gaps=gaps,
        coverage=coverage,
    )


def statuses(result) -> dict[str, str]:
    return {f"{f.resource.id}@{f.resource.region}": f.status for f in result.findings}


def test_pass_and_fail_against_profile_parameters(policies, strict) -> None:
    result = evaluate(
        inv(listener(), listener(id="old", tls={"protocols": ["TLSv1.2", "TLSv1.3"]})),
        policies,
        strict,
        now=NOW,
    )
    assert statuses(result) == {"arn:listener/1@us-east-1": "PASS", "old@us-east-1": "FAIL"}
    fail = next(f for f in result.findings if f.status == "FAIL")
    assert (
        fail.message
        == "Listener old on lb-1 allows [TLSv1.2, TLSv1.3]; the BAA promises [TLSv1.3]."
    )
    assert fail.evidence == {"protocol": "HTTPS", "tls.protocols": ["TLSv1.2", "TLSv1.3"]}
    assert fail.promises == ["encryption-in-transit"]
    baseline = load_profile("hipaa-baseline", load_catalog())
    again = evaluate(
        inv(listener(id="old", tls={"protocols": ["TLSv1.2", "TLSv1.3"]})),
        policies,
        baseline,
        now=NOW,
    )
    assert statuses(again) == {"old@us-east-1": "PASS"}


@pytest.mark.parametrize(
    "resource",
    [
        listener(
            tls=None,
            gaps=[
                Gap(
                    operation="elbv2:DescribeSSLPolicies",
                    error_code="AccessDenied",
                    fields=("tls",),
                )
            ],
        ),
        listener(gaps=[Gap(operation="elbv2:DescribeListeners", error_code="Throttling")]),
        listener(
            protocol=None,
            gaps=[Gap(operation="elbv2:DescribeListeners", error_code="500", fields=("protocol",))],
        ),
    ],
)
def test_a_gap_never_yields_pass(policies, strict, resource) -> None:
    result = evaluate(inv(resource), policies, strict, now=NOW)
    assert [f.status for f in result.findings] == ["ERROR"]
    finding = result.findings[0]
    assert finding.gap is not None
    assert finding.gap.operation in finding.message


def test_absent_value_is_not_a_pass(policies, strict) -> None:
    result = evaluate(inv(listener(tls={"protocols": None})), policies, strict, now=NOW)
    assert [f.status for f in result.findings] == ["FAIL"]


def test_failed_listing_yields_error_for_that_place(policies, strict) -> None:
    gap = ListingGap(
        provider="aws",
        account="111111111111",
        region="eu-west-1",
        resource_type="aws.test.listener",
        operation="elbv2:DescribeLoadBalancers",
        error_code="AccessDenied",
    )
    result = evaluate(inv(listener(), gaps=[gap]), policies, strict, now=NOW)
    assert statuses(result) == {"arn:listener/1@us-east-1": "PASS", "*@eu-west-1": "ERROR"}


def test_zero_resources_yield_one_not_applicable_naming_what_was_looked_at(
    policies, strict
) -> None:
    cov = Coverage(
        provider="aws",
        account="111111111111",
        region="us-east-1",
        resource_type="aws.test.listener",
        count=0,
    )
    result = evaluate(inv(coverage=[cov]), policies, strict, now=NOW)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.status == "NOT_APPLICABLE"
    assert finding.message == "0 aws.test.listener in 111111111111/us-east-1."


def test_resources_outside_where_yield_not_applicable(policies, strict) -> None:
    result = evaluate(inv(listener(protocol="TCP")), policies, strict, now=NOW)
    assert [f.status for f in result.findings] == ["NOT_APPLICABLE"]
    assert "0 of 1 aws.test.listener" in result.findings[0].message


def test_nothing_collected_for_provider_in_scope_is_error(policies, strict) -> None:
    result = evaluate(inv(), policies, strict, now=NOW)
    assert [f.status for f in result.findings] == ["ERROR"]
    assert "no listing of aws.test.listener" in result.findings[0].message


def test_policies_of_providers_out_of_scope_do_not_run(policies, strict) -> None:
    inventory = Inventory(header=SnapshotHeader(collected_at=NOW, scope=Scope(providers=["gcp"])))
    assert evaluate(inventory, policies, strict, now=NOW).findings == []


def _waiver(expires: str) -> Waiver:
    return Waiver.model_validate(
        {
            "id": "W-1",
            "policy": "TEST-ELB-*",
            "resource": "old*",
            "reason": "legacy clients until migration",
            "approver": "ciso@example.com",
            "expires": expires,
        }
    )


def test_active_waiver_waives_and_stays_visible(policies, strict) -> None:
    resource = listener(id="old-1", tls={"protocols": ["TLSv1.2"]})
    result = evaluate(inv(resource), policies, strict, [_waiver("2026-12-01")], now=NOW)
    finding = result.findings[0]
    assert finding.status == "WAIVED"
    assert finding.waiver is not None and finding.waiver.approver == "ciso@example.com"
    assert [w.id for w in result.waivers_expiring] == ["W-1"]
    assert result.promises[1].verdict == "WAIVED"


def test_expired_waiver_yields_fail_and_a_warning(policies, strict) -> None:
    resource = listener(id="old-1", tls={"protocols": ["TLSv1.2"]})
    result = evaluate(inv(resource), policies, strict, [_waiver("2026-11-01")], now=NOW)
    finding = result.findings[0]
    assert finding.status == "FAIL"
    assert finding.waiver is not None and finding.waiver.expired
    assert any("W-1 expired on 2026-11-01" in w for w in result.warnings)


def test_waiver_for_other_resources_does_not_apply(policies, strict) -> None:
    resource = listener(id="new-1", tls={"protocols": ["TLSv1.2"]})
    result = evaluate(inv(resource), policies, strict, [_waiver("2026-12-01")], now=NOW)
    assert result.findings[0].status == "FAIL"


def test_rollups_per_promise_and_safeguard(policies, strict) -> None:
    result = evaluate(
        inv(listener(), listener(id="x", tls={"protocols": ["TLSv1.1"]})), policies, strict, now=NOW
    )
    verdicts = {p.id: p.verdict for p in result.promises}
    assert verdicts["encryption-in-transit"] == "FAIL"
    # a promise no policy checks is never passed: MANUAL, evidence to attach (and never an
    # ERROR without a finding that says what was not assessed)
    assert verdicts["session-management"] == "MANUAL"
    session = next(p for p in result.promises if p.id == "session-management")
    assert session.note and "No policy checks this promise" in session.note
    assert [p.id for p in result.promises] == [p.id for p in strict.profile.promises]
    transit = next(s for s in result.safeguards if s.key == "transmission-security")
    assert transit.counts["PASS"] == 1 and transit.counts["FAIL"] == 1 and transit.promised


def test_evaluation_is_deterministic(policies, strict) -> None:
    resources = [
        listener(id=f"l{i}", region=r, tls={"protocols": p})
        for i, (r, p) in enumerate(
            [("us-west-2", ["TLSv1.3"]), ("us-east-1", ["TLSv1.2"]), ("eu-west-1", ["TLSv1.3"])]
        )
    ]
    first = evaluate(inv(*resources), policies, strict, now=NOW)
    second = evaluate(inv(*reversed(resources)), policies, strict, now=NOW)
    one = json.loads(RENDERERS["json"].render(first))
    two = json.loads(RENDERERS["json"].render(second))
    assert one == two
    later = evaluate(inv(*resources), policies, strict, now=datetime(2026, 11, 24, tzinfo=UTC))
    three = json.loads(RENDERERS["json"].render(later))
    for key in ("started_at", "finished_at"):
        three.pop(key)
        one.pop(key)
    assert one == three


def test_on_pass_manual_and_manual_only(tmp_path: Path, strict) -> None:
    write_policy(
        tmp_path,
        TLS_POLICY.replace(
            "remediation:",
            "on_pass: MANUAL\nmanual_evidence: Backend TLS configuration of the targets.\nremediation:",
        ),
    )
    policies = load_test_policies(tmp_path)
    result = evaluate(
        inv(listener(), listener(id="bad", tls={"protocols": ["TLSv1"]})), policies, strict, now=NOW
    )
    by_id = {f.resource.id: f for f in result.findings}
    assert by_id["arn:listener/1"].status == "MANUAL"
    assert by_id["arn:listener/1"].manual_evidence == "Backend TLS configuration of the targets."
    assert by_id["bad"].status == "FAIL"


def test_predicate_policy(tmp_path: Path, strict) -> None:
    text = TLS_POLICY.replace(
        "assert:\n  all:\n    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n",
        "predicate: fake_port_check\n",
    )
    write_policy(tmp_path, text)
    policies = load_test_policies(tmp_path)
    result = evaluate(
        inv(
            listener(port=443),
            listener(id="p80", port=80),
            listener(
                id="gap", gaps=[Gap(operation="x:Y", error_code="AccessDenied", fields=("port",))]
            ),
        ),
        policies,
        strict,
        now=NOW,
    )
    assert statuses(result) == {
        "arn:listener/1@us-east-1": "PASS",
        "p80@us-east-1": "FAIL",
        "gap@us-east-1": "ERROR",
    }
    assert next(f for f in result.findings if f.resource.id == "p80").evidence["port"] == 80


def test_quantifiers_each_and_some(tmp_path: Path, strict) -> None:
    text = TLS_POLICY.replace(
        "    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n",
        "    - {path: rules, empty: false}\n    - {path: rules, each: {path: algorithm, in: [AES256, 'aws:kms']}}\n",
    )
    write_policy(tmp_path, text)
    policies = load_test_policies(tmp_path)
    result = evaluate(
        inv(
            listener(rules=[{"algorithm": "AES256"}]),
            listener(id="n", rules=[{"algorithm": "AES256"}, {"algorithm": None}]),
            listener(id="e", rules=[]),
        ),
        policies,
        strict,
        now=NOW,
    )
    assert statuses(result) == {
        "arn:listener/1@us-east-1": "PASS",
        "n@us-east-1": "FAIL",
        "e@us-east-1": "FAIL",
    }


def test_a_violation_beside_a_gap_is_fail_listing_the_gap(tmp_path: Path, strict) -> None:
    """FAIL as soon as the facts read break the promise; the unread input is still named."""
    text = TLS_POLICY.replace(
        "    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n",
        "    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n"
        "    - {path: port, equals: 443}\n",
    )
    write_policy(tmp_path, text)
    policies = load_test_policies(tmp_path)
    denied = Gap(operation="elbv2:DescribeSSLPolicies", error_code="AccessDenied", fields=("tls",))
    result = evaluate(
        inv(
            listener(id="bad-port", port=80, tls=None, gaps=[denied]),
            listener(id="good-port", port=443, tls=None, gaps=[denied]),
        ),
        policies,
        strict,
        now=NOW,
    )
    by_id = {f.resource.id: f for f in result.findings}
    fail, error = by_id["bad-port"], by_id["good-port"]
    assert fail.status == "FAIL"
    assert fail.gaps == [denied] and fail.gap == denied
    assert fail.evidence["tls.protocols"] == "<not read>" and fail.evidence["port"] == 80
    assert "Also not read: tls.protocols (elbv2:DescribeSSLPolicies returned AccessDenied)" in (
        fail.message
    )
    assert error.status == "ERROR" and error.gaps == [denied]
    assert error.message == (
        "Not assessed: could not read tls.protocols "
        "(elbv2:DescribeSSLPolicies returned AccessDenied)."
    )


def test_an_error_names_every_gap_and_the_fields_it_covers(tmp_path: Path, strict) -> None:
    text = TLS_POLICY.replace(
        "    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n",
        "    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n"
        "    - {path: port, equals: 443}\n",
    )
    write_policy(tmp_path, text)
    policies = load_test_policies(tmp_path)
    gaps = [
        Gap(operation="elbv2:DescribeSSLPolicies", error_code="AccessDenied", fields=("tls",)),
        Gap(operation="elbv2:DescribeListeners", error_code="Throttling", fields=("port",)),
    ]
    result = evaluate(inv(listener(tls=None, gaps=gaps)), policies, strict, now=NOW)
    (finding,) = result.findings
    assert finding.status == "ERROR" and finding.gaps == gaps
    assert "tls.protocols (elbv2:DescribeSSLPolicies returned AccessDenied)" in finding.message
    assert "port (elbv2:DescribeListeners returned Throttling)" in finding.message


def test_unknown_applicability_is_error_never_silence(policies, strict) -> None:
    gap = Gap(operation="elbv2:DescribeListeners", error_code="500", fields=("protocol",))
    result = evaluate(inv(listener(protocol=None, gaps=[gap])), policies, strict, now=NOW)
    (finding,) = result.findings
    assert finding.status == "ERROR"
    assert finding.message.startswith("Not assessed (whether the policy applies is unknown)")


def test_manual_when_refines_a_pass_and_never_hides_a_fail(tmp_path: Path, strict) -> None:
    text = TLS_POLICY.replace(
        "message:\n",
        "manual_when: {path: load_balancer, equals: internal}\n"
        "manual_evidence: A TLS scan of the backend.\n"
        'message:\n  manual: "Listener {id}: the backend hop must be shown."\n',
    )
    write_policy(tmp_path, text)
    policies = load_test_policies(tmp_path)
    result = evaluate(
        inv(
            listener(id="m", load_balancer="internal"),
            listener(id="f", load_balancer="internal", tls={"protocols": ["TLSv1"]}),
            listener(id="p"),
            listener(
                id="u",
                load_balancer=None,
                gaps=[Gap(operation="x:Y", error_code="AccessDenied", fields=("load_balancer",))],
            ),
        ),
        policies,
        strict,
        now=NOW,
    )
    got = {f.resource.id: f.status for f in result.findings}
    assert got == {"m": "MANUAL", "f": "FAIL", "p": "PASS", "u": "ERROR"}
    manual = next(f for f in result.findings if f.resource.id == "m")
    assert manual.manual_evidence == "A TLS scan of the backend."


# -- roll-up semantics (docs/architecture.md "Roll-up") ------------------------------------------


def test_none_here_needs_every_resource_placed(policies, strict) -> None:
    """A listing that succeeded but could not place a resource (its region unread) cannot say
    "0 here": the place is ERROR, naming the resources and the call."""
    unplaced = listener(
        id="lost",
        region=None,
        gaps=[Gap(operation="s3:GetBucketLocation", error_code="AccessDenied", fields=("region",))],
    )
    coverage = [
        Coverage(
            provider="aws",
            account="111111111111",
            region="us-east-1",
            resource_type="aws.test.listener",
            count=0,
        ),
    ]
    result = evaluate(inv(unplaced, coverage=coverage), policies, strict, now=NOW)
    assert {f.resource.id: f.status for f in result.findings if f.resource.id != "*"} == {
        "lost": "PASS"  # judged on what was read about it
    }
    place = next(f for f in result.findings if f.resource.id == "*")
    assert place.status == "ERROR" and place.resource.region == "us-east-1"
    assert "could not be placed" in place.message and "s3:GetBucketLocation" in place.message
    assert not [f for f in result.findings if f.status == "NOT_APPLICABLE"]
    placed = evaluate(inv(coverage=coverage), policies, strict, now=NOW)
    assert [f.status for f in placed.findings] == ["NOT_APPLICABLE"]


def test_policies_not_run_are_listed_with_the_reason(tmp_path: Path, strict) -> None:
    write_policy(tmp_path, TLS_POLICY)
    write_policy(
        tmp_path,
        TLS_POLICY.replace("TEST-ELB-001", "TEST-ELB-002").replace(
            "safeguard: transmission-security", "safeguard: phi-free-logs"
        ),
        name="TEST-ELB-002",
    )
    write_policy(
        tmp_path,
        TLS_POLICY.replace("TEST-ELB-001", "TEST-ELB-003").replace(
            "resource: aws.test.listener",
            "resource: aws.test.listener\nenabled_by: customer_managed_keys",
        ),
        name="TEST-ELB-003",
    )
    baseline = load_profile("hipaa-baseline", load_catalog())
    result = evaluate(inv(listener()), load_test_policies(tmp_path), baseline, now=NOW)
    reasons = {n.policy_id: n.reason for n in result.policies_not_run}
    assert set(reasons) == {"TEST-ELB-002", "TEST-ELB-003"}
    assert "not promised by profile 'hipaa-baseline'" in reasons["TEST-ELB-002"]
    assert "custom policy" in reasons["TEST-ELB-002"]
    assert "customer_managed_keys" in reasons["TEST-ELB-003"]
    text = RENDERERS["markdown"].render(result).decode()
    assert "## Policies not run (2)" in text and "TEST-ELB-002" in text
    assert b"Policies not run (2)" in RENDERERS["html"].render(result)
    assert json.loads(RENDERERS["json"].render(result))["policies_not_run"][0]["policy_id"] == (
        "TEST-ELB-002"
    )


def test_a_promise_with_nothing_to_judge_is_not_applicable_only_when_nothing_exists(
    tmp_path: Path, strict
) -> None:
    """Not run because the provider is not in scope: nothing of its types exists here, N/A.
    Not run although resources exist (a parameter the promise needs is unset, or a kind of scan
    that cannot judge it): ERROR findings with the reason, never an ERROR with zero findings."""
    write_policy(
        tmp_path,
        TLS_POLICY.replace(
            "aws.test.listener", "aws.test.listener\nrequires_params: [session_idle_max_seconds]"
        ),
    )
    policies = load_test_policies(tmp_path)
    baseline = load_profile("hipaa-baseline", load_catalog())  # sets no session limits
    # the policy's safeguard is promised by the baseline, but the parameter it needs is unset
    result = evaluate(inv(listener()), policies, baseline, now=NOW)
    transit = next(p for p in result.promises if p.id == "encryption-in-transit")
    assert transit.verdict == "ERROR" and transit.counts["ERROR"] == 1
    (gap,) = result.findings
    assert "1 aws.test.listener exist in 111111111111 but were not judged" in gap.message
    assert "sets no session_idle_max_seconds" in gap.message
    # nothing of the type exists: the promise is NOT_APPLICABLE with the reason in its note
    empty = evaluate(inv(), policies, baseline, now=NOW)
    transit = next(p for p in empty.promises if p.id == "encryption-in-transit")
    assert transit.verdict == "NOT_APPLICABLE" and not empty.findings
    assert transit.note and "TEST-ELB-001" in transit.note
    # a policy left out by the caller (a kind of scan that cannot judge it) is a coverage gap
    plain = load_test_policies(tmp_path)
    (policy,) = plain.policies
    from auditor.judge.policy.loader import PolicySet

    nothing = PolicySet((), plain.catalog, plain.sha256, plain.files)
    left = evaluate(
        inv(listener()), nothing, strict, now=NOW, not_run=[(policy, "left to the live scan: x")]
    )
    assert [f.status for f in left.findings] == ["ERROR"]
    assert left.policies_not_run[0].reason == "left to the live scan: x"
