"""SARIF 2.1.0 for code-scanning dashboards.

One rule per policy (help text from its remediation, ``properties.security-severity`` from its
severity), one result per finding. Statuses map onto SARIF's ``kind``: FAIL is ``fail`` (level by
severity), PASS ``pass``, ERROR ``open`` (the tool could not decide), MANUAL ``review``,
NOT_APPLICABLE ``notApplicable``; a WAIVED finding is a ``fail`` carrying an accepted external
suppression with the waiver's reason. A finding on infrastructure code points at its file and
lines (``physicalLocation``); a live resource is named by a ``logicalLocation`` (its ARN or full
resource name). GitHub code scanning rejects a whole file when any location lacks a physical
artifact, so a live finding's location also points at the evidence it was judged on: the
snapshot file, relative to the run's output directory (``uriBaseId`` ``BAA_AUDIT_OUT``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from auditor.core.result import Finding, PolicyInfo, RunResult, Severity

MEDIA_TYPE = "application/sarif+json"
EXTENSION = "sarif"

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/baa-audit/baa-audit"
#: Where a live finding's evidence is: the snapshot in the run's output directory.
OUT_BASE_ID = "BAA_AUDIT_OUT"
SNAPSHOT_URI = "snapshot.jsonl"

#: GitHub reads ``security-severity`` as a CVSS-like score in a string.
SECURITY_SEVERITY: dict[Severity, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "info": "0.0",
}
_LEVEL: dict[Severity, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
_KIND = {
    "FAIL": "fail",
    "WAIVED": "fail",
    "PASS": "pass",
    "ERROR": "open",
    "MANUAL": "review",
    "NOT_APPLICABLE": "notApplicable",
}


def fingerprint(finding: Finding) -> str:
    """A stable identity of (policy, resource), the same across runs."""
    key = "\x1f".join(finding.sort_key())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _help(policy: PolicyInfo) -> tuple[str, str]:
    text = [policy.remediation.summary]
    markdown = [policy.remediation.summary]
    if policy.remediation.cli:
        text.append(f"CLI: {policy.remediation.cli}")
        markdown.append(f"CLI:\n```\n{policy.remediation.cli}\n```")
    if policy.remediation.terraform:
        text.append(f"Terraform: {policy.remediation.terraform}")
        markdown.append(f"Terraform:\n```hcl\n{policy.remediation.terraform}\n```")
    if policy.manual_evidence:
        text.append(f"Evidence to attach: {policy.manual_evidence}")
        markdown.append(f"Evidence to attach: {policy.manual_evidence}")
    return "\n".join(text), "\n\n".join(markdown)


def _rule(policy: PolicyInfo, result: RunResult) -> dict[str, Any]:
    text, markdown = _help(policy)
    cfr = [
        f"45 CFR {result.citations[c].cfr}" if c in result.citations else c
        for c in policy.citations
    ]
    rule: dict[str, Any] = {
        "id": policy.id,
        "name": policy.id.replace("-", ""),
        "shortDescription": {"text": policy.title},
        "fullDescription": {"text": f"{policy.title} ({policy.resource_type}; {', '.join(cfr)})"},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[policy.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[policy.severity],
            "severity": policy.severity,
            "safeguard": policy.safeguard,
            "tags": ["security", "hipaa", policy.safeguard, *cfr],
            "resource_type": policy.resource_type,
            "source": policy.source,
        },
    }
    if policy.references:
        rule["helpUri"] = policy.references[0]
    return rule


def _location(finding: Finding) -> dict[str, Any]:
    res = finding.resource
    logical = {
        "name": res.name or res.id,
        "fullyQualifiedName": res.id,
        "kind": "resource",
    }
    if res.location is not None:
        region: dict[str, int] = {}
        if res.location.line_start:
            region["startLine"] = res.location.line_start
            if res.location.line_end and res.location.line_end >= res.location.line_start:
                region["endLine"] = res.location.line_end
        physical: dict[str, Any] = {"artifactLocation": {"uri": res.location.file}}
        if region:
            physical["region"] = region
        return {"physicalLocation": physical, "logicalLocations": [logical]}
    evidence = {"artifactLocation": {"uri": SNAPSHOT_URI, "uriBaseId": OUT_BASE_ID}}
    return {"physicalLocation": evidence, "logicalLocations": [logical]}


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    kind = _KIND[finding.status]
    res = finding.resource
    out: dict[str, Any] = {
        "ruleId": finding.policy_id,
        "kind": kind,
        "level": _LEVEL[finding.severity] if kind == "fail" else "none",
        "message": {"text": finding.message or finding.policy_id},
        "locations": [_location(finding)],
        "partialFingerprints": {"baaAuditFinding/v1": fingerprint(finding)},
        "properties": {
            "status": finding.status,
            "severity": finding.severity,
            "safeguard": finding.safeguard,
            "citations": finding.citations,
            "promises": finding.promises,
            "resource": res.model_dump(mode="json", exclude_none=True),
            "evidence": finding.evidence,
        },
    }
    if finding.policy_id in rule_index:
        out["ruleIndex"] = rule_index[finding.policy_id]
    if finding.gap is not None:
        out["properties"]["gap"] = finding.gap.model_dump(mode="json")
    if finding.manual_evidence:
        out["properties"]["manual_evidence"] = finding.manual_evidence
    if finding.waiver is not None:
        out["properties"]["waiver"] = finding.waiver.model_dump(mode="json")
    if finding.status == "WAIVED" and finding.waiver is not None:
        # an expired waiver suppresses nothing: its finding is a FAIL again
        waiver = finding.waiver
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.id}: {waiver.reason} (approved by {waiver.approver}, "
                f"expires {waiver.expires.isoformat()})",
            }
        ]
    return out


def render_sarif(result: RunResult) -> dict[str, Any]:
    policies = [result.policies[k] for k in sorted(result.policies)]
    rule_index = {p.id: i for i, p in enumerate(policies)}
    findings = sorted(result.findings, key=Finding.sort_key)
    notifications = [
        {
            "level": "error",
            "message": {
                "text": f"Could not list {gap.resource_type} in {gap.provider} {gap.where()}: "
                f"{gap.operation} -> {gap.error_code}. {gap.message}".strip()
            },
            "properties": gap.model_dump(mode="json"),
        }
        for gap in result.listing_gaps
    ] + [{"level": "warning", "message": {"text": w}} for w in result.warnings]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "baa-audit",
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(p, result) for p in policies],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "startTimeUtc": result.started_at.isoformat(),
                "endTimeUtc": result.finished_at.isoformat(),
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {
            OUT_BASE_ID: {
                "description": {"text": "The output directory of the baa-audit run (--out)."}
            }
        },
        "results": [_result(f, rule_index) for f in findings],
        "properties": {
            "profile": result.profile.id,
            "scope": result.scope.label(),
            "inputs": result.inputs,
            "summary": result.summary,
            "waivers_expiring": [w.model_dump(mode="json") for w in result.waivers_expiring],
            **(
                {"policies_not_run": [n.model_dump(mode="json") for n in result.policies_not_run]}
                if result.policies_not_run
                else {}
            ),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result: RunResult) -> bytes:
    text = json.dumps(
        render_sarif(result), indent=2, sort_keys=True, ensure_ascii=False, default=str
    )
    return (text + "\n").encode("utf-8")


__all__ = ["EXTENSION", "MEDIA_TYPE", "SECURITY_SEVERITY", "fingerprint", "render", "render_sarif"]
