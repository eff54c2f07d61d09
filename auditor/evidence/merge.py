"""Merge the results of N shards into the result of one run.

Shards partition accounts and projects (see :mod:`auditor.core.shard`), and the engine reports per
account and region, so their findings are disjoint and simply concatenate. The scope is the union
(:meth:`Scope.merged`), the summary and the per-promise and per-safeguard roll-ups are recomputed
from the merged findings with the same rules as :mod:`auditor.judge.rollup`. Every shard must come from
the same tool version, profile, policy set and waivers; a shard set with a shard missing or given
twice is refused, so a lost task never reads as a clean audit.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.core.errors import InputError
from auditor.core.result import (
    Finding,
    PromiseResult,
    RunResult,
    SafeguardResult,
    summarize,
    worst,
)
from auditor.judge.rollup import promise_verdict

#: Inputs every shard must share; the snapshot digest differs per shard and is kept per shard.
SHARED_INPUTS = ("policies", "profile", "waivers", "attestations")
_NOT_COLLECTED = "Not assessed: no listing of "


def _check_shards(results: Sequence[RunResult]) -> None:
    labels = [r.scope.shard for r in results]
    if all(label is None for label in labels):
        return
    if any(label is None for label in labels):
        raise InputError("cannot merge sharded and unsharded results together")
    counts = {str(label).split("/")[1] for label in labels}
    if len(counts) != 1:
        raise InputError(f"shards of different shard counts: {', '.join(sorted(map(str, labels)))}")
    n = int(counts.pop())
    have = sorted(int(str(label).split("/")[0]) for label in labels)
    if have != list(range(1, n + 1)):
        missing = sorted(set(range(1, n + 1)) - set(have))
        twice = sorted({k for k in have if have.count(k) > 1})
        parts = []
        if missing:
            parts.append("missing " + ", ".join(f"{k}/{n}" for k in missing))
        if twice:
            parts.append("given twice " + ", ".join(f"{k}/{n}" for k in twice))
        raise InputError(f"incomplete shard set: {'; '.join(parts)}")


def _check_same(results: Sequence[RunResult]) -> None:
    first = results[0]
    for other in results[1:]:
        if other.tool_version != first.tool_version:
            raise InputError(
                f"results of different tool versions: {first.tool_version}, {other.tool_version}"
            )
        if other.profile.id != first.profile.id:
            raise InputError(
                f"results against different profiles: {first.profile.id}, {other.profile.id}"
            )
        for key in SHARED_INPUTS:
            if other.inputs.get(key) != first.inputs.get(key):
                raise InputError(f"results made with different {key} (SHA-256 differs)")


def _is_not_collected(finding: Finding) -> bool:
    return finding.resource.id == "*" and finding.message.startswith(_NOT_COLLECTED)


def _merge_not_collected(findings: list[Finding], accounts: list[str]) -> list[Finding]:
    """The engine's "no listing at all" ERROR, merged as one run would have judged it.

    A shard reports it when it collected nothing of a policy's type, which happens by design when
    another shard holds that type (the global services live in shard 1 of an account split by
    region). One run reports it only when nothing of the type was collected anywhere: so it is
    dropped when another shard has any finding for the policy, and otherwise kept once, naming
    the merged scope's accounts.
    """
    assessed = {f.policy_id for f in findings if not _is_not_collected(f)}
    kept: list[Finding] = []
    seen: set[str] = set()
    for finding in findings:
        if _is_not_collected(finding):
            if finding.policy_id in seen or finding.policy_id in assessed:
                continue
            seen.add(finding.policy_id)
            ref = finding.resource.model_copy(update={"account": ",".join(accounts) or "*"})
            kept.append(finding.model_copy(update={"resource": ref}))
            continue
        kept.append(finding)
    return kept


def _promises(template: list[PromiseResult], findings: list[Finding]) -> list[PromiseResult]:
    out = []
    for promise in template:
        mine = [f for s in dict.fromkeys(promise.safeguards) for f in findings if f.safeguard == s]
        if mine:
            verdict, note = promise_verdict(mine, checked=True)
        else:  # every shard had no finding for it: the shards' verdict and note stand
            verdict, note = promise.verdict, promise.note
        out.append(
            promise.model_copy(
                update={
                    "verdict": verdict,
                    "counts": summarize(mine),
                    "policies": sorted({f.policy_id for f in mine}),
                    "note": note,
                }
            )
        )
    return out


def _safeguards(template: list[SafeguardResult], findings: list[Finding]) -> list[SafeguardResult]:
    out = []
    for safeguard in template:
        mine = [f for f in findings if f.safeguard == safeguard.key]
        out.append(
            safeguard.model_copy(
                update={
                    "verdict": worst([f.status for f in mine]),
                    "counts": summarize(mine),
                    "policies": sorted({f.policy_id for f in mine}),
                }
            )
        )
    return out


def merge(results: Sequence[RunResult]) -> RunResult:
    """One result from the results of all shards (order does not matter)."""
    if not results:
        raise InputError("nothing to merge")
    _check_shards(results)
    _check_same(results)
    ordered = sorted(results, key=lambda r: (r.scope.shard or "", r.started_at))
    first = ordered[0]
    scope = first.scope
    for other in ordered[1:]:
        scope = scope.merged(other.scope)
    scope = scope.model_copy(update={"shard": None})
    findings = sorted((f for r in ordered for f in r.findings), key=Finding.sort_key)
    findings = _merge_not_collected(findings, scope.aws_accounts + scope.gcp_projects)
    inputs = {k: v for k, v in first.inputs.items() if k != "snapshot"}
    for r in ordered:
        if "snapshot" in r.inputs:
            inputs[f"snapshot[{r.scope.shard or 'all'}]"] = r.inputs["snapshot"]
    policies = {}
    citations = {}
    for r in ordered:
        policies.update(r.policies)
        citations.update(r.citations)
    warnings = list(dict.fromkeys(w for r in ordered for w in r.warnings))
    not_run = {n.policy_id: n for r in ordered for n in r.policies_not_run}
    expiring = {w.id: w for r in ordered for w in r.waivers_expiring}
    gaps = sorted(
        {g for r in ordered for g in r.listing_gaps},
        key=lambda g: (g.provider, g.account, g.region or "", g.resource_type, g.operation),
    )
    collected = [r.collected_at for r in ordered if r.collected_at is not None]
    return first.model_copy(
        update={
            "started_at": min(r.started_at for r in ordered),
            "finished_at": max(r.finished_at for r in ordered),
            "collected_at": min(collected) if collected else None,
            "scope": scope,
            "inputs": dict(sorted(inputs.items())),
            "summary": summarize(findings),
            "findings": findings,
            "promises": _promises(first.promises, findings),
            "safeguards": _safeguards(first.safeguards, findings),
            "policies": dict(sorted(policies.items())),
            "citations": dict(sorted(citations.items())),
            "listing_gaps": gaps,
            "warnings": warnings,
            "waivers_expiring": sorted(expiring.values(), key=lambda w: (w.expires, w.id)),
            "policies_not_run": [not_run[k] for k in sorted(not_run)],
        }
    )


__all__ = ["SHARED_INPUTS", "merge"]
