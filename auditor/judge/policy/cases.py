"""Run a policy's cases (``<ID>.cases.yaml`` beside it) through the real engine.

Used by the generic test over every shipped policy and by ``baa-audit policies test`` for a
user's own policies. Each case builds a small inventory, evaluates the one policy under a profile
(with optional parameter overrides) and compares the statuses.

Besides a case for every status the policy can yield, a cases file holds two partial-evidence
cases (``partial: true``, each with a gap): a violating fact beside a gap (FAIL) and a satisfying
fact beside a gap (ERROR). When one cannot exist for the policy (it reads a single fact), the
file says why under ``partial_evidence: {fail: <reason>, error: <reason>}``; a status the policy
can never yield (no gap can reach what the profile itself states) is named with its reason
under ``not_possible: {ERROR: <reason>}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.core.errors import InputError
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Coverage, ListingGap, Resource
from auditor.core.scope import Scope
from auditor.core.validation import check_strict
from auditor.core.yamlio import plain, read_yaml_input
from auditor.judge.catalog import Catalog
from auditor.judge.engine import evaluate, policy_applies
from auditor.judge.policy.loader import CASES_SUFFIX, PolicySet
from auditor.judge.policy.model import Policy
from auditor.judge.profile import LoadedProfile, load_profile

REQUIRED_STATUSES = frozenset({"PASS", "FAIL", "ERROR", "NOT_APPLICABLE"})
#: partial-evidence kinds: the status a case with a gap beside a known fact must show
PARTIAL_KINDS = {"fail": "FAIL", "error": "ERROR"}
_MIN_REASON = 20
CASE_NOW = datetime(2026, 6, 1, tzinfo=UTC)
DEFAULT_ACCOUNT = {"aws": "111111111111", "gcp": "sample-project"}


@dataclass(frozen=True)
class CaseOutcome:
    policy_id: str
    name: str
    expected: Any
    actual: dict[str, str]  # resource id -> status
    ok: bool
    problem: str = ""


def required_statuses(policy: Policy) -> frozenset[str]:
    """The statuses a policy's cases must show: every one it can yield.

    A ``manual_only`` policy never passes or fails (it yields MANUAL); one with
    ``on_pass: MANUAL`` yields MANUAL where others would pass.
    """
    if policy.doc.manual_only:
        return frozenset({"MANUAL", "ERROR", "NOT_APPLICABLE"})
    if policy.doc.on_pass == "MANUAL":
        return frozenset({"MANUAL", "FAIL", "ERROR", "NOT_APPLICABLE"})
    return REQUIRED_STATUSES


def cases_file(policy_file: Path) -> Path:
    return policy_file.with_name(policy_file.stem + CASES_SUFFIX)


def _resource(cls: type[Resource], data: Mapping[str, Any], index: int, provider: str) -> Resource:
    values = dict(data)
    values.pop("type", None)
    values.setdefault("id", f"case-resource-{index}")
    values.setdefault("account", DEFAULT_ACCOUNT.get(provider, "account"))
    return check_strict(cls, values)  # as strictly as a snapshot line: "yes" is no boolean


def run_case(
    policy: Policy,
    policies: PolicySet,
    types: Mapping[str, type[Resource]],
    case: Mapping[str, Any],
    profile: LoadedProfile,
) -> CaseOutcome:
    name = str(case.get("name", "unnamed case"))
    expected = case.get("expect")
    provider = policy.provider
    if case.get("partial") and not _has_gap(case):
        return CaseOutcome(
            policy.id, name, expected, {}, False, "a partial-evidence case must carry a gap"
        )
    resources: list[Resource] = []
    try:
        if "resource" in case:
            resources.append(_resource(types[policy.resource_type], case["resource"], 0, provider))
        for index, item in enumerate(case.get("inventory", []) or []):
            rtype = item.get("type", policy.resource_type)
            resources.append(_resource(types[rtype], item, index + 1, provider))
        gaps = [check_strict(ListingGap, g) for g in case.get("listing_gaps", []) or []]
        coverage = [check_strict(Coverage, c) for c in case.get("coverage", []) or []]
    except (ValidationError, KeyError, TypeError, AttributeError) as exc:
        return CaseOutcome(policy.id, name, expected, {}, False, f"invalid case data: {exc}")
    inventory = Inventory(
        header=SnapshotHeader(
            collected_at=CASE_NOW, scope=Scope.model_validate({"providers": [provider]})
        ),
        resources=resources,
        listing_gaps=gaps,
        coverage=coverage,
    )
    overrides = case.get("params") or {}
    params = profile.profile.parameters().model_dump(exclude_unset=True) | dict(overrides)
    from auditor.core.params import Parameters

    resolved = Parameters.model_validate(params).resolved()
    if not policy_applies(policy, resolved, profile.profile.promised_safeguards()):
        return CaseOutcome(
            policy.id,
            name,
            expected,
            {},
            False,
            f"policy does not run under profile {profile.profile.id!r} with these parameters",
        )
    only = PolicySet(
        policies=(policy,), catalog=policies.catalog, sha256=policies.sha256, files=policies.files
    )
    result = evaluate(inventory, only, profile, now=CASE_NOW, params_override=overrides or None)
    actual: dict[str, str] = {f.resource.id: f.status for f in result.findings}
    if isinstance(expected, str):
        ok = bool(actual) and all(status == expected for status in actual.values())
    elif isinstance(expected, Mapping):
        ok = all(actual.get(str(rid)) == status for rid, status in expected.items())
    else:
        return CaseOutcome(
            policy.id,
            name,
            expected,
            actual,
            False,
            "'expect' must be a status or a mapping of resource id to status",
        )
    return CaseOutcome(
        policy.id, name, expected, actual, ok, "" if ok else f"expected {expected}, got {actual}"
    )


def _has_gap(case: Mapping[str, Any]) -> bool:
    items = ([case["resource"]] if "resource" in case else []) + list(case.get("inventory") or [])
    return bool(case.get("listing_gaps")) or any(
        isinstance(i, Mapping) and i.get("gaps") for i in items
    )


def _statuses(expected: Any) -> set[str]:
    if isinstance(expected, str):
        return {expected}
    if isinstance(expected, Mapping):
        return {str(v) for v in expected.values()}
    return set()


def _partial_problem(policy: Policy, message: str) -> CaseOutcome:
    """A failed check of the policy's partial-evidence cases."""
    return CaseOutcome(policy.id, "partial evidence", None, {}, False, message)


def partial_coverage(
    policy: Policy, node: Mapping[str, Any], outcomes: list[CaseOutcome]
) -> list[CaseOutcome]:
    """Problems with the partial-evidence cases: each kind needs a case or a stated reason."""
    reasons = node.get("partial_evidence") or {}
    problems: list[CaseOutcome] = []
    if not isinstance(reasons, Mapping) or set(reasons) - set(PARTIAL_KINDS):
        return [
            _partial_problem(policy, "partial_evidence takes {fail: <reason>, error: <reason>}")
        ]
    cases = [c for c in node.get("cases", []) or [] if isinstance(c, Mapping)]
    for kind, status in PARTIAL_KINDS.items():
        shown = any(c.get("partial") and status in _statuses(c.get("expect")) for c in cases)
        reason = reasons.get(kind)
        if shown and reason:
            problems.append(
                _partial_problem(
                    policy, f"partial_evidence.{kind} says the case is impossible, but one exists"
                )
            )
        elif not shown and not (isinstance(reason, str) and len(reason) >= _MIN_REASON):
            what = (
                "a violating fact beside a gap"
                if kind == "fail"
                else "a satisfying fact beside a gap"
            )
            problems.append(
                _partial_problem(
                    policy,
                    f"no partial-evidence case ({what}, partial: true) expecting {status}; add "
                    f"one, or say under partial_evidence.{kind} why none can exist",
                )
            )
    return problems


def run_policy_cases(
    policy: Policy,
    policy_file: Path,
    policies: PolicySet,
    types: Mapping[str, type[Resource]],
    catalog: Catalog,
) -> list[CaseOutcome]:
    file = cases_file(policy_file)
    if not file.is_file():
        return [
            CaseOutcome(
                policy.id, "cases file", None, {}, False, f"missing {file.name} beside the policy"
            )
        ]
    node = plain(read_yaml_input(file, "cases"))
    if not isinstance(node, dict) or not all(
        isinstance(case, dict) for case in node.get("cases", []) or []
    ):
        raise InputError("a cases file is a mapping with 'cases:', a list of mappings", file=file)
    default_profile = node.get("profile", "strict")
    profiles: dict[str, LoadedProfile] = {}
    outcomes: list[CaseOutcome] = []
    for case in node.get("cases", []) or []:
        profile_name = case.get("profile", default_profile)
        if profile_name not in profiles:
            profiles[profile_name] = load_profile(profile_name, catalog)
        outcomes.append(run_case(policy, policies, types, case, profiles[profile_name]))
    covered = {c.expected for c in outcomes if isinstance(c.expected, str)}
    for c in outcomes:
        if isinstance(c.expected, Mapping):
            covered |= set(c.expected.values())
    outcomes.extend(partial_coverage(policy, node, outcomes))
    not_possible = node.get("not_possible") or {}
    if isinstance(not_possible, Mapping):
        covered |= {
            str(k)
            for k, why in not_possible.items()
            if isinstance(why, str) and len(why) >= _MIN_REASON
        }
    missing = required_statuses(policy) - covered
    if missing:
        outcomes.append(
            CaseOutcome(
                policy.id,
                "coverage",
                None,
                {},
                False,
                f"no case expecting {', '.join(sorted(missing))}",
            )
        )
    return outcomes


__all__ = [
    "PARTIAL_KINDS",
    "REQUIRED_STATUSES",
    "CaseOutcome",
    "cases_file",
    "partial_coverage",
    "required_statuses",
    "run_case",
    "run_policy_cases",
]
