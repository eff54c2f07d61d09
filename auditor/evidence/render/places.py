"""Words every renderer shares: where a resource lives, and when the run's moments happened."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from auditor.core.model.base import ResourceRef
from auditor.core.result import Finding, RunResult, SelectionRecord

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


def selection_criteria(selection: SelectionRecord) -> list[tuple[str, list[str]]]:
    """The criteria a narrowed run was given, each (its field of the record: checks,
    skip_checks, services, severity; its values); the option is :func:`option_of` the field."""
    given = {
        "checks": selection.checks,
        "skip_checks": selection.skip_checks,
        "services": selection.services,
        "severity": selection.severity,
    }
    return [(name, values) for name, values in given.items() if values]


def option_of(criterion: str) -> str:
    """The command-line option of a selection criterion: skip_checks is --skip-checks."""
    return "--" + criterion.replace("_", "-")


def selection_text(selection: SelectionRecord) -> str:
    """What a narrowed run was limited to, and the checks that would have run it left out:
    ``--checks AWS-* --severity high; left out (2): AWS-KMS-001, GCP-KMS-002``."""
    criteria = " ".join(
        f"{option_of(name)} {','.join(values)}" for name, values in selection_criteria(selection)
    )
    left = ", ".join(i.policy_id for i in selection.left_out) or "none"
    return f"{criteria}; left out ({len(selection.left_out)}): {left}"


#: A policy with more PASS findings than this in one table of a human report (HTML, PDF,
#: Markdown) shows them as counts per place (account or project, and region) instead of one row
#: per resource; every finding is still in result.json, CSV, SARIF, JUnit and OCSF.
PASS_SUMMARY_THRESHOLD = 25
#: Resources named per place in such a count, in the findings' order; the rest are counted.
PASS_SAMPLE = 5


@dataclass
class PassGroup:
    """The PASS findings of one policy in one place, counted."""

    policy_id: str
    place: str
    region: str | None
    count: int = 0
    #: names of the first :data:`PASS_SAMPLE` resources
    sample: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many of them are counted and not named."""
        return self.count - len(self.sample)


@dataclass(frozen=True)
class FindingRows:
    """What a human report's findings table shows: the findings listed one by one (every FAIL,
    ERROR, MANUAL, WAIVED, ATTESTED and NOT_APPLICABLE, and the PASS findings of policies with
    few of them), in their original order, and the PASS findings of the other policies counted
    per place."""

    listed: list[Finding]
    passes: list[PassGroup]

    @property
    def counted(self) -> int:
        """PASS findings counted in :attr:`passes` rather than listed."""
        return sum(g.count for g in self.passes)


def _name(ref: ResourceRef) -> str:
    if ref.location is not None and ref.location.address:
        return ref.location.address
    return ref.name or ref.id


class PassTally:
    """The PASS findings of one table, counted per policy and per (place, region) as they are
    read in the table's order, holding none of them: a policy with more than ``threshold`` PASS
    findings here is shown as counts (:meth:`groups`), naming the first ``sample`` resources of
    each place; the others' PASS findings are listed one by one (:meth:`listed`)."""

    def __init__(self, threshold: int = PASS_SUMMARY_THRESHOLD, sample: int = PASS_SAMPLE) -> None:
        self.threshold = threshold
        self.sample = sample
        #: PASS findings read so far, per policy, in the order first read
        self.per_policy: dict[str, int] = {}
        self._groups: dict[tuple[str, str, str], PassGroup] = {}

    def add(self, finding: Finding) -> int:
        """Count a PASS finding; how many of its policy's this table has read, it included."""
        ref = finding.resource
        place = place_label(ref)
        key = (finding.policy_id, place, ref.region or "")
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = PassGroup(finding.policy_id, place, ref.region)
        group.count += 1
        if len(group.sample) < self.sample:
            group.sample.append(_name(ref))
        seen = self.per_policy.get(finding.policy_id, 0) + 1
        self.per_policy[finding.policy_id] = seen
        return seen

    def listed(self, policy_id: str) -> bool:
        """Whether the PASS findings of ``policy_id`` are listed one by one (not counted)."""
        return self.per_policy.get(policy_id, 0) <= self.threshold

    def groups(self) -> list[PassGroup]:
        """The counted policies' PASS findings per place, by policy, place and region."""
        kept = [g for g in self._groups.values() if not self.listed(g.policy_id)]
        return sorted(kept, key=lambda g: (g.policy_id, g.place, g.region or ""))


def summarise_passes(
    findings: Iterable[Finding],
    threshold: int = PASS_SUMMARY_THRESHOLD,
    sample: int = PASS_SAMPLE,
) -> FindingRows:
    """Split ``findings`` (any iterable, read once) into the rows a human report lists and the
    PASS findings it counts per place: a policy with more than ``threshold`` PASS findings here
    is counted per (place, region), naming the first ``sample`` resources of each
    (:class:`PassTally`). Only PASS is ever counted this way; at most ``threshold`` PASS findings
    per policy are held at a time."""
    listed: list[tuple[int, Finding]] = []
    held: dict[str, list[tuple[int, Finding]]] = {}
    tally = PassTally(threshold, sample)
    for index, finding in enumerate(findings):
        if finding.status != "PASS":
            listed.append((index, finding))
            continue
        seen = tally.add(finding)
        if seen <= threshold:
            held.setdefault(finding.policy_id, []).append((index, finding))
        elif seen == threshold + 1:
            held.pop(finding.policy_id, None)
    for mine in held.values():
        listed.extend(mine)
    listed.sort(key=lambda item: item[0])
    return FindingRows([f for _, f in listed], tally.groups())


__all__ = [
    "PASS_SAMPLE",
    "PASS_SUMMARY_THRESHOLD",
    "FindingRows",
    "PassGroup",
    "PassTally",
    "TimelineEntry",
    "place_label",
    "selection_text",
    "summarise_passes",
    "timeline",
]
