"""Effective organization policies (Cloud Asset ORG_POLICY, v1 semantics) for a project.

The nearest node (project, then folders, then the organization) that sets the constraint
decides; ``restoreDefault`` there means the default (unset); a list policy with
``inheritFromParent`` adds its values to the parent's effective values.

Why Python: the effective policy is a walk up the hierarchy with inheritance rules (stop at a
node that does not inherit or restores the default, merge list values otherwise); a condition
reads one resource and what it joins by reference, not a chain with merge semantics.

Three-valued: the walk stops at the first level it cannot read (a missing ancestor, or org
policies that were not listed); what was read below it still decides when it can (a policy that
does not inherit, values that only grow as the walk goes up), and is unknown otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.core.model.base import Resource
from auditor.core.model.gcp.orgpolicy import OrgPolicy
from auditor.judge.policy.related import hierarchy_accounts
from auditor.judge.policy.truth import Missing
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry
from auditor.judge.predicates.gcp.hierarchy import HIERARCHY_TYPES, lineage, node_path

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


def _policies(constraint: str, ctx: PredicateContext) -> dict[str, OrgPolicy]:
    """The constraint's policies by the node they are attached to (indexed once per run)."""
    key = ("gcp.orgpolicy.by-node", constraint)
    found = ctx.memo.get(key)
    if not isinstance(found, dict):
        found = {}
        for candidate in ctx.index.all_of_type(POLICY_TYPE):
            if isinstance(candidate, OrgPolicy) and candidate.constraint == constraint:
                found[candidate.attached_to] = candidate
        ctx.memo[key] = found
    return found


def effective_policy(
    resource: Resource, constraint: str, ctx: PredicateContext
) -> tuple[Effective, tuple[Missing, ...]]:
    """The effective policy as far as it could be read, and what stopped the walk (empty when
    the walk was complete: it reached the top, or a node that ends inheritance)."""
    chain = lineage(resource, ctx)
    policies = _policies(constraint, ctx)
    # a failed listing of org policies here or above leaves every level unknown
    listing = ctx.index.listing_gaps(
        POLICY_TYPE, resource.account, None, also=hierarchy_accounts(resource)
    )
    result = Effective(constraint)
    for step in chain.steps:
        if isinstance(step, Missing):
            return result, (step,)
        if listing:
            return result, listing
        unread = ctx.unread(step, ("path",))  # the node itself was not read (a whole gap)
        if unread:
            return result, unread
        path = node_path(step) or ""
        policy = policies.get(path)
        if policy is None:
            continue
        if policy.restore_default:
            result.restored_at = path
            return result, ()
        result.set_at.append(path)
        if policy.enforced is not None and result.enforced is None:
            result.enforced = policy.enforced
        result.allowed |= set(policy.allowed_values)
        result.denied |= set(policy.denied_values)
        if result.all_values is None:
            result.all_values = policy.all_values
        if not policy.inherit_from_parent:
            return result, ()
    return result, ()


@predicate(
    "gcp.resourcemanager.project",
    reads=("ancestors",),
    related=(*HIERARCHY_TYPES, POLICY_TYPE),
)
def gcp_restrict_non_cmek_services(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Effective constraints/gcp.restrictNonCmekServices covers the PHI stores"""
    eff, unread = effective_policy(resource, CMEK_CONSTRAINT, ctx)
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
    if unread:
        return Verdict.unknown(unread, evidence=evidence)
    where = ", ".join(eff.set_at) or (
        f"default restored at {eff.restored_at}" if eff.restored_at else "no level"
    )
    return Verdict.fail(
        f"restrictNonCmekServices does not require CMEK for {', '.join(missing)} "
        f"(effective policy from {where}).",
        evidence,
    )


@predicate(
    "gcp.resourcemanager.project",
    reads=("ancestors", "project_id"),
    related=(*HIERARCHY_TYPES, POLICY_TYPE, "gcp.serviceusage.service"),
)
def gcp_vertex_model_allow_list(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Projects with Vertex AI enabled have an effective model allow-list"""
    account = getattr(resource, "project_id", None) or resource.account
    found = ctx.related("gcp.serviceusage.service", account=account, near=resource)
    services = [
        s
        for s in found.resources
        if getattr(s, "service", None) == "aiplatform.googleapis.com"
        and getattr(s, "state", None) == "ENABLED"
    ]
    if not services:
        if found.missing:
            return Verdict.unknown(found.missing)
        return Verdict.not_applicable(
            "Vertex AI (aiplatform.googleapis.com) is not enabled in this project."
        )
    eff, unread = effective_policy(resource, MODELS_CONSTRAINT, ctx)
    evidence = {
        "set_at": eff.set_at,
        "allowed_values": sorted(eff.allowed),
        "all_values": eff.all_values,
    }
    restricted = (
        eff.is_set and eff.all_values != "ALLOW" and (bool(eff.allowed) or eff.all_values == "DENY")
    )
    if restricted:
        return Verdict.passed(
            f"Vertex AI models are limited to {', '.join(sorted(eff.allowed)) or 'none'} "
            f"(set at {', '.join(eff.set_at)}).",
            evidence,
        )
    if eff.all_values != "ALLOW" and unread:
        return Verdict.unknown(unread, evidence=evidence)
    return Verdict.fail(
        "Vertex AI is enabled and no model allow-list (constraints/vertexai.allowedModels) "
        "restricts which models may process PHI.",
        evidence,
    )


ORG_POLICY_PREDICATES = registry(
    gcp_restrict_non_cmek_services,
    gcp_vertex_model_allow_list,
)

__all__ = [
    "CMEK_CONSTRAINT",
    "MODELS_CONSTRAINT",
    "ORG_POLICY_PREDICATES",
    "Effective",
    "effective_policy",
]
