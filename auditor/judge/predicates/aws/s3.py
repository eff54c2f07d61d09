"""S3 bucket policies that refuse plaintext and old TLS.

Why Python: this is IAM policy reasoning. A statement keeps the promise only when its effect,
principal (``"*"`` or ``{"AWS": "*"}``), actions (``s3:*`` or ``*``), resources (ARN wildcards
matched against the bucket's objects), the absence of ``Not*`` elements and its condition block
(operators and keys compared case-insensitively, single values or lists) all line up; the
condition language has no operators for wildcard ARN matching or case-insensitive keys, and
adding them would make it a policy evaluator.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from auditor.core.model.base import Resource
from auditor.judge.policy.related import Unread
from auditor.judge.predicates.aws.tls import label, promised, version_number
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _lower_keys(mapping: Any) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in mapping.items()} if isinstance(mapping, dict) else {}


def _everyone(statement: dict[str, Any]) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _covers_all_s3_actions(statement: dict[str, Any]) -> bool:
    return any(str(a).lower() in ("*", "s3:*") for a in _as_list(statement.get("Action")))


def _covers_objects(statement: dict[str, Any], bucket: str, partition: str) -> bool:
    probe = f"arn:{partition}:s3:::{bucket}/any-object"
    return any(fnmatch.fnmatchcase(probe, str(r)) for r in _as_list(statement.get("Resource")))


def _deny_all_statements(resource: Resource, policy: dict[str, Any]) -> list[dict[str, Any]]:
    partition = resource.id.split(":")[1] if resource.id.startswith("arn:") else "aws"
    out = []
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        if "NotAction" in statement or "NotResource" in statement or "NotPrincipal" in statement:
            continue
        if (
            _everyone(statement)
            and _covers_all_s3_actions(statement)
            and _covers_objects(statement, resource.name or "", partition)
        ):
            out.append(statement)
    return out


def _deny_all(
    resource: Resource, ctx: PredicateContext, no_policy: str
) -> list[dict[str, Any]] | Verdict:
    """The bucket policy's statements that deny s3:* to everyone; or ERROR when the policy was
    not read, FAIL when there is none (``no_policy`` ends the message: what is not refused)."""
    policy = ctx.value(resource, "policy")
    if isinstance(policy, Unread):
        return Verdict.unknown([policy.missing])
    if policy is None:
        return Verdict.fail(f"Bucket {resource.name} has no bucket policy{no_policy}")
    return _deny_all_statements(resource, policy)


def _denies_plaintext(statement: dict[str, Any]) -> bool:
    conditions = _lower_keys(statement.get("Condition"))
    for operator in ("bool", "boolifexists"):
        values = _lower_keys(conditions.get(operator)).get("aws:securetransport")
        if any(str(v).lower() == "false" for v in _as_list(values)):
            return True
    return False


def _tls_floor(statement: dict[str, Any]) -> float | None:
    conditions = _lower_keys(statement.get("Condition"))
    floors: list[float] = []
    for operator in ("numericlessthan", "numericlessthanifexists"):
        for value in _as_list(_lower_keys(conditions.get(operator)).get("s3:tlsversion")):
            number = version_number(str(value))
            if number is not None:
                floors.append(number)
    return max(floors) if floors else None


@predicate("aws.s3.bucket", reads=("policy",))
def s3_bucket_denies_insecure_transport(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Bucket policy denies s3:* to everyone when aws:SecureTransport is false"""
    statements = _deny_all(resource, ctx, ", so plaintext HTTP requests are not refused.")
    if isinstance(statements, Verdict):
        return statements
    if any(_denies_plaintext(s) for s in statements):
        return Verdict.passed(
            f"Bucket {resource.name} denies every request made without TLS (aws:SecureTransport=false)."
        )
    return Verdict.fail(
        f"Bucket {resource.name}'s policy has no statement denying s3:* to everyone when aws:SecureTransport is false."
    )


@predicate("aws.s3.bucket", reads=("policy",), params=("min_tls_version",))
def s3_bucket_denies_old_tls(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Bucket policy denies s3:* to everyone when s3:TlsVersion is below the promise"""
    want = promised(ctx.params.get("min_tls_version"))
    if want is None:
        return Verdict.not_applicable("The profile promises no minimum TLS version.")
    statements = _deny_all(resource, ctx, f"; TLS below {label(want)} is not refused.")
    if isinstance(statements, Verdict):
        return statements
    floors = [f for f in (_tls_floor(s) for s in statements) if f is not None]
    best = max(floors) if floors else None
    evidence = {"denied_below": best}
    if best is None:
        return Verdict.fail(
            f"Bucket {resource.name}'s policy does not deny requests by s3:TlsVersion; the BAA promises {label(want)}.",
            evidence,
        )
    if best < want:
        return Verdict.fail(
            f"Bucket {resource.name} denies only TLS below {best}; the BAA promises {label(want)}.",
            evidence,
        )
    return Verdict.passed(
        f"Bucket {resource.name} denies every request over TLS below {best}.", evidence
    )


S3_PREDICATES = registry(
    s3_bucket_denies_insecure_transport,
    s3_bucket_denies_old_tls,
)

__all__ = ["S3_PREDICATES"]
