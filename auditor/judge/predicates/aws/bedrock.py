"""Bedrock predicate: invocation logs that carry prompt text go only to stores in PHI scope."""

from __future__ import annotations

from auditor.core.model.aws.bedrock import BedrockInvocationLogging
from auditor.core.model.base import Resource
from auditor.judge.predicates.aws.cloudtrail import is_phi_bucket
from auditor.judge.predicates.aws.logs import in_scope
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict, legacy_related


def _text_destinations(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, BedrockInvocationLogging)
    if resource.logging_enabled is not True or resource.text_data_delivery_enabled is not True:
        return Verdict.not_applicable(
            f"Bedrock invocation logging in {resource.region} delivers no prompt text"
        )
    problems: list[str] = []
    destinations: list[str] = []
    buckets = {b.name: b for b in legacy_related(ctx, "aws.s3.bucket", account=resource.account)}
    for bucket_name in (resource.s3_bucket_name, resource.large_data_s3_bucket_name):
        if not bucket_name:
            continue
        destinations.append(f"s3://{bucket_name}")
        bucket = buckets.get(bucket_name)
        tags = bucket.tags if bucket is not None else {}
        if not is_phi_bucket(bucket_name, tags, ctx.params):
            problems.append(
                f"bucket {bucket_name} is not marked as a PHI store "
                f"(tag {ctx.params.get('phi_tag_key')} or phi_buckets), "
                "so encryption and access logging are not judged for it"
            )
    if resource.cloudwatch_log_group_name:
        destinations.append(f"logs:{resource.cloudwatch_log_group_name}")
        if not in_scope(resource.cloudwatch_log_group_name, ctx.params.get("log_groups_in_scope")):
            problems.append(
                f"log group {resource.cloudwatch_log_group_name} is outside "
                "log_groups_in_scope, so its data protection is not judged"
            )
    evidence = {"destinations": destinations}
    if problems:
        return Verdict.fail("Bedrock prompt text goes to " + "; ".join(problems) + ".", evidence)
    return Verdict.passed(
        f"Bedrock prompt text in {resource.region} goes only to stores in PHI scope: "
        f"{', '.join(destinations)}.",
        evidence,
    )


BEDROCK_PREDICATES: dict[str, Predicate] = {
    "bedrock_text_destinations_in_scope": Predicate(
        name="bedrock_text_destinations_in_scope",
        resource_type="aws.bedrock.model_invocation_logging",
        reads=(
            "logging_enabled",
            "text_data_delivery_enabled",
            "s3_bucket_name",
            "large_data_s3_bucket_name",
            "cloudwatch_log_group_name",
        ),
        params=("log_groups_in_scope",),  # and phi_buckets / phi_tag_key / phi_tag_values if set
        related=("aws.s3.bucket",),
        fn=_text_destinations,
        description="Invocation logs carrying prompt text go only to stores in PHI scope.",
    ),
}

__all__ = ["BEDROCK_PREDICATES"]
