"""Judging one Terraform resource with our engine, inside checkov's interpreter.

:class:`Judge` is built once per checkov run from the context the host wrote (profile, extra
policy directories, the checks to register). For each Terraform resource it builds the typed
model once (:mod:`auditor.iac.mappers`) and evaluates every selected policy of that model's type
with :func:`auditor.judge.engine.evaluate` over a one-resource inventory, so the verdict is exactly the
one the engine gives a live resource with the same values.

The host re-evaluates all models together (:mod:`auditor.iac.run`); a policy whose predicate
joins across resources therefore sees its related resources there, and a verdict that differs
from the one given here is reported as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Coverage, Resource
from auditor.core.result import Finding
from auditor.core.scope import Scope
from auditor.iac.mappers import IAC_ACCOUNT, Mapper, available_mappers
from auditor.iac.tf import TfIndex, TfResource
from auditor.judge.engine import evaluate, policy_applies
from auditor.judge.policy.loader import PolicySet, load_default_policies
from auditor.judge.policy.model import Policy
from auditor.judge.profile import LoadedProfile, load_profile

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: The check that hands every relevant resource's configuration back to the host unjudged (the
#: host maps and joins them over the whole configuration). Its records are never findings.
INDEX_ID = "BAA-IAC-INDEX-000"


def _why_not(policy: Policy, mappers: Mapping[str, Mapper]) -> str | None:
    """Why a policy cannot be judged on Terraform (None when it can)."""
    from auditor.iac.mappers import IAC_BLIND_TYPES

    own = [m for m in mappers.values() if m.resource_type == policy.resource_type]
    if not own:
        return "no Terraform resource type maps to " + policy.resource_type
    for path in policy.reads:
        if all(any(path == f or path.startswith(f + ".") for f in m.unreadable) for m in own):
            return f"it reads {path}, which Terraform's {', '.join(sorted(m.tf_type for m in own))} does not carry"
    blind = sorted(set(policy.related) & IAC_BLIND_TYPES)
    if blind:
        return f"it joins {', '.join(blind)}, whose absence from a configuration proves nothing"
    return None


def selected_policies(
    policies: PolicySet, profile: LoadedProfile, mappers: Mapping[str, Mapper]
) -> list[Policy]:
    """The policies that run under ``profile`` and can be judged on Terraform."""
    return [p for p in applicable_policies(policies, profile) if _why_not(p, mappers) is None]


def applicable_policies(policies: PolicySet, profile: LoadedProfile) -> list[Policy]:
    params = profile.profile.parameters().resolved()
    promised = profile.profile.promised_safeguards()
    return [p for p in policies.policies if policy_applies(p, params, promised)]


def left_to_live_scan(
    policies: PolicySet, profile: LoadedProfile, mappers: Mapping[str, Mapper]
) -> list[tuple[str, str]]:
    """(policy id, reason) for policies of mapped types that Terraform cannot judge."""
    mapped = {m.resource_type for m in mappers.values()}
    out: list[tuple[str, str]] = []
    for policy in applicable_policies(policies, profile):
        if policy.resource_type not in mapped:
            continue
        reason = _why_not(policy, mappers)
        if reason is not None:
            out.append((policy.id, reason))
    return out


def check_specs(policies: Sequence[Policy], mappers: Mapping[str, Mapper]) -> list[dict[str, Any]]:
    """What the checkov plugin registers: one check per policy, over the types that map to it,
    and the index check over every mapped or joined type."""
    from auditor.iac.mappers import join_types

    index = {
        "id": INDEX_ID,
        "title": "baa-audit: configuration index",
        "tf_types": sorted(set(mappers) | join_types()),
    }
    return [index] + [
        {
            "id": p.id,
            "title": p.doc.title,
            "tf_types": sorted(t for t, m in mappers.items() if m.resource_type == p.resource_type),
        }
        for p in policies
    ]


def inventory_of(models: Sequence[Resource]) -> Inventory:
    providers = sorted({m.provider for m in models})
    counts: dict[tuple[str, str, str | None], int] = {}
    for m in models:
        counts[(m.resource_type, m.account, m.region)] = (
            counts.get((m.resource_type, m.account, m.region), 0) + 1
        )
    coverage = [
        Coverage(provider=t.split(".", 1)[0], account=a, region=r, resource_type=t, count=n)
        for (t, a, r), n in counts.items()
    ]
    header = SnapshotHeader(
        scope=Scope.model_validate({"providers": providers}), source="terraform"
    )
    return Inventory(header=header, resources=list(models), coverage=coverage)


@dataclass
class _Scope:
    """One directory's resources, mapped and judged together (joins see each other)."""

    models: dict[str, Resource]  # address -> model
    verdicts: dict[tuple[str, str], Finding]  # (policy id, model id) -> finding


@dataclass
class Judge:
    policies: PolicySet
    profile: LoadedProfile
    mappers: dict[str, Mapper]
    _scopes: dict[str, _Scope] = field(default_factory=dict)
    _alone: dict[str, tuple[Resource | None, dict[tuple[str, str], Finding]]] = field(
        default_factory=dict
    )

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Judge:
        dirs = [Path(d) for d in context.get("policy_dirs", ())]
        policies = load_default_policies(dirs)
        profile = load_profile(str(context["profile"]), policies.catalog)
        mappers = available_mappers()
        wanted = {c["id"] for c in context.get("checks", ())}
        chosen = tuple(p for p in policies.policies if p.id in wanted)
        subset = PolicySet(chosen, policies.catalog, policies.sha256, policies.files)
        return cls(subset, profile, mappers)

    def _evaluate(self, models: Sequence[Resource]) -> dict[tuple[str, str], Finding]:
        result = evaluate(inventory_of(models), self.policies, self.profile, now=_EPOCH)
        return {(f.policy_id, f.resource.id): f for f in result.findings if f.resource.id != "*"}

    def _map(self, res: TfResource, index: TfIndex) -> Resource | None:
        mapper = self.mappers.get(res.type)
        return mapper.map(res, index) if mapper else None

    def _scope(self, res: TfResource, index: TfIndex) -> _Scope:
        scoped = index.scoped(res)
        key = "|".join(sorted({r.file or "" for r in scoped.resources}))
        if key not in self._scopes:
            models: dict[str, Resource] = {}
            for other in scoped.resources:
                model = self._map(other, scoped)
                if model is not None:
                    models[other.address] = model
            self._scopes[key] = _Scope(
                models, self._evaluate(list(models.values())) if models else {}
            )
        return self._scopes[key]

    def verdict(
        self, policy_id: str, res: TfResource, index: TfIndex
    ) -> tuple[Resource | None, Finding | None]:
        """Judge ``res`` among the resources of its directory (checkov's graph), or alone when
        the graph did not hold it."""
        scope = self._scope(res, index)
        model = scope.models.get(res.address)
        if model is not None:
            return model, scope.verdicts.get((policy_id, model.id))
        key = f"{res.file}|{res.address}"
        if key not in self._alone:
            alone = self._map(res, index.scoped(res))
            self._alone[key] = (alone, self._evaluate([alone]) if alone is not None else {})
        alone, verdicts = self._alone[key]
        return alone, (verdicts.get((policy_id, alone.id)) if alone is not None else None)

    @staticmethod
    def index_entry(res: TfResource) -> dict[str, Any]:
        """The resource's configuration as checkov rendered it, for the host's own mapping."""
        return {
            "status": "PASS",
            "message": "indexed",
            "tf": {"type": res.type, "address": res.address, "conf": res.conf},
        }

    def judge(self, policy_id: str, res: TfResource, index: TfIndex) -> dict[str, Any]:
        if policy_id == INDEX_ID:
            return self.index_entry(res)
        model, finding = self.verdict(policy_id, res, index)
        if model is None:
            return {"status": "NOT_APPLICABLE", "message": f"{res.address} maps to no model"}
        if finding is None:
            return {
                "status": "NOT_APPLICABLE",
                "message": "the policy does not apply to this resource",
            }
        return {
            "status": finding.status,
            "message": finding.message,
            "reads": sorted(finding.evidence),
            "resource": {"type": model.resource_type, "id": model.id},
        }


__all__ = [
    "IAC_ACCOUNT",
    "INDEX_ID",
    "Judge",
    "check_specs",
    "inventory_of",
    "left_to_live_scan",
    "selected_policies",
]
