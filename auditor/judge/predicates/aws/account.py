"""Account predicate: the contractual side of "no PHI is used for model training"."""

from __future__ import annotations

from auditor.core.model.aws.artifact import ArtifactCustomerAgreement
from auditor.core.model.aws.organizations import OrganizationsEffectivePolicy
from auditor.core.model.base import Resource
from auditor.judge.predicates.base import (
    GapError,
    Predicate,
    PredicateContext,
    Verdict,
    legacy_related,
)

BAA_NAME = "business associate"


def _ai_contract(resource: Resource, ctx: PredicateContext) -> Verdict:
    """PASS: an AWS Business Associate Addendum is ACTIVE in Artifact for the account (AWS may use
    PHI only as the BAA permits) and the effective AI opt-out policy opts every service out.
    FAIL: some AI service may use the account's content (no opt-out, or a service opted in).
    MANUAL: the opt-out holds but no BAA was accepted through Artifact (a BAA signed outside
    Artifact must be attached)."""
    agreements = [
        a
        for a in legacy_related(ctx, "aws.artifact.customer_agreement", account=resource.account)
        if isinstance(a, ArtifactCustomerAgreement)
    ]
    policies = [
        p
        for p in legacy_related(ctx, "aws.organizations.effective_policy", account=resource.account)
        if isinstance(p, OrganizationsEffectivePolicy)
        and p.policy_type == "AISERVICES_OPT_OUT_POLICY"
    ]
    for policy in policies:
        gap = policy.gap_for("opt_out_settings")
        if gap is not None:
            raise GapError(gap, "the effective AI opt-out policy")
    baa = [a.name for a in agreements if a.state == "ACTIVE" and BAA_NAME in (a.name or "").lower()]
    opted_out = any(
        p.opt_out_settings.get("default") == "optOut" and not p.opted_in_services for p in policies
    )
    evidence = {"active_baa": baa, "ai_opt_out_in_force": opted_out}
    if not opted_out:
        return Verdict.fail(
            f"Account {resource.account}: no AI services opt-out policy opts every service out, so "
            "AWS AI services may use its content to improve their models.",
            evidence,
        )
    if not baa:
        return Verdict.manual(
            f"Account {resource.account}: AI opt-out in force, but no Business Associate Addendum "
            "is active in AWS Artifact; attach the BAA signed outside Artifact.",
            evidence,
        )
    return Verdict.passed(
        f"Account {resource.account}: {baa[0]} is active and every AI service is opted out of "
        "using its content.",
        evidence,
    )


ACCOUNT_PREDICATES: dict[str, Predicate] = {
    "aws_ai_no_training_contract": Predicate(
        name="aws_ai_no_training_contract",
        resource_type="aws.account",
        reads=("id",),
        related=("aws.artifact.customer_agreement", "aws.organizations.effective_policy"),
        fn=_ai_contract,
        description="An active BAA (Artifact) and an AI opt-out in force for the account.",
    ),
}

__all__ = ["ACCOUNT_PREDICATES"]
