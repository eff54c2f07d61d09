"""A Markdown summary: promises with verdicts first, then what failed, errored or needs evidence."""

from __future__ import annotations

from auditor.core.result import STATUSES, Finding, RunResult

_ICON = {
    "PASS": "PASS",
    "FAIL": "FAIL",
    "ERROR": "ERROR (not assessed)",
    "MANUAL": "MANUAL (evidence needed)",
    "WAIVED": "WAIVED",
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
    return f"{name} ({where})"


def render(result: RunResult) -> bytes:
    lines: list[str] = []
    p = result.profile
    lines.append(f"# BAA audit: {p.title}")
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
    lines.append("")
    lines.append("## Promises")
    lines.append("")
    lines.append("| Promise | Clause | Verdict | Findings |")
    lines.append("|---|---|---|---|")
    for promise in result.promises:
        tally = ", ".join(f"{k} {v}" for k, v in promise.counts.items() if v)
        lines.append(
            f"| {promise.id} | {_cell(promise.clause)} | **{_ICON[promise.verdict]}** | {tally or 'none'} |"
        )
    lines.append("")
    lines.append("## Safeguards")
    lines.append("")
    lines.append("| Safeguard | Promised | Verdict |")
    lines.append("|---|---|---|")
    for sg in result.safeguards:
        if sg.promised or sg.verdict:
            lines.append(
                f"| {_cell(sg.title)} | {'yes' if sg.promised else 'no'} | {_ICON[sg.verdict]} |"
            )
    sections = [
        ("Failures", "FAIL"),
        ("Not assessed (errors)", "ERROR"),
        ("Evidence to attach (manual)", "MANUAL"),
        ("Waived", "WAIVED"),
    ]
    for title, status in sections:
        chosen = [f for f in result.findings if f.status == status]
        if not chosen:
            continue
        lines.append("")
        lines.append(f"## {title} ({len(chosen)})")
        lines.append("")
        lines.append("| Policy | Severity | Resource | Message |")
        lines.append("|---|---|---|---|")
        for f in chosen:
            message = f.message
            if status == "MANUAL" and f.manual_evidence:
                message += f" Evidence to attach: {f.manual_evidence}"
            if f.waiver:
                message += f" Waiver {f.waiver.id} by {f.waiver.approver} until {f.waiver.expires}: {f.waiver.reason}"
            lines.append(
                f"| {f.policy_id} | {f.severity} | {_cell(_resource(f))} | {_cell(message)} |"
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
    if result.waivers_expiring:
        lines.append("")
        lines.append("## Waivers expiring soon")
        lines.append("")
        lines.extend(
            f"- {w.id} ({w.policy}, {_cell(w.resource)}) expires {w.expires}, approved by {_cell(w.approver)}"
            for w in result.waivers_expiring
        )
    lines.append("")
    return "\n".join(lines).encode()


__all__ = ["render"]
