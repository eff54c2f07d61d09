"""CloudWatch Logs predicate: log groups that application logs use mask the promised identifiers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.core.model.aws.logs import LogsAccountPolicy, LogsLogGroup
from auditor.core.model.base import Resource
from auditor.judge.predicates.base import (
    GapError,
    Predicate,
    PredicateContext,
    Verdict,
    legacy_related,
)

_NOT_IN = re.compile(r"LogGroupName\s+NOT\s+IN\s+\[(.*)\]", re.IGNORECASE | re.DOTALL)


def in_scope(name: str | None, prefixes: Sequence[str] | None) -> bool:
    return bool(name) and any(name.startswith(p) for p in prefixes or [])  # type: ignore[union-attr]


def account_policy_applies(policy: LogsAccountPolicy, group: str) -> bool:
    """An account policy covers every log group except those its selection criteria leave out."""
    criteria = policy.selection_criteria or ""
    match = _NOT_IN.search(criteria)
    if match is None:
        return True
    excluded = [item.strip().strip("\"'") for item in match.group(1).split(",")]
    return group not in excluded


def _data_protection(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, LogsLogGroup)
    prefixes = ctx.params.get("log_groups_in_scope") or []
    wanted = list(ctx.params.get("log_data_identifiers") or [])
    if not in_scope(resource.name, prefixes):
        return Verdict.not_applicable(
            f"Log group {resource.name} is not an application log group in scope"
        )
    # read here, not declared: a log group out of scope is not judged, so its unread policy is no error
    gap = resource.gap_for("data_protection_policy")
    if gap is not None:
        raise GapError(gap, "the log group's data protection policy")
    masked: dict[str, list[str]] = {}
    if resource.data_protection_policy is not None:
        masked["log group policy"] = resource.data_protection_policy.masked_identifiers
    for policy in legacy_related(
        ctx, "aws.logs.account_policy", account=resource.account, region=resource.region
    ):
        if (
            not isinstance(policy, LogsAccountPolicy)
            or policy.policy_type != "DATA_PROTECTION_POLICY"
        ):
            continue
        if policy.data_protection_policy is None or not account_policy_applies(
            policy, resource.name or ""
        ):
            continue
        masked[f"account policy {policy.name}"] = policy.data_protection_policy.masked_identifiers
    covered = {name for names in masked.values() for name in names}
    missing = [name for name in wanted if name not in covered]
    evidence = {"masked_by": masked, "required": wanted, "missing": missing}
    if not masked:
        return Verdict.fail(
            f"Log group {resource.name} has no data protection policy masking data.", evidence
        )
    if missing:
        return Verdict.fail(
            f"Log group {resource.name} does not mask {', '.join(missing)}.",
            evidence,
        )
    return Verdict.passed(
        f"Log group {resource.name} masks every promised identifier ({', '.join(sorted(masked))}).",
        evidence,
    )


LOGS_PREDICATES: dict[str, Predicate] = {
    "logs_data_protection_identifiers": Predicate(
        name="logs_data_protection_identifiers",
        resource_type="aws.logs.log_group",
        reads=("name",),  # and data_protection_policy, checked for gaps once the group is in scope
        params=("log_groups_in_scope", "log_data_identifiers"),
        related=("aws.logs.account_policy",),
        fn=_data_protection,
        description="Application log groups mask the promised identifiers.",
    ),
}

__all__ = ["LOGS_PREDICATES", "account_policy_applies", "in_scope"]
