"""Words every renderer shares: where a resource lives, and when the run's moments happened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from auditor.core.model.base import ResourceRef
from auditor.core.result import RunResult, SelectionRecord

#: A Google Workspace customer id (Admin SDK ``customerId``: ``C`` and alphanumerics), or the
#: Admin SDK's alias for the caller's own customer.
_WORKSPACE_CUSTOMER = re.compile(r"^(C[0-9A-Za-z]{4,}|my_customer)$")


def place_label(ref: ResourceRef) -> str:
    """Where a resource lives, in the provider's own words.

    AWS resources live in an account; GCP resources in a project, a folder or the organization
    (their full name, ``folders/ID``); Google Workspace users (``gcp.directory.*``) in a
    Workspace customer (``C0abc123``), which is not a GCP project.
    """
    if ref.provider == "aws":
        return f"aws account {ref.account}"
    if ref.provider == "baa":
        return "BAA (contractual, shown by documents)"
    if ref.provider == "postgres":
        return f"postgres database {ref.account}"
    if ref.provider == "gcp":
        if ref.type.startswith("gcp.directory.") or _WORKSPACE_CUSTOMER.match(ref.account):
            return f"Google Workspace customer {ref.account}"
        if "/" in ref.account:
            return f"gcp {ref.account}"
        return f"gcp project {ref.account}"
    return f"{ref.provider} {ref.account}"


@dataclass(frozen=True)
class TimelineEntry:
    label: str
    when: datetime


def timeline(result: RunResult) -> list[TimelineEntry]:
    """The run's moments in the order they happened.

    ``scan`` and ``demo`` start the run before they collect; ``evaluate`` starts after the
    snapshot was collected, possibly years later. Either way the entries come out in time order,
    each named for what happened then.
    """
    entries: list[TimelineEntry] = []
    collected = result.collected_at
    if collected is not None and result.started_at <= collected:
        entries.append(TimelineEntry("Run started", result.started_at))
        entries.append(TimelineEntry("Evidence collected", collected))
    else:
        if collected is not None:
            entries.append(TimelineEntry("Evidence collected", collected))
        entries.append(TimelineEntry("Evaluation started", result.started_at))
    entries.append(TimelineEntry("Evaluated (run finished)", result.finished_at))
    return sorted(entries, key=lambda e: e.when)


def selection_text(selection: SelectionRecord) -> str:
    """What a narrowed run was limited to, and the checks that would have run it left out:
    ``--checks AWS-* --severity high; left out (2): AWS-KMS-001, GCP-KMS-002``."""
    criteria = " ".join(
        f"{option} {','.join(values)}"
        for option, values in (
            ("--checks", selection.checks),
            ("--skip-checks", selection.skip_checks),
            ("--services", selection.services),
            ("--severity", selection.severity),
        )
        if values
    )
    left = ", ".join(i.policy_id for i in selection.left_out) or "none"
    return f"{criteria}; left out ({len(selection.left_out)}): {left}"


__all__ = ["TimelineEntry", "place_label", "selection_text", "timeline"]
