"""IAM predicates: which roles are sessions of people, and how long those sessions may last."""

from __future__ import annotations

from typing import Any

from auditor.core.model.aws.iam import IamRole
from auditor.core.model.base import Resource
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict

#: Actions that start a role session (``sts:*`` and ``*`` included).
ASSUME_ACTIONS = frozenset(
    {"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity", "sts:*", "*"}
)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def people_principals(trust: dict[str, Any] | None) -> list[str]:
    """Who, other than an AWS service, a trust policy lets start a session.

    Returns descriptions such as ``AWS:arn:aws:iam::111122223333:root``, ``Federated:<saml
    provider>`` or ``*``. An empty list means only AWS services may assume the role (a statement
    with ``NotPrincipal`` counts as admitting people: it admits everyone it does not name).
    """
    found: list[str] = []
    for statement in _as_list((trust or {}).get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = [str(a).lower() for a in _as_list(statement.get("Action"))]
        if actions and not any(a in ASSUME_ACTIONS for a in actions):
            continue
        if "NotPrincipal" in statement:
            found.append("NotPrincipal")
            continue
        principal = statement.get("Principal")
        if principal == "*":
            found.append("*")
            continue
        if not isinstance(principal, dict):
            continue
        for kind in ("AWS", "Federated", "CanonicalUser"):
            found.extend(f"{kind}:{p}" for p in _as_list(principal.get(kind)))
    return found


def _role_session(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, IamRole)
    limit = ctx.params.get("session_absolute_max_seconds")
    if (resource.path or "").startswith("/aws-service-role/"):
        return Verdict.not_applicable(
            f"{resource.name} is a service-linked role: no person assumes it"
        )
    people = people_principals(resource.assume_role_policy)
    evidence = {
        "max_session_duration": resource.max_session_duration,
        "people_principals": people,
        "session_absolute_max_seconds": limit,
    }
    if not people:
        return Verdict.not_applicable(
            f"{resource.name} can only be assumed by AWS services, not by people", evidence
        )
    if resource.max_session_duration is None or limit is None:
        return Verdict.fail(f"{resource.name}: maximum session duration unknown", evidence)
    if resource.max_session_duration > int(limit):
        return Verdict.fail(
            f"Role {resource.name}, assumable by {', '.join(people[:3])}, allows sessions of "
            f"{resource.max_session_duration} s; the BAA promises at most {limit} s.",
            evidence,
        )
    return Verdict.passed(
        f"Role {resource.name} sessions last at most {resource.max_session_duration} s "
        f"(limit {limit} s).",
        evidence,
    )


IAM_PREDICATES: dict[str, Predicate] = {
    "iam_role_people_session_limit": Predicate(
        name="iam_role_people_session_limit",
        resource_type="aws.iam.role",
        reads=("path", "max_session_duration", "assume_role_policy"),
        params=("session_absolute_max_seconds",),
        fn=_role_session,
        description="Roles people can assume keep MaxSessionDuration within the limit.",
    ),
}

__all__ = ["IAM_PREDICATES", "people_principals"]
