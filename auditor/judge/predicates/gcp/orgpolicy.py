"""Effective organization policies (Cloud Asset ORG_POLICY, v1 semantics) for a project.

The nearest node (project, then folders, then the organization) that sets the constraint
decides; ``restoreDefault`` there means the default (unset); a list policy with
``inheritFromParent`` adds its values to the parent's effective values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.core.model.base import Resource
from auditor.core.model.gcp.orgpolicy import OrgPolicy
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict, legacy_related
from auditor.judge.predicates.gcp.hierarchy import HIERARCHY_TYPES, lineage, node_path, related_near

POLICY_TYPE = "gcp.orgpolicy.policy"
CMEK_CONSTRAINT = "constraints/gcp.restrictNonCmekServices"
MODELS_CONSTRAINT = "constraints/vertexai.allowedModels"
#: Services that hold PHI in the sample of stores the encryption promise names.
CMEK_SERVICES = (
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
    "bigquery.googleapis.com",
    "compute.googleapis.com",
)


@dataclass
class Effective:
    constraint: str
    set_at: list[str] = field(default_factory=list)  # nodes whose policy contributed
    enforced: bool | None = None
    allowed: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    all_values: str | None = None
    restored_at: str | None = None  # the node whose restoreDefault cut inheritance

    @property
    def is_set(self) -> bool:
        return bool(self.set_at)


def effective_policy(resource: Resource, constraint: str, ctx: PredicateContext) -> Effective:
    chain = lineage(resource, ctx)
    policies: dict[str, OrgPolicy] = {}
    for candidate in legacy_related(ctx, POLICY_TYPE):
        if isinstance(candidate, OrgPolicy) and candidate.constraint == constraint:
            policies[candidate.attached_to] = candidate
    result = Effective(constraint)
    for node in chain:
        path = node_path(node) or ""
        policy = policies.get(path)
        if policy is None:
            continue
        if policy.restore_default:
            result.restored_at = path
            break
        result.set_at.append(path)
        if policy.enforced is not None and result.enforced is None:
            result.enforced = policy.enforced
        result.allowed |= set(policy.allowed_values)
        result.denied |= set(policy.denied_values)
        if result.all_values is None:
            result.all_values = policy.all_values
        if not policy.inherit_from_parent:
            break
    return result


def _restrict_non_cmek(resource: Resource, ctx: PredicateContext) -> Verdict:
    eff = effective_policy(resource, CMEK_CONSTRAINT, ctx)
    evidence = {
        "set_at": eff.set_at,
        "restored_default_at": eff.restored_at,
        "denied_values": sorted(eff.denied),
        "all_values": eff.all_values,
    }
    if eff.all_values == "DENY":
        return Verdict.passed(
            "Every service must use CMEK (restrictNonCmekServices denies all).", evidence
        )
    missing = [s for s in CMEK_SERVICES if s not in eff.denied]
    if not missing:
        return Verdict.passed(
            f"restrictNonCmekServices requires CMEK for {', '.join(CMEK_SERVICES)} "
            f"(set at {', '.join(eff.set_at)}).",
            evidence,
        )
    where = ", ".join(eff.set_at) or (
        f"default restored at {eff.restored_at}" if eff.restored_at else "no level"
    )
    return Verdict.fail(
        f"restrictNonCmekServices does not require CMEK for {', '.join(missing)} "
        f"(effective policy from {where}).",
        evidence,
    )


def _model_allow_list(resource: Resource, ctx: PredicateContext) -> Verdict:
    account = getattr(resource, "project_id", resource.account)
    services = [
        s
        for s in related_near(ctx, "gcp.serviceusage.service", resource, account)
        if getattr(s, "service", None) == "aiplatform.googleapis.com"
        and getattr(s, "state", None) == "ENABLED"
    ]
    if not services:
        return Verdict.not_applicable(
            "Vertex AI (aiplatform.googleapis.com) is not enabled in this project."
        )
    eff = effective_policy(resource, MODELS_CONSTRAINT, ctx)
    evidence = {
        "set_at": eff.set_at,
        "allowed_values": sorted(eff.allowed),
        "all_values": eff.all_values,
    }
    if (
        eff.all_values == "ALLOW"
        or not eff.is_set
        or (not eff.allowed and eff.all_values != "DENY")
    ):
        return Verdict.fail(
            "Vertex AI is enabled and no model allow-list (constraints/vertexai.allowedModels) "
            "restricts which models may process PHI.",
            evidence,
        )
    return Verdict.passed(
        f"Vertex AI models are limited to {', '.join(sorted(eff.allowed)) or 'none'} "
        f"(set at {', '.join(eff.set_at)}).",
        evidence,
    )


ORG_POLICY_PREDICATES: dict[str, Predicate] = {
    "gcp_restrict_non_cmek_services": Predicate(
        name="gcp_restrict_non_cmek_services",
        resource_type="gcp.resourcemanager.project",
        reads=("ancestors",),
        related=(*HIERARCHY_TYPES, POLICY_TYPE),
        fn=_restrict_non_cmek,
        description="Effective constraints/gcp.restrictNonCmekServices covers the PHI stores",
    ),
    "gcp_vertex_model_allow_list": Predicate(
        name="gcp_vertex_model_allow_list",
        resource_type="gcp.resourcemanager.project",
        reads=("ancestors", "project_id"),
        related=(*HIERARCHY_TYPES, POLICY_TYPE, "gcp.serviceusage.service"),
        fn=_model_allow_list,
        description="Projects with Vertex AI enabled have an effective model allow-list",
    ),
}

__all__ = [
    "CMEK_CONSTRAINT",
    "MODELS_CONSTRAINT",
    "ORG_POLICY_PREDICATES",
    "Effective",
    "effective_policy",
]
