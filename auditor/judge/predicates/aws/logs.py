"""CloudWatch Logs predicate: log groups that application logs use mask the promised identifiers.

Why Python: the identifiers a log group masks are the union of its own data protection policy
and every account-level policy whose selection criteria (``LogGroupName NOT IN [...]``, a small
query string) leave the group in; the promise holds when that union covers the profile's list.
Unions across resources selected by a parsed criterion are not a field comparison.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.core.model.aws.logs import LogsAccountPolicy, LogsLogGroup
from auditor.core.model.base import Resource
from auditor.judge.policy.related import Unread
from auditor.judge.policy.truth import Missing
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

_NOT_IN = re.compile(r"LogGroupName\s+NOT\s+IN\s+\[(.*)\]", re.IGNORECASE | re.DOTALL)


def in_scope(name: str | None, prefixes: Sequence[str] | None) -> bool:
    """Every log group is in scope unless the profile narrows it with name prefixes."""
    if not name:
        return False
    return not prefixes or any(name.startswith(p) for p in prefixes)


def account_policy_applies(policy: LogsAccountPolicy, group: str) -> bool:
    """An account policy covers every log group except those its selection criteria leave out."""
    criteria = policy.selection_criteria or ""
    match = _NOT_IN.search(criteria)
    if match is None:
        return True
    excluded = [item.strip().strip("\"'") for item in match.group(1).split(",")]
    return group not in excluded


@predicate(
    "aws.logs.log_group",
    reads=("name",),  # and data_protection_policy, checked for gaps once the group is in scope
    params=("log_data_identifiers",),  # log_groups_in_scope only narrows, when set
    related=("aws.logs.account_policy",),
)
def logs_data_protection_identifiers(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Application log groups mask the promised identifiers.

    The identifiers masked (log group policy plus applicable account policies) cover the
    promised list: true as soon as what was read covers it (more policies only mask more),
    false only when every policy was read, unknown otherwise."""
    assert isinstance(resource, LogsLogGroup)
    prefixes = ctx.params.get("log_groups_in_scope") or []
    wanted = list(ctx.params.get("log_data_identifiers") or [])
    if not in_scope(resource.name, prefixes):
        return Verdict.not_applicable(
            f"Log group {resource.name} is not an application log group in scope"
        )
    unread: list[Missing] = []
    masked: dict[str, list[str]] = {}
    own = ctx.value(resource, "data_protection_policy")
    if isinstance(own, Unread):
        unread.append(own.missing)
    elif own is not None:
        masked["log group policy"] = own.masked_identifiers
    found = ctx.related("aws.logs.account_policy", account=resource.account, region=resource.region)
    unread.extend(found.missing)
    fields = ("policy_type", "selection_criteria", "data_protection_policy")
    for policy in ctx.fully_read(found.resources, LogsAccountPolicy, fields, unread.extend):
        if policy.policy_type != "DATA_PROTECTION_POLICY" or policy.data_protection_policy is None:
            continue
        if account_policy_applies(policy, resource.name or ""):
            masked[f"account policy {policy.name}"] = (
                policy.data_protection_policy.masked_identifiers
            )
    covered = {name for names in masked.values() for name in names}
    missing = [name for name in wanted if name not in covered]
    evidence = {"masked_by": masked, "required": wanted, "missing": missing}
    if not missing and masked:
        return Verdict.passed(
            f"Log group {resource.name} masks every promised identifier "
            f"({', '.join(sorted(masked))}).",
            evidence,
        )
    if unread:
        return Verdict.unknown(unread, evidence=evidence)
    if not masked:
        return Verdict.fail(
            f"Log group {resource.name} has no data protection policy masking data.", evidence
        )
    return Verdict.fail(f"Log group {resource.name} does not mask {', '.join(missing)}.", evidence)


LOGS_PREDICATES = registry(
    logs_data_protection_identifiers,
)

__all__ = ["LOGS_PREDICATES", "account_policy_applies", "in_scope"]
