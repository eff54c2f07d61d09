"""IAM predicates: which roles are sessions of people, and how long those sessions may last.

Why Python: who may start a session is IAM policy reasoning over the trust policy document
(``Allow`` statements whose actions include an ``sts:AssumeRole*`` action or a wildcard, their
``Principal`` in any of its shapes, and ``NotPrincipal``, which admits everyone it does not name).
The condition language reads fields; it does not interpret policy documents.
"""

from __future__ import annotations

from typing import Any

from auditor.core.model.aws.iam import IamRole
from auditor.core.model.base import Resource
from auditor.judge.policy.related import Unread
from auditor.judge.policy.truth import all_of, known, not_, unknown
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

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


@predicate(
    "aws.iam.role",
    reads=("path", "max_session_duration", "assume_role_policy"),
    params=("session_absolute_max_seconds",),
)
def iam_role_people_session_limit(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Roles people can assume keep MaxSessionDuration within the limit.

    Applies to roles people can assume (not service-linked, a person-shaped principal in the
    trust policy); FAIL when such a role allows sessions longer than the limit. Each of the
    three facts is read three-valued, so a role is never judged on what was not read."""
    assert isinstance(resource, IamRole)
    limit = ctx.params.get("session_absolute_max_seconds")
    service_linked = ctx.check(
        resource, "path", lambda p: str(p or "").startswith("/aws-service-role/")
    )
    trust = ctx.value(resource, "assume_role_policy")
    people = [] if isinstance(trust, Unread) else people_principals(trust)
    admits_people = unknown(trust.missing) if isinstance(trust, Unread) else known(bool(people))
    applies = all_of([not_(service_linked), admits_people])
    within = ctx.check(
        resource,
        "max_session_duration",
        lambda d: d is not None and limit is not None and int(d) <= int(limit),
    )
    evidence = {
        "max_session_duration": resource.max_session_duration,
        "people_principals": people,
        "session_absolute_max_seconds": limit,
    }
    if applies.is_false:
        why = (
            "a service-linked role" if service_linked.is_true else "assumable only by AWS services"
        )
        return Verdict.not_applicable(
            f"{resource.name} is {why}, not a session of people", evidence
        )
    if applies.is_unknown:
        return Verdict.unknown(applies.gaps, evidence=evidence)
    if within.is_unknown:
        return Verdict.unknown(within.gaps, evidence=evidence)
    if within.is_false:
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


IAM_PREDICATES = registry(
    iam_role_people_session_limit,
)

__all__ = ["IAM_PREDICATES", "people_principals"]
