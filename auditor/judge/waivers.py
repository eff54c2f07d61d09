"""Waivers: accepted risk with a reason, an approver, an expiry and a resource pattern.

A waiver turns a matching FAIL into WAIVED while it is in force. An expired waiver turns back into
FAIL, and the run carries a warning. Waived findings stay visible in every report.

A waiver that matches every policy (``policy: "*"``) or every resource (``resource: "*"``, also
the default) is a *wildcard* waiver: it must say so with ``scope: all``, and every report lists
such waivers first. A waiver whose policy id or pattern names no loaded policy is an error.
:func:`check_waivers` reports every mistake of a file at once, each at its line
(``baa-audit waivers validate``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.fileio import sha256_file
from auditor.core.result import Finding, WaiverRef, is_wildcard_pattern
from auditor.core.validation import ClosedModel, validate_strict
from auditor.core.yamlio import LineDict, line_of, plain, read_yaml_input


class Waiver(ClosedModel):
    id: str = Field(min_length=1, max_length=200)
    policy: str = Field(min_length=1, description="policy id, or a glob such as AWS-ELB-*")
    resource: str = Field(default="*", description="glob over the resource id (ARN, resource name)")
    account: str = Field(default="*", description="glob over the account or project")
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: date
    scope: Literal["all"] | None = Field(
        default=None,
        description="'all' acknowledges a wildcard waiver (policy or resource '*'); required for one",
    )

    @property
    def wildcard(self) -> bool:
        """True when the waiver matches every policy or every resource."""
        return is_wildcard_pattern(self.policy) or is_wildcard_pattern(self.resource)

    def matches(self, policy_id: str, resource_id: str, account: str) -> bool:
        return (
            fnmatch.fnmatchcase(policy_id, self.policy)
            and fnmatch.fnmatchcase(resource_id, self.resource)
            and fnmatch.fnmatchcase(account, self.account)
        )

    def expired_on(self, today: date) -> bool:
        return today > self.expires

    def ref(self, today: date) -> WaiverRef:
        return WaiverRef(
            id=self.id,
            reason=self.reason,
            approver=self.approver,
            expires=self.expires,
            policy=self.policy,
            resource=self.resource,
            expired=self.expired_on(today),
        )


class WaiverFile(ClosedModel):
    waivers: list[Waiver] = Field(default_factory=list)


@dataclass
class WaiverCheck:
    """What :func:`check_waivers` found: the waivers that are valid, every problem, and notes."""

    file: Path
    waivers: list[Waiver] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def _entries(node: Any) -> list[Any]:
    if isinstance(node, dict) and isinstance(node.get("waivers"), list):
        return list(node["waivers"])
    return []


def check_waivers(
    path: Path,
    policy_ids: Iterable[str] | None = None,
    *,
    findings: Sequence[Finding] | None = None,
    today: date | None = None,
) -> WaiverCheck:
    """Check a waivers file, collecting every problem (each with its line) instead of stopping.

    ``policy_ids`` (the loaded policy set) makes a waiver naming no known policy an error;
    ``findings`` (of a result) adds a note for each waiver that matches none of them, and
    ``today`` a note for each expired waiver.
    """
    report = WaiverCheck(file=path)
    shown = str(path)
    if not path.is_file():
        raise InputError("waivers file not found", file=path)
    node = read_yaml_input(path, "waivers")
    if node is None:
        return report
    if not isinstance(node, dict):
        report.problems.append(Problem(shown, 1, "a waivers file is a mapping with 'waivers:'"))
        return report
    extra = sorted(set(node) - {"waivers"})
    for key in extra:
        report.problems.append(Problem(shown, line_of(node, key), f"{key}: unknown key"))
    if "waivers" in node and not isinstance(node["waivers"], list):
        report.problems.append(
            Problem(shown, line_of(node, "waivers"), "waivers: must be a list of waivers")
        )
    known = sorted(set(policy_ids)) if policy_ids is not None else None
    seen: dict[str, int | None] = {}
    for index, entry in enumerate(_entries(node)):
        where = ("waivers", index)
        try:
            waiver = validate_strict(Waiver, plain(entry), shown, node, where)
        except ValidationFailed as exc:
            report.problems.extend(exc.problems)
            continue
        problems_before = len(report.problems)
        line = line_of(node, *where, "id")
        if waiver.id in seen:
            report.problems.append(
                Problem(
                    shown,
                    line,
                    f"duplicate waiver id {waiver.id!r} (first at line {seen[waiver.id]})",
                )
            )
        else:
            seen[waiver.id] = line
        if waiver.wildcard and waiver.scope != "all":
            axis = "policy" if is_wildcard_pattern(waiver.policy) else "resource"
            key = axis if isinstance(entry, LineDict) and axis in entry else "id"
            report.problems.append(
                Problem(
                    shown,
                    line_of(node, *where, key),
                    f"waiver {waiver.id!r} matches every {axis} ({axis}: {getattr(waiver, axis)!r}); "
                    "say 'scope: all' to mean it, or narrow the pattern",
                )
            )
        if known is not None and not any(fnmatch.fnmatchcase(p, waiver.policy) for p in known):
            report.problems.append(
                Problem(
                    shown,
                    line_of(node, *where, "policy"),
                    f"waiver {waiver.id!r}: no policy matches {waiver.policy!r} "
                    "(see 'baa-audit policies list')",
                )
            )
        if len(report.problems) > problems_before:
            continue
        report.waivers.append(waiver)
        if today is not None and waiver.expired_on(today):
            report.notes.append(
                Problem(
                    shown,
                    line_of(node, *where, "expires"),
                    f"waiver {waiver.id!r} expired on {waiver.expires}",
                )
            )
        if findings is not None and not any(
            waiver.matches(f.policy_id, f.resource.id, f.resource.account) for f in findings
        ):
            report.notes.append(
                Problem(shown, line, f"waiver {waiver.id!r} matches no finding of the result")
            )
    return report


def load_waivers(path: Path, policy_ids: Iterable[str] | None = None) -> tuple[list[Waiver], str]:
    """Load a waivers file; returns the waivers and the file's SHA-256.

    Every mistake is raised at once (:class:`ValidationFailed`); ``policy_ids`` (the loaded
    policy set) makes a waiver for an unknown policy one of them.
    """
    report = check_waivers(path, policy_ids)
    if report.problems:
        raise ValidationFailed(report.problems)
    return report.waivers, sha256_file(path)


def wildcard_first(waivers: Sequence[Waiver]) -> list[Waiver]:
    """``waivers`` with the wildcard ones first (the order every listing shows them in)."""
    return sorted(waivers, key=lambda w: not w.wildcard)


__all__ = ["Waiver", "WaiverCheck", "WaiverFile", "check_waivers", "load_waivers", "wildcard_first"]
