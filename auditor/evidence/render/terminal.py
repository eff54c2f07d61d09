"""The findings table a run prints on stdout: what needs attention, then the counts.

One row per FAIL and ERROR finding (``quiet``: FAIL only) with the policy, its severity, the
resource (the Terraform address and file:line for infrastructure code), the region and the
observed value that decided it (for an ERROR, what could not be read), then one counts line.
Built with rich; every cell is plain text (never rich markup) and neutralised of control
characters first, since resource names, tags and messages come from the cloud or the code.

A pure function of the result, like every renderer; the CLI decides where it goes (stdout).
It is not a ``--format``: nothing is written to a file.
"""

from __future__ import annotations

import heapq
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.core.result import SEVERITIES, STATUSES, Finding, RunResult
from auditor.core.text import neutralise as core_neutralise

#: The longest observed value shown in a cell; the reports carry it whole.
OBSERVED_MAX = 60
#: Width of the table when stdout is not a terminal (CI logs, pre-commit): wide enough that an
#: address or an ARN stays on one line.
PIPE_WIDTH = 160
_STATUS_STYLE = {"FAIL": "bold red", "ERROR": "yellow"}


def neutralise(text: object) -> str:
    """``text`` on one line with every control, format and bidi character shown as an escape
    (:func:`auditor.core.text.neutralise`), so nothing read from a cloud or a file can move the
    cursor, recolour the terminal, hide text or break a table row."""
    return core_neutralise(str(text), keep_newlines=False)


def shorten(text: str, limit: int = OBSERVED_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _flat(values: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested evidence as dotted keys (``tls_parameters.force_ssl``), in the policy's order."""
    for key, value in values.items():
        if isinstance(value, dict) and value:
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def observed(finding: Finding) -> str:
    """What decided the finding, in one short line."""
    if finding.status == "ERROR" and finding.gap is not None:
        gap = finding.gap
        text = f"not read: {gap.operation} {gap.error_code}"
    elif finding.evidence:
        pairs = list(_flat(finding.evidence))
        shown = [(k, v) for k, v in pairs if v is not None and v != {}] or pairs
        text = "; ".join(f"{k}={_value(v)}" for k, v in shown)
    else:
        text = finding.message
    return shorten(neutralise(text))


def resource_label(finding: Finding) -> str:
    """The Terraform address and, on a second line, file:line for code; the id for a live
    resource."""
    ref = finding.resource
    location = ref.location
    if location is not None:
        name = location.address or ref.id
        where = location.file + (f":{location.line_start}" if location.line_start else "")
        return f"{neutralise(name)}\n{neutralise(where)}"
    if ref.id == "*":
        return neutralise(f"all {ref.type} in {ref.account}")
    return neutralise(ref.id)


def attention(
    result: RunResult, quiet: bool = False, limit: int | None = None
) -> tuple[list[Finding], int]:
    """The findings the table shows, most pressing first (the first ``limit`` of them), and how
    many there are in all: one pass, holding at most ``limit`` findings."""
    wanted = ("FAIL",) if quiet else ("FAIL", "ERROR")
    total = 0

    def pressing() -> Iterator[Finding]:
        nonlocal total
        for finding in result.iter_findings(wanted):
            total += 1
            yield finding

    def key(f: Finding) -> tuple[int, int, str, str]:
        return (
            wanted.index(f.status),
            SEVERITIES.index(f.severity),
            f.policy_id,
            resource_label(f),
        )

    # nsmallest(n, ...) is sorted(...)[:n], ties in order, holding n at a time
    rows = sorted(pressing(), key=key) if limit is None else heapq.nsmallest(limit, pressing(), key)
    return rows, total


def counts_line(result: RunResult) -> str:
    counts = ", ".join(f"{s} {result.summary.get(s, 0)}" for s in STATUSES)
    return neutralise(
        f"baa-audit: {result.finding_count()} findings ({counts}) against profile {result.profile.id}"
    )


def findings_table(findings: Sequence[Finding], color: bool = False) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    table.add_column("Status", no_wrap=True)
    table.add_column("Policy", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Resource", overflow="fold")
    table.add_column("Region", no_wrap=True)
    table.add_column("Observed", overflow="fold")
    for f in findings:
        table.add_row(
            Text(f.status, style=_STATUS_STYLE.get(f.status, "") if color else ""),
            Text(neutralise(f.policy_id)),
            Text(f.severity),
            Text(resource_label(f)),
            Text(neutralise(f.resource.region or "-")),
            Text(observed(f)),
        )
    return table


def render_table(
    result: RunResult,
    *,
    quiet: bool = False,
    width: int = PIPE_WIDTH,
    color: bool = False,
    max_rows: int | None = None,
) -> str:
    """The table (when something needs attention) and the counts line, as text.

    ``max_rows``: at most that many rows, then one line saying how many more the reports hold.
    """
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
        emoji=False,
        markup=False,
    )
    rows, total = attention(result, quiet, max_rows)
    more = total - len(rows)
    if rows:
        console.print(findings_table(rows, color))
    if more:
        console.print(
            Text(
                f"... and {more:,} more rows like these: every finding is in result.json and the reports"
            )
        )
    console.print(Text(counts_line(result)))
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


__all__ = [
    "OBSERVED_MAX",
    "PIPE_WIDTH",
    "attention",
    "counts_line",
    "findings_table",
    "neutralise",
    "observed",
    "render_table",
    "resource_label",
    "shorten",
]
