"""Covered-services predicate: every service namespace in use is on AWS's HIPAA eligible list.

The list is data: ``policies/data/aws_covered_services.yaml`` (shipped in the wheel under
``auditor/_data/policies/data/``), read once.

Why Python: the verdict depends on a reference data file with more than membership in it: an
entry may be eligible outright (PASS), eligible only under conditions to verify or known from
secondary evidence (MANUAL, with the caveat), absent (FAIL), or a control-plane namespace on the
auditor's allow-list; and the evidence carries the entry's source and date. A ``$params`` list
could say "is a member", not which of these an entry is.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from auditor.core.model.aws.services import AwsServiceInUse
from auditor.core.model.base import Resource
from auditor.core.resources import policies_dir
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

DATA_NAME = "aws_covered_services.yaml"


def data_path() -> Path:
    """The covered-services file, wherever the shipped ``policies/`` directory is."""
    return policies_dir() / "data" / DATA_NAME


@functools.lru_cache(maxsize=4)
def covered_services(path: str | None = None) -> dict[str, Any]:
    with Path(path or data_path()).open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def judge_namespace(namespace: str, data: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(PASS | MANUAL | FAIL, reason, evidence) for one ARN service namespace."""
    allow = (data.get("control_plane_allowlist") or {}).get("namespaces") or []
    if namespace in allow:
        return (
            "PASS",
            "a control-plane namespace that holds no PHI (auditor allow-list)",
            {"allowlist": True},
        )
    entries = [e for e in data.get("services") or [] if namespace in (e.get("namespaces") or [])]
    if not entries:
        return "FAIL", "not on the HIPAA eligible services list", {"as_of": data.get("as_of")}
    certain = [e for e in entries if e.get("status") == "eligible"]
    clean = [e for e in certain if not e.get("verify")]
    evidence = {
        "services": [e.get("service") for e in entries],
        "caveats": [e["caveat"] for e in entries if e.get("caveat")],
        "source": sorted({str(e.get("source")) for e in entries}),
        "as_of": data.get("as_of"),
    }
    if clean:
        return "PASS", f"on the HIPAA eligible services list as {clean[0].get('service')}", evidence
    if certain:
        return "MANUAL", f"eligible only with conditions: {certain[0].get('verify')}", evidence
    return (
        "MANUAL",
        "listed from secondary evidence only: verify against the current list",
        evidence,
    )


@predicate("aws.service", reads=("namespace",))
def aws_service_covered_by_baa(resource: Resource, ctx: PredicateContext) -> Verdict:
    """The service namespace is on AWS's HIPAA eligible services list (data file)."""
    assert isinstance(resource, AwsServiceInUse)
    unread = ctx.unread(resource, ("namespace",))
    if unread:
        return Verdict.unknown(unread)
    status, reason, evidence = judge_namespace(resource.namespace, covered_services())
    evidence = {**evidence, "resource_count": resource.resource_count, "regions": resource.regions}
    message = f"Service {resource.namespace} ({resource.resource_count} resources): {reason}."
    if status == "PASS":
        return Verdict.passed(message, evidence)
    if status == "MANUAL":
        return Verdict.manual(message, evidence)
    return Verdict.fail(message, evidence)


SERVICES_PREDICATES = registry(
    aws_service_covered_by_baa,
)

__all__ = ["SERVICES_PREDICATES", "covered_services", "data_path", "judge_namespace"]
