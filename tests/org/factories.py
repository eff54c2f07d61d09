"""Small builders of RunResult objects for the unit tests of history, diff and merge."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from auditor.core.model.base import ResourceRef
from auditor.core.result import (
    CitationInfo,
    Finding,
    PolicyInfo,
    ProfileInfo,
    PromiseResult,
    Remediation,
    RunResult,
    SafeguardResult,
    WaiverRef,
    summarize,
    worst,
)
from auditor.core.scope import Scope

POLICIES = {
    "AWS-S3-001": ("aws.s3.bucket", "encryption-at-rest", "encryption-at-rest"),
    "AWS-ELB-001": ("aws.elbv2.listener", "transmission-security", "encryption-in-transit"),
}


def ref(
    account: str, rid: str, rtype: str = "aws.s3.bucket", region: str | None = "us-east-1"
) -> ResourceRef:
    return ResourceRef(provider="aws", account=account, region=region, type=rtype, id=rid, name=rid)


def finding(
    policy_id: str,
    account: str,
    rid: str,
    status: str = "PASS",
    evidence: dict[str, Any] | None = None,
    region: str | None = "us-east-1",
) -> Finding:
    rtype, safeguard, promise = POLICIES[policy_id]
    return Finding(
        policy_id=policy_id,
        status=status,  # type: ignore[arg-type]
        severity="high",
        safeguard=safeguard,
        citations=["hipaa.164.312.a.2.iv"],
        promises=[promise],
        resource=ref(account, rid, rtype, region),
        message=f"{rid} is {status.lower()}",
        evidence=evidence if evidence is not None else {"encryption.algorithm": "AES256"},
    )


def result(
    findings: list[Finding],
    accounts: list[str] | None = None,
    started: datetime | None = None,
    shard: str | None = None,
    **extra: Any,
) -> RunResult:
    started = started or datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    accounts = accounts if accounts is not None else sorted({f.resource.account for f in findings})
    promises = []
    for pid, clause, safeguard in (
        ("encryption-at-rest", "AES-256 at rest", "encryption-at-rest"),
        ("encryption-in-transit", "TLS 1.3", "transmission-security"),
    ):
        mine = [f for f in findings if pid in f.promises]
        promises.append(
            PromiseResult(
                id=pid,
                section="3",
                clause=clause,
                safeguards=[safeguard],
                parameters={},
                verdict=worst([f.status for f in mine]) or "NOT_APPLICABLE",
                counts=summarize(mine),
                policies=sorted({f.policy_id for f in mine}),
            )
        )
    safeguards = []
    for key in ("encryption-at-rest", "transmission-security"):
        mine = [f for f in findings if f.safeguard == key]
        safeguards.append(
            SafeguardResult(
                key=key,
                title=key,
                group="technical",
                description=key,
                citations=["hipaa.164.312.a.2.iv"],
                promised=True,
                verdict=worst([f.status for f in mine]),
                counts=summarize(mine),
                policies=sorted({f.policy_id for f in mine}),
            )
        )
    fields: dict[str, Any] = {
        "tool_version": "0.1.0",
        "profile": ProfileInfo(id="strict", title="Strict", baa_name="IMEPro BAA"),
        "started_at": started,
        "finished_at": started.replace(minute=5),
        "scope": Scope(
            providers=["aws"], aws_accounts=accounts, aws_regions=["us-east-1"], shard=shard
        ),
        "inputs": {"snapshot": "a" * 64, "policies": "b" * 64, "profile": "c" * 64},
        "summary": summarize(findings),
        "findings": sorted(findings, key=Finding.sort_key),
        "promises": promises,
        "safeguards": safeguards,
        "policies": {
            pid: PolicyInfo(
                id=pid,
                title=pid,
                severity="high",
                safeguard=sg,
                citations=["hipaa.164.312.a.2.iv"],
                resource_type=rt,
                remediation=Remediation(summary="fix it"),
                source=f"aws/{pid}.yaml",
            )
            for pid, (rt, sg, _) in POLICIES.items()
        },
        "citations": {
            "hipaa.164.312.a.2.iv": CitationInfo(
                key="hipaa.164.312.a.2.iv",
                cfr="164.312(a)(2)(iv)",
                title="Encryption and decryption",
                kind="addressable",
            )
        },
        "waivers_expiring": [
            WaiverRef(
                id="w1",
                reason="migration",
                approver="ciso",
                expires=date(2026, 12, 1),
                policy="AWS-S3-001",
                resource="*",
            )
        ],
    }
    fields.update(extra)
    return RunResult(**fields)
