"""The one result model. Every renderer is a pure function of :class:`RunResult`.

``result.json`` is this model dumped as JSON; its fields are a contract (DESIGN.md): change them
only with a ``schema_version`` bump and a note in the README.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.base import Gap, ListingGap, ResourceRef
from auditor.core.scope import Scope

RESULT_SCHEMA_VERSION = "1.1"

Status = Literal["PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "WAIVED", "MANUAL"]
STATUSES: tuple[Status, ...] = ("FAIL", "ERROR", "MANUAL", "WAIVED", "PASS", "NOT_APPLICABLE")
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")

#: Roll-up precedence: the worst status present decides a promise's or safeguard's verdict.
_PRECEDENCE: dict[str, int] = {s: i for i, s in enumerate(STATUSES)}


def worst(statuses: list[Status] | tuple[Status, ...]) -> Status | None:
    """The verdict of a group of findings: FAIL > ERROR > MANUAL > WAIVED > PASS > NOT_APPLICABLE."""
    if not statuses:
        return None
    return min(statuses, key=lambda s: _PRECEDENCE[s])


def severity_at_least(severity: Severity, threshold: Severity) -> bool:
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WaiverRef(_Model):
    id: str
    reason: str
    approver: str
    expires: date
    policy: str
    resource: str
    expired: bool = False


class Finding(_Model):
    policy_id: str
    status: Status
    severity: Severity
    safeguard: str
    citations: list[str]
    promises: list[str] = Field(
        default_factory=list, description="profile promises this finding speaks to"
    )
    resource: ResourceRef
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    gap: Gap | ListingGap | None = None
    gaps: list[Gap | ListingGap] = Field(
        default_factory=list,
        description="every unread input the verdict met: why an ERROR is not assessed, and what "
        "else a FAIL could not see (gap is the first of them)",
    )
    manual_evidence: str | None = None
    waiver: WaiverRef | None = None

    def sort_key(self) -> tuple[str, str, str, str, str, str]:
        r = self.resource
        return (self.policy_id, r.provider, r.account, r.region or "", r.type, r.id)


class Remediation(_Model):
    summary: str
    cli: str | None = None
    terraform: str | None = None


class PolicyInfo(_Model):
    """What renderers need to know about a policy (titles, help text, remediation)."""

    id: str
    title: str
    severity: Severity
    safeguard: str
    citations: list[str]
    resource_type: str
    remediation: Remediation
    references: list[str] = Field(default_factory=list)
    manual_evidence: str | None = None
    source: str = Field(description="policy file, relative to the policies directory")


class CitationInfo(_Model):
    key: str
    cfr: str
    title: str
    kind: str


class SafeguardResult(_Model):
    key: str
    title: str
    group: str
    description: str
    citations: list[str]
    promised: bool
    verdict: Status | None
    counts: dict[str, int]
    policies: list[str]


class PromiseResult(_Model):
    id: str
    section: str | None
    clause: str
    safeguards: list[str]
    parameters: dict[str, Any]
    verdict: Status
    counts: dict[str, int]
    policies: list[str]
    note: str | None = None


class PolicyNotRun(_Model):
    """A loaded policy this run did not run, and why (safeguard not promised, parameter unset,
    provider not in scope, left to another kind of scan)."""

    policy_id: str
    reason: str


class ProfileInfo(_Model):
    id: str
    title: str
    baa_name: str
    baa_source: str | None = None
    baa_dated: str | None = None


class RunResult(_Model):
    schema_version: str = RESULT_SCHEMA_VERSION
    tool_version: str
    profile: ProfileInfo
    started_at: datetime
    finished_at: datetime
    collected_at: datetime | None = None
    scope: Scope
    inputs: dict[str, str] = Field(description="SHA-256 of snapshot, policies, profile, waivers")
    summary: dict[str, int]
    findings: list[Finding]
    promises: list[PromiseResult]
    safeguards: list[SafeguardResult]
    policies: dict[str, PolicyInfo]
    citations: dict[str, CitationInfo]
    listing_gaps: list[ListingGap] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    waivers_expiring: list[WaiverRef] = Field(default_factory=list)
    policies_not_run: list[PolicyNotRun] = Field(
        default_factory=list, description="loaded policies this run did not run, and why"
    )

    def count(self, status: Status) -> int:
        return self.summary.get(status, 0)


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts


__all__ = [
    "RESULT_SCHEMA_VERSION",
    "SEVERITIES",
    "STATUSES",
    "CitationInfo",
    "Finding",
    "PolicyInfo",
    "PolicyNotRun",
    "ProfileInfo",
    "PromiseResult",
    "Remediation",
    "RunResult",
    "SafeguardResult",
    "Severity",
    "Status",
    "WaiverRef",
    "severity_at_least",
    "summarize",
    "worst",
]
