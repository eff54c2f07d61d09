"""A Markdown summary: promises with verdicts first, then what failed, errored or needs evidence.

Every FAIL, ERROR, MANUAL, WAIVED and ATTESTED finding is listed one by one (wildcard waivers,
``scope: all``, first); PASS findings are counted per policy and place (account or project, and
region), naming a few resources of each: the summary stays short for a million resources, and
result.json, the CSV and SARIF list every one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from auditor.core.result import (
    STATUSES,
    AttestationRef,
    Finding,
    RunResult,
    WaiverRef,
    is_wildcard_waiver,
)
from auditor.core.text import REPORT_MAX_CHARS, REPORT_MAX_ITEMS, for_humans
from auditor.evidence.render.places import (
    PASS_SAMPLE,
    FindingRows,
    selection_text,
    summarise_passes,
)
from auditor.evidence.render.streaming import Spool, WildcardWaivers

_ICON = {
    "PASS": "PASS",
    "FAIL": "FAIL",
    "ERROR": "ERROR (not assessed)",
    "MANUAL": "MANUAL (evidence needed)",
    "WAIVED": "WAIVED",
    "ATTESTED": "ATTESTED (document on file)",
    "NOT_APPLICABLE": "NOT APPLICABLE",
    None: "-",
}


def _cell(text: object) -> str:
    """Make cloud-supplied text safe inside a Markdown table cell."""
    value = (
        str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    )
    for ch in "<>`*_[]":
        value = value.replace(ch, "\\" + ch)
    return value


def _resource(f: Finding) -> str:
    r = f.resource
    where = f"{r.account}/{r.region}" if r.region else r.account
    name = r.id if r.id != "*" else f"all {r.type}"
    if r.location is not None:  # infrastructure code: the Terraform address and file:line
        line = f":{r.location.line_start}" if r.location.line_start else ""
        name = r.location.address or name
        where = f"{r.location.file}{line}"
    return f"{name} ({where})"


def _terms(parameters: dict[str, object]) -> str:
    """A promise's parameters after its clause: `` (breach_notification_days = 30)``."""
    if not parameters:
        return ""
    shown = "; ".join(
        f"{k} = {', '.join(map(str, v)) if isinstance(v, list) else json.dumps(v) if isinstance(v, bool) else v}"
        for k, v in sorted(parameters.items())
    )
    return f" ({shown})"


def _attestation_text(a: AttestationRef) -> str:
    """The attestation beside the finding it answers: document, signer, dates and digest."""
    where = f", in the bundle at {a.bundle_path}" if a.bundle_path else ""
    return (
        f" Attestation {a.id} ({a.state}): {a.document}, signed by {a.signed_by} on "
        f"{a.signed_on.isoformat()}, review by {a.review_by.isoformat()}, "
        f"sha256 {a.sha256 or 'not recorded'}{where}."
    )


def _row(f: Finding, status: str) -> str:
    message = f.message
    if status == "MANUAL" and f.manual_evidence:
        message += f" Evidence to attach: {f.manual_evidence}"
    if f.waiver and f.waiver.kind == "inline-skip":
        message += f" Skipped inline at {f.waiver.location}: {f.waiver.reason}"
    elif f.waiver:
        kind = "Wildcard waiver (scope: all)" if is_wildcard_waiver(f.waiver) else "Waiver"
        message += f" {kind} {f.waiver.id} by {f.waiver.approver} until {f.waiver.expiry_text()}: {f.waiver.reason}"
    if f.attestation:
        message += _attestation_text(f.attestation)
    return f"| {f.policy_id} | {f.severity} | {_cell(_resource(f))} | {_cell(message)} |\n"


#: The sections listing findings one by one, in order: (title, status).
_SECTIONS = (
    ("Failures", "FAIL"),
    ("Not assessed (errors)", "ERROR"),
    ("Evidence to attach (manual)", "MANUAL"),
    ("Waived", "WAIVED"),
    ("Attested (answered by a document, not read from a cloud)", "ATTESTED"),
)
#: the spool of the WAIVED findings whose waiver is a wildcard one (they lead their section)
_WIDE = "WAIVED by a wildcard"


def _lines(lines: list[str]) -> bytes:
    """``lines``, each ended by a newline."""
    return "".join(line + "\n" for line in lines).encode()


def chunks(result: RunResult, _trend: Sequence[Any] = ()) -> Iterator[bytes]:
    """:func:`render`'s bytes in pieces, in one pass over the findings (in the result's order):
    each listed finding's row goes to its section's spool (the WAIVED ones waived by a wildcard
    waiver to their own, which leads), PASS findings are counted per place, and the wildcard
    waivers (named at the top) are gathered; then the document, the spools copied into their
    sections."""
    result = for_humans(result, REPORT_MAX_CHARS, REPORT_MAX_ITEMS)
    wide_waivers = WildcardWaivers()
    listed = {status for _, status in _SECTIONS}
    counts: dict[str, int] = dict.fromkeys([*listed, _WIDE], 0)
    with ExitStack() as stack:
        spools = {key: stack.enter_context(Spool()) for key in counts}

        def passes_of(findings: Iterator[Finding]) -> Iterator[Finding]:
            for f in findings:
                if wide_waivers.see(f.waiver) and f.status == "WAIVED":
                    key = _WIDE
                elif f.status == "PASS":
                    yield f
                    continue
                else:
                    key = f.status
                if key in counts:
                    counts[key] += 1
                    spools[key].write(_row(f, f.status).encode())

        passes = summarise_passes(passes_of(result.iter_findings()), threshold=0)
        yield from _document(result, wide_waivers.of(result), counts, spools, passes)


def _document(
    result: RunResult,
    wide: list[WaiverRef],
    listed: dict[str, int],
    spools: dict[str, Spool],
    passes: FindingRows,
) -> Iterator[bytes]:
    lines: list[str] = []
    p = result.profile
    lines.append(f"# BAA audit: {_cell(p.title)}")
    lines.append("")
    if wide:
        lines.append("> **Wildcard waivers in force** (scope: all): each waives a whole policy or")
        lines.append("> every policy on the resources it names.")
        lines.append(">")
        lines.extend(
            f"> - {_cell(w.id)}: policy {_cell(w.policy)}, resource {_cell(w.resource)}, "
            f"approved by {_cell(w.approver)} until {w.expiry_text()}: {_cell(w.reason)}"
            for w in wide
        )
        lines.append("")
    lines.append(f"- BAA: {_cell(p.baa_name)}" + (f" (dated {p.baa_dated})" if p.baa_dated else ""))
    lines.append(f"- Scope: {_cell(result.scope.label())}")
    collected = result.collected_at.isoformat() if result.collected_at else "unknown"
    lines.append(f"- Collected: {collected}; evaluated: {result.finished_at.isoformat()}")
    lines.append(f"- baa-audit {result.tool_version}, result schema {result.schema_version}")
    digests = ", ".join(f"{name} sha256:{value}" for name, value in result.inputs.items())
    lines.append(f"- Inputs: {digests}")
    counts = ", ".join(f"{s}: {result.summary.get(s, 0)}" for s in STATUSES)
    lines.append(f"- Findings: {counts}")
    if result.scope.databases:
        dbs = "; ".join(
            d.label() + (f" ({d.platform})" if d.platform else "") for d in result.scope.databases
        )
        lines.append(f"- Databases: {_cell(dbs)}")
    if result.selection is not None:
        lines.append(f"- Selection: {_cell(selection_text(result.selection))}")
        partial_ids = [pr.id for pr in result.promises if pr.left_out]
        if partial_ids:
            lines.append(
                f"- Partial promises (checks left out, never PASS): {', '.join(partial_ids)}"
            )
    lines.append("")
    lines.append("## Promises")
    lines.append("")
    lines.append("| Promise | Clause | Verdict | Findings |")
    lines.append("|---|---|---|---|")
    for promise in result.promises:
        tally = ", ".join(f"{k} {v}" for k, v in promise.counts.items() if v)
        at = promise.clause_offsets
        where = f" (characters {at.start}-{at.end})" if at else ""
        clause = promise.clause + _terms(promise.parameters)
        partial = f" (partial: {len(promise.left_out)} checks left out)" if promise.left_out else ""
        lines.append(
            f"| {promise.id} | {_cell(clause)}{where} | **{_ICON[promise.verdict]}**{partial} | {tally or 'none'} |"
        )
    lines.append("")
    lines.append("## Safeguards")
    lines.append("")
    lines.append("| Safeguard | Promised | Verdict |")
    lines.append("|---|---|---|")
    for sg in result.safeguards:
        if sg.promised or sg.verdict:
            partial = " (partial)" if sg.left_out else ""
            lines.append(
                f"| {_cell(sg.title)} | {'yes' if sg.promised else 'no'} | "
                f"{_ICON[sg.verdict]}{partial} |"
            )
    yield _lines(lines)
    for title, status in _SECTIONS:
        keys = (_WIDE, status) if status == "WAIVED" else (status,)
        chosen = sum(listed[key] for key in keys)
        if not chosen:
            continue
        yield _lines(
            [
                "",
                f"## {title} ({chosen})",
                "",
                "| Policy | Severity | Resource | Message |",
                "|---|---|---|---|",
            ]
        )
        for key in keys:
            yield from spools[key].read_back()
    lines = []
    if passes.passes:
        lines.append("")
        lines.append(f"## Passed ({passes.counted}), counted per place")
        lines.append("")
        lines.append(f"Up to {PASS_SAMPLE} resources named per place; result.json lists every one.")
        lines.append("")
        lines.append("| Policy | Where | Region | PASS | Resources |")
        lines.append("|---|---|---|---|---|")
        for g in passes.passes:
            named = ", ".join(g.sample) + (f" and {g.more} more" if g.more else "")
            lines.append(
                f"| {g.policy_id} | {_cell(g.place)} | {_cell(g.region or '-')} | {g.count} | "
                f"{_cell(named)} |"
            )
    if result.policies_not_run:
        lines.append("")
        lines.append(f"## Policies not run ({len(result.policies_not_run)})")
        lines.append("")
        lines.extend(f"- {n.policy_id}: {_cell(n.reason)}" for n in result.policies_not_run)
    if result.warnings:
        lines.append("")
        lines.append("## Warnings")
        lines.append("")
        lines.extend(f"- {_cell(w)}" for w in result.warnings)
    if result.attestations:
        lines.append("")
        lines.append("## Attestations")
        lines.append("")
        lines.append("| Attestation | Answers | Document | SHA-256 | Signed | Review by | State |")
        lines.append("|---|---|---|---|---|---|---|")
        for a in result.attestations:
            state = a.state + (f": {a.detail}" if a.detail else "")
            lines.append(
                f"| {_cell(a.id)} | {_cell(a.answers)} | {_cell(a.document)} | "
                f"{_cell(a.sha256 or 'none')} | {_cell(a.signed_by)}, {a.signed_on} | {a.review_by} | "
                f"{_cell(state)} |"
            )
    if result.waivers_expiring:
        lines.append("")
        lines.append("## Waivers expiring soon")
        lines.append("")
        lines.extend(
            f"- {w.id} ({w.policy}, {_cell(w.resource)}) expires {w.expiry_text()}, approved by {_cell(w.approver)}"
            for w in result.waivers_expiring
        )
    yield _lines(lines)


def render(result: RunResult) -> bytes:
    return b"".join(chunks(result))


__all__ = ["chunks", "render"]
