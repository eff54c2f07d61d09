"""Drift between two runs: what failed anew, what was resolved, what appeared, what changed.

``diff(old, new)`` is a pure function of two :class:`~auditor.core.result.RunResult` objects. It
compares findings by their identity (policy id and resource) and never by time, so the same two
results always give the same drift, in the same order.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.base import ResourceRef
from auditor.core.result import Finding, RunResult, Status

FindingKey = tuple[str, str, str, str, str, str]
ResourceKey = tuple[str, str, str, str, str]


def resource_key(ref: ResourceRef) -> ResourceKey:
    return (ref.provider, ref.account, ref.region or "", ref.type, ref.id)


def resource_label(ref: ResourceRef) -> str:
    where = f"{ref.account}/{ref.region}" if ref.region else ref.account
    return f"{ref.type} {ref.id} ({ref.provider} {where})"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusChange(_Model):
    """One finding whose status differs between the runs (``None``: no such finding)."""

    policy_id: str
    resource: ResourceRef
    old_status: Status | None
    new_status: Status | None
    message: str = Field(description="the newer run's message, or the older one's when gone")


class EvidenceChange(_Model):
    """One evidence field of one finding whose observed value changed."""

    policy_id: str
    resource: ResourceRef
    field: str = Field(description="dotted path inside the finding's evidence")
    change: Literal["changed", "added", "removed"]
    old: Any = None
    new: Any = None


class Drift(_Model):
    old_run: str = Field(description="label of the older run")
    new_run: str = Field(description="label of the newer run")
    new_failures: list[StatusChange] = Field(default_factory=list)
    resolved: list[StatusChange] = Field(default_factory=list)
    status_changes: list[StatusChange] = Field(
        default_factory=list, description="other changes, e.g. PASS -> ERROR or a new PASS"
    )
    resources_added: list[ResourceRef] = Field(default_factory=list)
    resources_removed: list[ResourceRef] = Field(default_factory=list)
    evidence_changes: list[EvidenceChange] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not (
            self.new_failures
            or self.resolved
            or self.status_changes
            or self.resources_added
            or self.resources_removed
            or self.evidence_changes
        )

    def counts(self) -> dict[str, int]:
        return {
            "new_failures": len(self.new_failures),
            "resolved": len(self.resolved),
            "status_changes": len(self.status_changes),
            "resources_added": len(self.resources_added),
            "resources_removed": len(self.resources_removed),
            "evidence_changes": len(self.evidence_changes),
        }


_ABSENT = object()


def flatten_evidence(evidence: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested evidence as ``{"a.b": value}``; lists and scalars are leaves."""
    flat: dict[str, Any] = {}
    for key in sorted(evidence):
        value = evidence[key]
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten_evidence(value, path + "."))
        else:
            flat[path] = value
    return flat


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _finding_key(finding: Finding) -> FindingKey:
    return finding.sort_key()


def _index(findings: list[Finding]) -> dict[FindingKey, Finding]:
    """Findings by identity. Of two findings with one identity the one whose canonical JSON sorts
    last is kept, so the index never depends on the order of the list."""
    index: dict[FindingKey, Finding] = {}
    for finding in sorted(
        findings, key=lambda f: (_finding_key(f), _canonical(f.model_dump(mode="json")))
    ):
        index[_finding_key(finding)] = finding
    return index


def _evidence_changes(old: Finding, new: Finding) -> list[EvidenceChange]:
    before = flatten_evidence(old.evidence)
    after = flatten_evidence(new.evidence)
    changes: list[EvidenceChange] = []
    for path in sorted(set(before) | set(after)):
        a = before.get(path, _ABSENT)
        b = after.get(path, _ABSENT)
        change: Literal["changed", "added", "removed"]
        if a is _ABSENT:
            change = "added"
        elif b is _ABSENT:
            change = "removed"
        elif _canonical(a) != _canonical(b):
            change = "changed"
        else:
            continue
        changes.append(
            EvidenceChange(
                policy_id=new.policy_id,
                resource=new.resource,
                field=path,
                change=change,
                old=None if a is _ABSENT else a,
                new=None if b is _ABSENT else b,
            )
        )
    return changes


def run_label(result: RunResult) -> str:
    return f"{result.profile.id} {result.started_at.isoformat()} [{result.scope.label()}]"


def diff(
    old: RunResult, new: RunResult, *, old_label: str | None = None, new_label: str | None = None
) -> Drift:
    """The drift from ``old`` to ``new``."""
    before = _index(old.findings)
    after = _index(new.findings)

    new_failures: list[StatusChange] = []
    resolved: list[StatusChange] = []
    status_changes: list[StatusChange] = []
    evidence: list[EvidenceChange] = []
    for key in sorted(set(before) | set(after)):
        a = before.get(key)
        b = after.get(key)
        old_status = a.status if a else None
        new_status = b.status if b else None
        ref = (b or a).resource  # type: ignore[union-attr]
        policy_id = key[0]
        message = (b or a).message  # type: ignore[union-attr]
        if old_status != new_status:
            change = StatusChange(
                policy_id=policy_id,
                resource=ref,
                old_status=old_status,
                new_status=new_status,
                message=message,
            )
            if new_status == "FAIL":
                new_failures.append(change)
            elif old_status == "FAIL":
                resolved.append(change)
            else:
                status_changes.append(change)
        if a is not None and b is not None:
            evidence.extend(_evidence_changes(a, b))

    old_resources = {resource_key(f.resource): f.resource for f in old.findings}
    new_resources = {resource_key(f.resource): f.resource for f in new.findings}
    added = [new_resources[k] for k in sorted(set(new_resources) - set(old_resources))]
    removed = [old_resources[k] for k in sorted(set(old_resources) - set(new_resources))]

    return Drift(
        old_run=old_label or run_label(old),
        new_run=new_label or run_label(new),
        new_failures=new_failures,
        resolved=resolved,
        status_changes=status_changes,
        resources_added=added,
        resources_removed=removed,
        evidence_changes=evidence,
    )


def _value(value: Any) -> str:
    return _canonical(value)


def render_drift_text(drift: Drift) -> str:
    """Plain text for a terminal or a job log. Evidence values are what policies read (config)."""
    lines = [f"drift from {drift.old_run}", f"        to {drift.new_run}"]
    if drift.is_empty():
        lines.append("no changes")
        return "\n".join(lines) + "\n"

    def status(s: Status | None) -> str:
        return s or "(none)"

    sections: list[tuple[str, list[str]]] = [
        (
            "new failures",
            [
                f"  {c.policy_id}  {resource_label(c.resource)}  "
                f"{status(c.old_status)} -> FAIL: {c.message}"
                for c in drift.new_failures
            ],
        ),
        (
            "resolved",
            [
                f"  {c.policy_id}  {resource_label(c.resource)}  FAIL -> {status(c.new_status)}"
                for c in drift.resolved
            ],
        ),
        (
            "other status changes",
            [
                f"  {c.policy_id}  {resource_label(c.resource)}  "
                f"{status(c.old_status)} -> {status(c.new_status)}"
                for c in drift.status_changes
            ],
        ),
        ("resources added", [f"  {resource_label(r)}" for r in drift.resources_added]),
        ("resources removed", [f"  {resource_label(r)}" for r in drift.resources_removed]),
        (
            "changed evidence",
            [
                f"  {c.policy_id}  {resource_label(c.resource)}  {c.field}: "
                + (
                    f"{_value(c.old)} -> {_value(c.new)}"
                    if c.change == "changed"
                    else (
                        f"(absent) -> {_value(c.new)}"
                        if c.change == "added"
                        else f"{_value(c.old)} -> (absent)"
                    )
                )
                for c in drift.evidence_changes
            ],
        ),
    ]
    for title, body in sections:
        if body:
            lines.append(f"{title} ({len(body)}):")
            lines.extend(body)
    return "\n".join(lines) + "\n"


__all__ = [
    "Drift",
    "EvidenceChange",
    "StatusChange",
    "diff",
    "flatten_evidence",
    "render_drift_text",
    "resource_key",
    "resource_label",
    "run_label",
]
