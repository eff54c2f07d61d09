"""Choosing which checks run: ``--checks``, ``--skip-checks``, ``--services``, ``--severity``.

The way Prowler (``--checks``, ``--excluded-checks``, ``--services``, ``--severity``) and Checkov
(``--check``, ``--skip-check``) users narrow a run, over the policies a profile runs:

* ``checks``: policy ids or globs (``AWS-S3-*``); only matching policies run;
* ``skip_checks``: policy ids or globs that never run (wins over ``checks``);
* ``services``: a resource type's service (``s3``, ``elbv2``, ``sql``), optionally with its
  provider (``aws.s3``, ``gcp.storage``), or a glob of either;
* ``severity``: the severities that run (``high,critical``); an exact list, as Prowler's.

Every criterion given must hold for a policy to run. A value that names nothing (an unknown
id, a glob matching no policy, an unknown service or severity) is an input error naming the
value and the closest known ones; all such mistakes are reported at once.

Leaving checks out never makes a promise pass on what was not checked:
:func:`record_selection` notes, on every promise and safeguard that lost a policy, which ones
were left out, and a verdict that is not already FAIL becomes ERROR ("partial: not fully
assessed"). FAIL stays FAIL: the checks that ran already break the promise.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.inventory import Inventory
from auditor.core.result import (
    SEVERITIES,
    LeftOutPolicy,
    PromiseResult,
    RunResult,
    SafeguardResult,
    SelectionRecord,
)
from auditor.judge.attestations import CONTRACT_SEVERITY, contract_policy_id
from auditor.judge.engine import policy_applies
from auditor.judge.policy.loader import PolicySet
from auditor.judge.policy.model import Policy
from auditor.judge.profile import LoadedProfile

#: The service of the contractual items (``BAA-<PROMISE>``: promises no API can show, answered by
#: attestations): ``--services contract`` (or ``baa.contract``) picks them.
CONTRACT_SERVICE = "baa.contract"

_GLOB = frozenset("*?[")


def split_values(values: Iterable[str]) -> tuple[str, ...]:
    """Repeated and comma-separated option values, stripped, empty ones dropped, in order."""
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            item = part.strip()
            if item and item not in out:
                out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Selection:
    """What the user asked for (empty tuples: no narrowing by that criterion)."""

    checks: tuple[str, ...] = ()
    skip_checks: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        checks: Iterable[str] = (),
        skip_checks: Iterable[str] = (),
        services: Iterable[str] = (),
        severity: Iterable[str] = (),
    ) -> Selection:
        """From option values (each repeatable and comma-separated)."""
        return cls(
            checks=tuple(c.upper() for c in split_values(checks)),
            skip_checks=tuple(c.upper() for c in split_values(skip_checks)),
            services=tuple(s.lower() for s in split_values(services)),
            severity=tuple(s.lower() for s in split_values(severity)),
        )

    @property
    def empty(self) -> bool:
        return not (self.checks or self.skip_checks or self.services or self.severity)

    def record(self, left_out: Sequence[LeftOutPolicy] = ()) -> SelectionRecord:
        return SelectionRecord(
            checks=list(self.checks),
            skip_checks=list(self.skip_checks),
            services=list(self.services),
            severity=list(self.severity),
            left_out=list(left_out),
        )


@dataclass(frozen=True)
class SelectionOutcome:
    """The policies that run and those the selection left out, each with its reason."""

    chosen: tuple[Policy, ...]
    left_out: tuple[LeftOutPolicy, ...] = ()
    dropped: tuple[Policy, ...] = ()  # the left-out policies themselves, in the same order

    @property
    def chosen_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.chosen)

    @property
    def dropped_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.dropped)


def service_of(policy: Policy) -> str:
    """``aws.s3`` for a policy on ``aws.s3.bucket``: provider and service of its resource type."""
    return ".".join(policy.resource_type.split(".")[:2])


def _is_glob(value: str) -> bool:
    return any(ch in _GLOB for ch in value)


def _matches_id(policy_id: str, patterns: Sequence[str]) -> str | None:
    return next((p for p in patterns if fnmatch.fnmatchcase(policy_id, p)), None)


def _matches_service(service: str, patterns: Sequence[str]) -> bool:
    bare = service.split(".", 1)[1] if "." in service else service
    return any(
        fnmatch.fnmatchcase(service, p) or ("." not in p and fnmatch.fnmatchcase(bare, p))
        for p in patterns
    )


def _near(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(set(known)), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def contract_ids(profile: LoadedProfile) -> dict[str, str]:
    """The contractual items' ids a run under ``profile`` lists, each with its safeguard."""
    return {
        contract_policy_id(p.id): p.safeguards[0]
        for p in profile.profile.promises
        if p.manual_evidence is not None
    }


def check_selection(
    selection: Selection, policies: Sequence[Policy], contract: Iterable[str] = ()
) -> list[Problem]:
    """Every value of ``selection`` that names nothing in ``policies`` (all that are loaded,
    whatever the profile) or among the ``contract`` item ids, one problem each, named by its
    option; raises nothing."""
    contract = list(contract)
    ids = {p.id for p in policies} | set(contract)
    services = {service_of(p) for p in policies} | ({CONTRACT_SERVICE} if contract else set())
    bare = {s.split(".", 1)[1] for s in services}
    problems: list[Problem] = []

    def problem(option: str, message: str) -> None:
        problems.append(Problem(option, None, message))

    for option, values in (
        ("--checks", selection.checks),
        ("--skip-checks", selection.skip_checks),
    ):
        for value in values:
            if _is_glob(value):
                if not any(fnmatch.fnmatchcase(i, value) for i in ids):
                    problem(option, f"{value!r} matches no policy (see 'baa-audit policies list')")
            elif value not in ids:
                hint = _near(value, ids) or " (see 'baa-audit policies list')"
                problem(option, f"unknown policy id {value!r}{hint}")
    for value in selection.services:
        if _is_glob(value):
            if not any(_matches_service(s, [value]) for s in services):
                problem("--services", f"{value!r} matches no service")
        elif value not in services and value not in bare:
            hint = _near(value, services | bare) or f"; services: {', '.join(sorted(bare))}"
            problem("--services", f"unknown service {value!r}{hint}")
    for value in selection.severity:
        if value not in SEVERITIES:
            problem(
                "--severity",
                f"unknown severity {value!r}{_near(value, SEVERITIES)} "
                f"(severities: {', '.join(SEVERITIES)})",
            )
    return problems


def validate_selection(
    selection: Selection, policies: Sequence[Policy], contract: Iterable[str] = ()
) -> None:
    """Raise :class:`ValidationFailed` naming every value that names nothing (exit code 2)."""
    problems = check_selection(selection, policies, contract)
    if problems:
        raise ValidationFailed(problems)


def _why_left_out(policy: Policy, selection: Selection) -> str | None:
    return _why_left_out_of(policy.id, service_of(policy), policy.doc.severity, selection)


def _why_left_out_of(
    check_id: str, service: str, severity: str, selection: Selection
) -> str | None:
    skipped = _matches_id(check_id, selection.skip_checks)
    if skipped is not None:
        return f"--skip-checks {skipped}"
    if selection.checks and _matches_id(check_id, selection.checks) is None:
        return "not in --checks"
    if selection.services and not _matches_service(service, selection.services):
        return f"service {service} not in --services"
    if selection.severity and severity not in selection.severity:
        return f"severity {severity} not in --severity"
    return None


def narrow_contract(
    profile: LoadedProfile, selection: Selection
) -> tuple[LoadedProfile, list[LeftOutPolicy]]:
    """``profile`` with the contractual items the selection leaves out no longer listed (their
    promises keep their clause and parameters), and those items with their reasons."""
    left_out: list[LeftOutPolicy] = []
    promises = []
    for promise in profile.profile.promises:
        kept = promise
        if promise.manual_evidence is not None:
            check_id = contract_policy_id(promise.id)
            reason = _why_left_out_of(check_id, CONTRACT_SERVICE, CONTRACT_SEVERITY, selection)
            if reason is not None:
                left_out.append(LeftOutPolicy(policy_id=check_id, reason=reason))
                kept = promise.model_copy(update={"manual_evidence": None})
        promises.append(kept)
    if not left_out:
        return profile, left_out
    narrowed = profile.profile.model_copy(update={"promises": promises})
    return profile.model_copy(update={"profile": narrowed}), left_out


def select_policies(policies: Sequence[Policy], selection: Selection) -> SelectionOutcome:
    """Split ``policies`` (those that would run) into chosen and left out. Pure."""
    chosen: list[Policy] = []
    dropped: list[Policy] = []
    left_out: list[LeftOutPolicy] = []
    for policy in policies:
        reason = _why_left_out(policy, selection)
        if reason is None:
            chosen.append(policy)
        else:
            dropped.append(policy)
            left_out.append(LeftOutPolicy(policy_id=policy.id, reason=reason))
    return SelectionOutcome(tuple(chosen), tuple(left_out), tuple(dropped))


def providers_in(inventory: Inventory) -> set[str]:
    """The providers whose policies the engine runs on ``inventory`` (its scope, else what it holds)."""
    providers: set[str] = set(inventory.header.scope.providers)
    if not providers:
        providers.update(r.provider for r in inventory.resources)
        providers.update(c.provider for c in inventory.coverage)
        providers.update(g.provider for g in inventory.listing_gaps)
    return providers


def would_run(
    policies: Sequence[Policy], profile: LoadedProfile, providers: Iterable[str]
) -> list[Policy]:
    """The policies the engine runs under ``profile`` for ``providers`` (before any selection)."""
    params = profile.profile.parameters().resolved()
    promised = profile.profile.promised_safeguards()
    wanted = set(providers)
    return [p for p in policies if p.provider in wanted and policy_applies(p, params, promised)]


def require_some(selection: Selection, candidates: Sequence[Policy], where: str) -> None:
    """An input error when ``selection`` leaves none of ``candidates`` (the policies that would
    run ``where``) to run: a run that judges nothing must not look clean."""
    if selection.empty or select_policies(candidates, selection).chosen:
        return
    raise InputError(
        f"the selection leaves nothing to run: none of the {len(candidates)} policies that run "
        f"{where} matches it (see 'baa-audit policies list --profile ...' with the same options)"
    )


def narrow(
    policies: PolicySet, selection: Selection, candidates: Sequence[Policy]
) -> tuple[PolicySet, SelectionOutcome]:
    """``policies`` without the ``candidates`` (those that would run) the selection leaves out."""
    outcome = select_policies(candidates, selection)
    dropped = {item.policy_id for item in outcome.left_out}
    kept = tuple(p for p in policies.policies if p.id not in dropped)
    return PolicySet(kept, policies.catalog, policies.sha256, policies.files), outcome


@dataclass
class _Partial:
    left: dict[str, list[str]] = field(default_factory=dict)  # safeguard -> policy ids


def _partial_note(verdict: str, left: list[str]) -> str:
    shown = ", ".join(left[:8]) + (f" and {len(left) - 8} more" if len(left) > 8 else "")
    if verdict == "FAIL":
        return (
            f"Fails on the checks that ran; {len(left)} more were left out by the selection "
            f"({shown})."
        )
    return (
        f"Partial: {len(left)} of its checks were left out by the selection ({shown}); "
        "not fully assessed, not passed."
    )


def record_selection(
    result: RunResult,
    selection: Selection,
    left_out: Sequence[LeftOutPolicy],
    policies: Sequence[Policy],
    contract: Mapping[str, str] | None = None,
) -> RunResult:
    """``result`` with the selection recorded and the roll-ups marked where checks were left out.

    ``left_out`` are the policies (and contractual items) that would have run in this scope and
    did not; ``policies`` and ``contract`` (item id -> safeguard) resolve their safeguards. A promise or promised safeguard that lost a policy lists it in
    ``left_out``; its verdict, unless FAIL, becomes ERROR with a note saying it is partial.
    """
    safeguard_of = {p.id: p.doc.safeguard for p in policies} | dict(contract or {})
    partial = _Partial()
    for item in left_out:
        key = safeguard_of.get(item.policy_id)
        if key is not None:
            partial.left.setdefault(key, []).append(item.policy_id)

    promises: list[PromiseResult] = []
    for promise in result.promises:
        left = sorted({i for s in promise.safeguards for i in partial.left.get(s, [])})
        if not left:
            promises.append(promise)
            continue
        verdict = promise.verdict if promise.verdict == "FAIL" else "ERROR"
        promises.append(
            promise.model_copy(
                update={"verdict": verdict, "left_out": left, "note": _partial_note(verdict, left)}
            )
        )
    safeguards: list[SafeguardResult] = []
    for safeguard in result.safeguards:
        left = sorted(partial.left.get(safeguard.key, []))
        if not left or not safeguard.promised:
            safeguards.append(safeguard)
            continue
        verdict = safeguard.verdict if safeguard.verdict == "FAIL" else "ERROR"
        safeguards.append(safeguard.model_copy(update={"verdict": verdict, "left_out": left}))
    return result.model_copy(
        update={
            "selection": selection.record(left_out),
            "promises": promises,
            "safeguards": safeguards,
        }
    )


__all__ = [
    "Selection",
    "SelectionOutcome",
    "check_selection",
    "narrow",
    "providers_in",
    "record_selection",
    "require_some",
    "select_policies",
    "service_of",
    "split_values",
    "validate_selection",
    "would_run",
]
