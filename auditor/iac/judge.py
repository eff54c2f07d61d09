"""Judging one Terraform resource with our engine, inside checkov's interpreter.

:class:`Judge` is built once per checkov run from the context the host wrote (profile, extra
policy directories, the checks to register). For each Terraform resource it builds the typed
model once (:mod:`auditor.iac.mappers`) and evaluates every selected policy of that model's type
with :func:`auditor.engine.evaluate` over a one-resource inventory, so the verdict is exactly the
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

from auditor.engine import evaluate, policy_applies
from auditor.iac.mappers import IAC_ACCOUNT, Mapper, available_mappers
from auditor.iac.tf import TfIndex, TfResource
from auditor.inventory import Inventory, SnapshotHeader
from auditor.model.base import Coverage, Resource
from auditor.policy.loader import PolicySet, load_default_policies
from auditor.policy.model import Policy
from auditor.profile import LoadedProfile, load_profile
from auditor.result import Finding
from auditor.scope import Scope

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: The check that hands every relevant resource's configuration back to the host unjudged (the
#: host maps and joins them over the whole configuration). Its records are never findings.
INDEX_ID = "BAA-IAC-INDEX-000"


def selected_policies(
    policies: PolicySet, profile: LoadedProfile, mappers: Mapping[str, Mapper]
) -> list[Policy]:
    """The policies that run under ``profile`` and judge a type some Terraform type maps to."""
    params = profile.profile.parameters().resolved()
    promised = profile.profile.promised_safeguards()
    mapped = {m.resource_type for m in mappers.values()}
    return [
        p
        for p in policies.policies
        if p.resource_type in mapped and policy_applies(p, params, promised)
    ]


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


def one_resource_inventory(model: Resource) -> Inventory:
    header = SnapshotHeader(scope=Scope(providers=[model.provider]), source="terraform")
    coverage = Coverage(
        provider=model.provider,
        account=model.account,
        region=model.region,
        resource_type=model.resource_type,
        count=1,
    )
    return Inventory(header=header, resources=[model], coverage=[coverage])


@dataclass
class Judge:
    policies: PolicySet
    profile: LoadedProfile
    mappers: dict[str, Mapper]
    _models: dict[str, Resource | None] = field(default_factory=dict)
    _verdicts: dict[str, dict[str, Finding]] = field(default_factory=dict)

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

    def model(self, res: TfResource, index: TfIndex) -> Resource | None:
        key = f"{res.file}|{res.address}"
        if key not in self._models:
            mapper = self.mappers.get(res.type)
            self._models[key] = mapper.map(res, index.scoped(res)) if mapper else None
        return self._models[key]

    def findings(self, model: Resource) -> dict[str, Finding]:
        key = f"{model.resource_type}|{model.location.file if model.location else ''}|{model.id}"
        if key not in self._verdicts:
            policies = tuple(
                p for p in self.policies.policies if p.resource_type == model.resource_type
            )
            subset = PolicySet(
                policies, self.policies.catalog, self.policies.sha256, self.policies.files
            )
            result = evaluate(one_resource_inventory(model), subset, self.profile, now=_EPOCH)
            self._verdicts[key] = {f.policy_id: f for f in result.findings if f.resource.id != "*"}
        return self._verdicts[key]

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
        model = self.model(res, index)
        if model is None:
            return {"status": "NOT_APPLICABLE", "message": f"{res.type} is not mapped"}
        finding = self.findings(model).get(policy_id)
        if finding is None:
            return {
                "status": "NOT_APPLICABLE",
                "message": "the policy does not apply to this resource",
            }
        return {
            "status": finding.status,
            "message": finding.message,
            "reads": sorted(finding.evidence),
            "resource": {"type": model.resource_type, "data": model.model_dump(mode="json")},
        }


__all__ = [
    "IAC_ACCOUNT",
    "INDEX_ID",
    "Judge",
    "check_specs",
    "one_resource_inventory",
    "selected_policies",
]
