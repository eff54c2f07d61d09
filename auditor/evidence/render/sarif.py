"""SARIF 2.1.0 for code-scanning dashboards.

One rule per policy (help text from its remediation, ``properties.security-severity`` from its
severity), one result per finding. Statuses map onto SARIF's ``kind``: FAIL is ``fail`` (level by
severity), PASS ``pass``, ERROR ``open`` (the tool could not decide), MANUAL ``review``,
NOT_APPLICABLE ``notApplicable``, ATTESTED ``informational`` (answered by a signed document, never
a ``pass``: its ``properties.attestation`` names the document and its SHA-256); a WAIVED finding is a ``fail`` carrying an accepted external
suppression with the waiver's reason (an ``inSource`` one, located at the comment, for an inline
skip in Terraform). A finding on infrastructure code points at its file and
lines (``physicalLocation``); a live resource is named by a ``logicalLocation`` (its ARN or full
resource name). GitHub code scanning rejects a whole file when any location lacks a physical
artifact, so a live finding's location also points at the evidence it was judged on: the
snapshot file, relative to the run's output directory (``uriBaseId`` ``BAA_AUDIT_OUT``).

The run's ``properties`` carry what a dashboard cannot see in the results: the scope, the input
digests, the summary, the BAA promises (clause, character offsets in the BAA file, verdict), the attestations, the wildcard waivers (also the first notifications), the
database endpoints read and, for a narrowed run, the ``selection`` (criteria and the checks left
out, as in result.json) and the ``partial_promises``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from auditor.core.json_text import document_bytes
from auditor.core.result import (
    STATUSES,
    Finding,
    PolicyInfo,
    PromiseResult,
    RunResult,
    Severity,
    Status,
    WaiverRef,
    is_wildcard_waiver,
)
from auditor.core.text import for_humans
from auditor.evidence.render.streaming import Spool, WildcardWaivers, in_order

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
    "ATTESTED": "informational",
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
    logicals = [logical]
    if res.location is not None and res.location.address:
        # infrastructure code: the Terraform address first (module path included)
        address = res.location.address
        logicals = [{"name": address, "fullyQualifiedName": address, "kind": "resource"}]
        if address != res.id:
            logicals.append(logical)
    if res.location is not None:
        region: dict[str, int] = {}
        if res.location.line_start:
            region["startLine"] = res.location.line_start
            if res.location.line_end and res.location.line_end >= res.location.line_start:
                region["endLine"] = res.location.line_end
        physical: dict[str, Any] = {"artifactLocation": {"uri": res.location.file}}
        if region:
            physical["region"] = region
        return {"physicalLocation": physical, "logicalLocations": logicals}
    evidence = {"artifactLocation": {"uri": SNAPSHOT_URI, "uriBaseId": OUT_BASE_ID}}
    return {"physicalLocation": evidence, "logicalLocations": logicals}


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
    if finding.attestation is not None:
        out["properties"]["attestation"] = finding.attestation.model_dump(mode="json")
    if finding.status == "WAIVED" and finding.waiver is not None:
        # an expired waiver suppresses nothing: its finding is a FAIL again
        out["suppressions"] = [_suppression(finding.waiver)]
    return out


def _promise(promise: PromiseResult) -> dict[str, Any]:
    """A BAA promise as the run's properties carry it: its clause (with where it is in the BAA
    file, when the profile recorded it), its verdict and the checks a selection left out."""
    out: dict[str, Any] = {"id": promise.id, "verdict": promise.verdict, "clause": promise.clause}
    if promise.section:
        out["section"] = promise.section
    if promise.clause_offsets is not None:
        out["clause_offsets"] = promise.clause_offsets.model_dump(mode="json")
    if promise.left_out:
        out["left_out"] = promise.left_out
    return out


def _suppression(waiver: WaiverRef) -> dict[str, Any]:
    """A waivers-file entry is an ``external`` suppression; an inline skip in Terraform is an
    ``inSource`` one, located at its comment."""
    if waiver.kind == "inline-skip":
        suppression: dict[str, Any] = {
            "kind": "inSource",
            "status": "accepted",
            "justification": f"inline skip at {waiver.location or waiver.id}: {waiver.reason}",
        }
        file, _, line = (waiver.location or "").rpartition(":")
        if file and line.isdigit() and int(line) > 0:
            suppression["location"] = {
                "physicalLocation": {
                    "artifactLocation": {"uri": file},
                    "region": {"startLine": int(line)},
                }
            }
        return suppression
    wide = " (wildcard, scope: all)" if is_wildcard_waiver(waiver) else ""
    return {
        "kind": "external",
        "status": "accepted",
        "justification": f"{waiver.id}{wide}: {waiver.reason} (approved by {waiver.approver}, "
        f"expires {waiver.expiry_text()})",
    }


#: What code scanning wants from infrastructure code: only results that need attention
#: (checkov writes failed checks only). ``baa-audit iac --sarif-all`` keeps every status.
ATTENTION: tuple[Status, ...] = ("FAIL", "ERROR")


def _log(
    result: RunResult,
    policies: list[PolicyInfo],
    wide: list[WaiverRef],
    statuses: Collection[Status] | None,
    results: list[dict[str, Any]],
) -> dict[str, Any]:
    """The SARIF log of ``result`` (already neutralised) with ``results``; ``wide``: its wildcard
    waivers."""
    notifications = (
        [
            {
                "level": "warning",
                "message": {
                    "text": f"Wildcard waiver {w.id} (scope: all): policy {w.policy} on resource "
                    f"{w.resource}, approved by {w.approver} until {w.expiry_text()}: {w.reason}"
                },
            }
            for w in wide
        ]
        + [
            {
                "level": "error",
                "message": {
                    "text": f"Could not list {gap.resource_type} in {gap.provider} {gap.where()}: "
                    f"{gap.operation} -> {gap.error_code}. {gap.message}".strip()
                },
                "properties": gap.model_dump(mode="json"),
            }
            for gap in result.listing_gaps
        ]
        + [{"level": "warning", "message": {"text": w}} for w in result.warnings]
    )
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
        "results": results,
        "properties": {
            "profile": result.profile.id,
            "scope": result.scope.label(),
            "inputs": result.inputs,
            "summary": result.summary,
            "promises": [_promise(p) for p in result.promises],
            "waivers_expiring": [w.model_dump(mode="json") for w in result.waivers_expiring],
            **(
                {"attestations": [a.model_dump(mode="json") for a in result.attestations]}
                if result.attestations
                else {}
            ),
            **(
                {"policies_not_run": [n.model_dump(mode="json") for n in result.policies_not_run]}
                if result.policies_not_run
                else {}
            ),
        },
    }
    if statuses is not None:
        run["properties"]["results_with_status"] = [s for s in STATUSES if s in statuses]
    if result.scope.databases:
        run["properties"]["databases"] = [d.model_dump(mode="json") for d in result.scope.databases]
    if result.selection is not None:
        run["properties"]["selection"] = result.selection.model_dump(mode="json")
        run["properties"]["partial_promises"] = [p.id for p in result.promises if p.left_out]
    if wide:
        run["properties"]["wildcard_waivers"] = [w.model_dump(mode="json") for w in wide]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: RunResult, statuses: Collection[Status] | None = None) -> dict[str, Any]:
    """The SARIF log as a value (every result held: for small results; the renderers write
    :func:`chunks`); with ``statuses``, only findings of those statuses become results (the
    run's ``properties.summary`` still counts every finding)."""
    result = for_humans(result)  # messages neutralised of control and bidi characters
    policies = [result.policies[k] for k in sorted(result.policies)]
    rule_index = {p.id: i for i, p in enumerate(policies)}
    wide = WildcardWaivers()
    results = []
    for finding in in_order(result):
        wide.see(finding.waiver)
        if statuses is None or finding.status in statuses:
            results.append(_result(finding, rule_index))
    return _log(result, policies, wide.of(result), statuses, results)


def _dump(log: Any) -> bytes:
    try:
        return document_bytes(log)
    except TypeError:  # a value JSON does not know: written as its text, as always
        text = json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return (text + "\n").encode("utf-8")


#: where the results go in the log without them: the run's key (a run's keys are indented by
#: six spaces, no other object's are, and no JSON string holds a raw newline: this occurs once)
_EMPTY_RESULTS = b'\n      "results": []'
#: a result's indentation in the log (an item of the run's results list)
_RESULT_INDENT = b"\n        "


def chunks(
    result: RunResult, _trend: Sequence[Any] = (), statuses: Collection[Status] | None = None
) -> Iterator[bytes]:
    """:func:`render`'s bytes (with ``statuses``, :func:`render_attention`'s) in pieces, in one
    pass over the findings: each result's own document, indented to its depth, is set aside in
    a spool while the wildcard waivers (which the log names before its results) are gathered;
    then the log without results, with the spool copied in place of its empty list."""
    result = for_humans(result)  # messages neutralised of control and bidi characters
    policies = [result.policies[k] for k in sorted(result.policies)]
    rule_index = {p.id: i for i, p in enumerate(policies)}
    wide = WildcardWaivers()
    with Spool() as spool:
        count = 0
        for finding in in_order(result):
            wide.see(finding.waiver)
            if statuses is not None and finding.status not in statuses:
                continue
            text = _dump(_result(finding, rule_index))[:-1]
            spool.write((b"," if count else b"") + _RESULT_INDENT)
            spool.write(text.replace(b"\n", _RESULT_INDENT))
            count += 1
        log = _dump(_log(result, policies, wide.of(result), statuses, []))
        at = log.index(_EMPTY_RESULTS) + len(_EMPTY_RESULTS) - 1
        yield log[:at]
        if count:
            yield from spool.read_back()
            yield b"\n      "
        yield log[at:]


def attention_chunks(result: RunResult, _trend: Sequence[Any] = ()) -> Iterator[bytes]:
    """:func:`render_attention`'s bytes in pieces."""
    return chunks(result, (), ATTENTION)


def render(result: RunResult) -> bytes:
    return b"".join(chunks(result))


def render_attention(result: RunResult) -> bytes:
    """SARIF with FAIL and ERROR results only, for code scanning of infrastructure code."""
    return b"".join(attention_chunks(result))


__all__ = [
    "ATTENTION",
    "EXTENSION",
    "MEDIA_TYPE",
    "SECURITY_SEVERITY",
    "attention_chunks",
    "chunks",
    "fingerprint",
    "render",
    "render_attention",
    "render_sarif",
]
