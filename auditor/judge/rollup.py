"""Roll findings up per BAA promise and per safeguard (also used when shard results merge).

The rules (docs/architecture.md, "Roll-up"): a promise's verdict is the worst status among its
findings (FAIL > ERROR > MANUAL > WAIVED > PASS > NOT_APPLICABLE). A promise with no finding is
NOT_APPLICABLE when its policies had nothing of their types to judge in scope, MANUAL when no
policy checks it at all; it is never ERROR without a finding saying what was not assessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from auditor.core.result import (
    STATUSES,
    ClauseOffsets,
    Finding,
    PolicyNotRun,
    PromiseResult,
    SafeguardResult,
    Status,
    worst,
)
from auditor.judge.catalog import Catalog
from auditor.judge.profile import Profile


class Tally:
    """What the roll-ups need of the findings, counted as they pass (they need not be held):
    per safeguard, per policy, how many findings of each status."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._counts: dict[str, dict[str, dict[Status, int]]] = {}
        self.add(findings)

    def add(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            by_policy = self._counts.setdefault(finding.safeguard, {})
            statuses = by_policy.setdefault(finding.policy_id, {})
            statuses[finding.status] = statuses.get(finding.status, 0) + 1

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts to these."""
        for safeguard, by_policy in other._counts.items():
            mine = self._counts.setdefault(safeguard, {})
            for policy, statuses in by_policy.items():
                counts = mine.setdefault(policy, {})
                for status, n in statuses.items():
                    counts[status] = counts.get(status, 0) + n

    @property
    def safeguards(self) -> set[str]:
        """The safeguards some finding is of."""
        return set(self._counts)

    def summary(self) -> dict[str, int]:
        """Findings per status, every status named (:func:`~auditor.core.result.summarize`)."""
        return self.counts(list(self._counts))

    def counts(self, safeguards: Iterable[str]) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for key in dict.fromkeys(safeguards):
            for statuses in self._counts.get(key, {}).values():
                for status, n in statuses.items():
                    counts[status] += n
        return counts

    def policies(self, safeguards: Iterable[str]) -> list[str]:
        return sorted({p for key in safeguards for p in self._counts.get(key, {})})

    def verdict(self, safeguards: Iterable[str]) -> Status | None:
        """The worst status among the findings of ``safeguards`` (None: there is none)."""
        counts = self.counts(safeguards)
        return worst(tuple(status for status in STATUSES if counts[status]))


NO_POLICY_NOTE = (
    "No policy checks this promise: it can only be shown with evidence a person attaches."
)
NOTHING_NOTE = (
    "Nothing this promise concerns was found in the scope; the checks that ran are listed."
)


def empty_promise_note(not_run: Sequence[PolicyNotRun]) -> str:
    """Why a promise has no finding: none of its policies ran here, and why each did not."""
    reasons = "; ".join(f"{n.policy_id}: {n.reason}" for n in not_run[:8])
    more = f" (and {len(not_run) - 8} more)" if len(not_run) > 8 else ""
    return (
        "None of this promise's policies had anything to judge in this scope, and nothing of "
        f"the types they judge exists here ({reasons}{more})."
    )


def promise_verdict(
    mine: Sequence[Finding] | Status | None, *, checked: bool, not_run: Sequence[PolicyNotRun] = ()
) -> tuple[Status, str | None]:
    """A promise's verdict from its findings (the worst status; or that status itself, or None
    for no finding), and the note that explains it.

    With no finding at all: NOT_APPLICABLE when some policy checks the promise but none ran
    here (the engine turns "resources exist but were not judged" into ERROR findings first, so
    an empty promise has nothing of its types in scope); MANUAL when no policy checks it. Never
    an ERROR without a finding that says what was not assessed.
    """
    verdict = mine if mine is None or isinstance(mine, str) else worst([f.status for f in mine])
    if verdict is None:
        if not checked:
            return "MANUAL", NO_POLICY_NOTE
        return "NOT_APPLICABLE", empty_promise_note(not_run)
    if verdict == "NOT_APPLICABLE":
        return verdict, NOTHING_NOTE
    return verdict, None


def promise_results(
    findings: Iterable[Finding] | Tally,
    profile: Profile,
    *,
    checked: Iterable[str] | None = None,
    not_run: Sequence[PolicyNotRun] = (),
    safeguard_of: Mapping[str, str] | None = None,
) -> list[PromiseResult]:
    """Each promise's verdict. ``checked``: the safeguards some loaded policy checks (default:
    those with findings); ``not_run`` and ``safeguard_of`` (policy id -> safeguard) say which
    policies did not run for which promise."""
    results: list[PromiseResult] = []
    tally = findings if isinstance(findings, Tally) else Tally(findings)
    covered = set(checked) if checked is not None else tally.safeguards
    for promise in profile.promises:
        mine = promise.safeguards
        skipped = [
            n for n in not_run if (safeguard_of or {}).get(n.policy_id) in promise.safeguards
        ]
        verdict, note = promise_verdict(
            tally.verdict(mine), checked=bool(covered & set(promise.safeguards)), not_run=skipped
        )
        results.append(
            PromiseResult(
                id=promise.id,
                section=promise.section,
                clause=promise.clause,
                clause_offsets=(
                    ClauseOffsets(start=promise.offsets.start, end=promise.offsets.end)
                    if promise.offsets
                    else None
                ),
                safeguards=list(promise.safeguards),
                parameters=promise.parameters.model_dump(mode="json", exclude_unset=True),
                verdict=verdict,
                counts=tally.counts(mine),
                policies=tally.policies(mine),
                note=note,
            )
        )
    return results


def safeguard_results(
    findings: Iterable[Finding] | Tally, profile: Profile, catalog: Catalog
) -> list[SafeguardResult]:
    promised = profile.promised_safeguards()
    results: list[SafeguardResult] = []
    tally = findings if isinstance(findings, Tally) else Tally(findings)
    for key, safeguard in catalog.safeguards.items():
        mine = [key]
        results.append(
            SafeguardResult(
                key=key,
                title=safeguard.title,
                group=safeguard.group,
                description=safeguard.description,
                citations=list(safeguard.citations),
                promised=key in promised,
                verdict=tally.verdict(mine),
                counts=tally.counts(mine),
                policies=tally.policies(mine),
            )
        )
    return results


__all__ = [
    "NOTHING_NOTE",
    "NO_POLICY_NOTE",
    "Tally",
    "empty_promise_note",
    "promise_results",
    "promise_verdict",
    "safeguard_results",
]
