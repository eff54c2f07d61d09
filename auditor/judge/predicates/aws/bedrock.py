"""Bedrock predicate: invocation logs that carry prompt text go only to stores in PHI scope.

Why Python: "in PHI scope" is a judgement over other resources named by plain strings. A bucket
destination is in scope when the profile lists it or when the bucket (found by name among the
account's buckets) carries the profile's PHI tag, whose *key* is itself a parameter
(``phi_tag_key``), so the field to read is only known at run time; a log-group destination is in
scope when its name starts with one of the profile's prefixes. The condition language reads
fields named in the policy, not fields named by parameters.
"""

from __future__ import annotations

from auditor.core.model.aws.bedrock import BedrockInvocationLogging
from auditor.core.model.base import Resource
from auditor.judge.policy.related import Unread
from auditor.judge.policy.truth import Truth, all_of, known, unknown
from auditor.judge.predicates.aws.cloudtrail import is_phi_bucket, phi_bucket
from auditor.judge.predicates.aws.logs import in_scope
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

READS = (
    "logging_enabled",
    "text_data_delivery_enabled",
    "s3_bucket_name",
    "large_data_s3_bucket_name",
    "cloudwatch_log_group_name",
)


@predicate(
    "aws.bedrock.model_invocation_logging",
    reads=READS,
    params=(),  # log_groups_in_scope, phi_buckets, phi_tag_key, phi_tag_values when set
    related=("aws.s3.bucket",),
)
def bedrock_text_destinations_in_scope(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Invocation logs carrying prompt text go only to stores in PHI scope."""
    assert isinstance(resource, BedrockInvocationLogging)
    carries_text = all_of(
        [
            ctx.check(resource, "logging_enabled", lambda v: v is True),
            ctx.check(resource, "text_data_delivery_enabled", lambda v: v is True),
        ]
    )
    if carries_text.is_false:
        return Verdict.not_applicable(
            f"Bedrock invocation logging in {resource.region} delivers no prompt text"
        )
    if carries_text.is_unknown:
        return Verdict.unknown(carries_text.gaps)
    problems: list[str] = []
    destinations: list[str] = []
    parts: list[Truth] = []
    for field in ("s3_bucket_name", "large_data_s3_bucket_name"):
        bucket_name = ctx.value(resource, field)
        if isinstance(bucket_name, Unread):  # an unread destination may be out of scope
            parts.append(unknown(bucket_name.missing))
            continue
        if not bucket_name:
            continue
        destinations.append(f"s3://{bucket_name}")
        if is_phi_bucket(bucket_name, {}, ctx.params):
            continue
        found = ctx.lookup("aws.s3.bucket", bucket_name, match=("name",), account=resource.account)
        if found.missing:
            parts.append(unknown(*found.missing))
            continue
        marked = [phi_bucket(b, ctx) for b in found.resources] or [known(False)]
        verdict = marked[0]
        parts.append(verdict)
        if verdict.is_false:
            problems.append(
                f"bucket {bucket_name} is not marked as a PHI store "
                f"(tag {ctx.params.get('phi_tag_key')} or phi_buckets), "
                "so encryption and access logging are not judged for it"
            )
    group = ctx.value(resource, "cloudwatch_log_group_name")
    if isinstance(group, Unread):
        parts.append(unknown(group.missing))
    elif group:
        destinations.append(f"logs:{group}")
        if not in_scope(group, ctx.params.get("log_groups_in_scope")):
            parts.append(known(False))
            problems.append(
                f"log group {group} is outside "
                "log_groups_in_scope, so its data protection is not judged"
            )
    evidence = {"destinations": destinations}
    verdict = all_of(parts)
    if verdict.is_false:
        return Verdict.fail(
            "Bedrock prompt text goes to " + "; ".join(problems) + ".", evidence, verdict.gaps
        )
    if verdict.is_unknown:
        return Verdict.unknown(verdict.gaps, evidence=evidence)
    return Verdict.passed(
        f"Bedrock prompt text in {resource.region} goes only to stores in PHI scope: "
        f"{', '.join(destinations)}.",
        evidence,
    )


BEDROCK_PREDICATES = registry(
    bedrock_text_destinations_in_scope,
)

__all__ = ["BEDROCK_PREDICATES"]
