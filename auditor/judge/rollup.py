"""Roll findings up per BAA promise and per safeguard (also used when shard results merge)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from auditor.core.result import (
    STATUSES,
    ClauseOffsets,
    Finding,
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


def promise_results(findings: Sequence[Finding], profile: Profile) -> list[PromiseResult]:
    results: list[PromiseResult] = []
    grouped = _by_safeguard(findings)
    for promise in profile.promises:
        mine = [f for s in dict.fromkeys(promise.safeguards) for f in grouped.get(s, [])]
        verdict: Status | None = worst([f.status for f in mine])
        note = None
        if verdict is None:
            verdict = "ERROR"
            note = "No policy assessed this promise in this scope: it is not assessed, not passed."
        elif verdict == "NOT_APPLICABLE":
            note = "Nothing this promise concerns was found in the scope; the checks that ran are listed."
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


__all__ = ["promise_results", "safeguard_results"]
