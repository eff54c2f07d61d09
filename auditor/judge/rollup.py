"""Roll findings up per BAA promise and per safeguard (also used when shard results merge).

The rules (docs/architecture.md, "Roll-up"): a promise's verdict is the worst status among its
findings (FAIL > ERROR > MANUAL > WAIVED > PASS > NOT_APPLICABLE). A promise with no finding is
NOT_APPLICABLE when its policies had nothing of their types to judge in scope, MANUAL when no
policy checks it at all; it is never ERROR without a finding saying what was not assessed.
"""

from __future__ import annotations

from collections import defaultdict
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


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts


def _by_safeguard(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.safeguard].append(finding)
    return grouped


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
    mine: Sequence[Finding], *, checked: bool, not_run: Sequence[PolicyNotRun] = ()
) -> tuple[Status, str | None]:
    """A promise's verdict from its findings (the worst status), and the note that explains it.

    With no finding at all: NOT_APPLICABLE when some policy checks the promise but none ran
    here (the engine turns "resources exist but were not judged" into ERROR findings first, so
    an empty promise has nothing of its types in scope); MANUAL when no policy checks it. Never
    an ERROR without a finding that says what was not assessed.
    """
    verdict = worst([f.status for f in mine])
    if verdict is None:
        if not checked:
            return "MANUAL", NO_POLICY_NOTE
        return "NOT_APPLICABLE", empty_promise_note(not_run)
    if verdict == "NOT_APPLICABLE":
        return verdict, NOTHING_NOTE
    return verdict, None


def promise_results(
    findings: Sequence[Finding],
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
    grouped = _by_safeguard(findings)
    covered = set(checked) if checked is not None else set(grouped)
    for promise in profile.promises:
        mine = [f for s in dict.fromkeys(promise.safeguards) for f in grouped.get(s, [])]
        skipped = [
            n for n in not_run if (safeguard_of or {}).get(n.policy_id) in promise.safeguards
        ]
        verdict, note = promise_verdict(
            mine, checked=bool(covered & set(promise.safeguards)), not_run=skipped
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
                counts=_counts(mine),
                policies=sorted({f.policy_id for f in mine}),
                note=note,
            )
        )
    return results


def safeguard_results(
    findings: Sequence[Finding], profile: Profile, catalog: Catalog
) -> list[SafeguardResult]:
    promised = profile.promised_safeguards()
    results: list[SafeguardResult] = []
    grouped = _by_safeguard(findings)
    for key, safeguard in catalog.safeguards.items():
        mine = grouped.get(key, [])
        results.append(
            SafeguardResult(
                key=key,
                title=safeguard.title,
                group=safeguard.group,
                description=safeguard.description,
                citations=list(safeguard.citations),
                promised=key in promised,
                verdict=worst([f.status for f in mine]),
                counts=_counts(mine),
                policies=sorted({f.policy_id for f in mine}),
            )
        )
    return results


__all__ = [
    "NOTHING_NOTE",
    "NO_POLICY_NOTE",
    "empty_promise_note",
    "promise_results",
    "promise_verdict",
    "safeguard_results",
]
