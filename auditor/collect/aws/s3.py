"""S3 buckets (global listing; each bucket carries its own region)."""

from __future__ import annotations

import json
from typing import Any

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.s3 import S3Bucket
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = (S3Bucket.resource_type,)

_NO_ENCRYPTION = ("ServerSideEncryptionConfigurationNotFoundError",)
_NO_POLICY = ("NoSuchBucketPolicy",)
_NO_TAGS = ("NoSuchTagSet", "NoSuchTagSetError")


def _region_of(ctx: AwsContext, bucket: dict[str, Any], gaps: list[Gap]) -> str | None:
    region = bucket.get("BucketRegion")
    if region:
        return str(region)
    found = ctx.read(
        "s3", "get_bucket_location", fields=["region"], gaps=gaps, Bucket=bucket["Name"]
    )
    if found is None:
        return None
    # LocationConstraint is None for us-east-1 and "EU" for the oldest eu-west-1 buckets
    constraint = found.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


def _read(
    ctx: AwsContext,
    bucket: S3Bucket,
    region: str | None,
    method: str,
    fields: list[str],
    absent: tuple[str, ...],
) -> dict[str, Any] | None:
    """One of the bucket's configurations, read in the bucket's region (gaps go on the bucket)."""
    return ctx.read(
        "s3",
        method,
        fields=fields,
        gaps=bucket.gaps,
        absent=absent,
        region=region,
        Bucket=bucket.name,
    )


def _encryption(ctx: AwsContext, bucket: S3Bucket, region: str | None) -> None:
    fields = [
        "sse_algorithm",
        "kms_master_key_id",
        "bucket_key_enabled",
        "blocked_encryption_types",
    ]
    found = _read(ctx, bucket, region, "get_bucket_encryption", fields, _NO_ENCRYPTION)
    rules = (found or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    if not rules:
        return
    rule = rules[0]
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    bucket.sse_algorithm = default.get("SSEAlgorithm")
    bucket.kms_master_key_id = default.get("KMSMasterKeyID")
    bucket.bucket_key_enabled = rule.get("BucketKeyEnabled")
    blocked = rule.get("BlockedEncryptionTypes")
    if blocked is not None:
        bucket.blocked_encryption_types = list(blocked.get("EncryptionType", []))


def _policy(ctx: AwsContext, bucket: S3Bucket, region: str | None) -> None:
    found = _read(ctx, bucket, region, "get_bucket_policy", ["policy"], _NO_POLICY)
    if not found or "Policy" not in found:
        return
    try:
        document = json.loads(found["Policy"])
    except json.JSONDecodeError:
        bucket.gaps.append(
            Gap(operation="s3:GetBucketPolicy", error_code="InvalidPolicyJson", fields=("policy",))
        )
        return
    bucket.policy = document if isinstance(document, dict) else None


def _tags(ctx: AwsContext, bucket: S3Bucket, region: str | None) -> None:
    found = _read(ctx, bucket, region, "get_bucket_tagging", ["tags"], _NO_TAGS)
    for tag in (found or {}).get("TagSet", []):
        bucket.tags[str(tag["Key"])] = str(tag["Value"])


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(TYPES, "s3", "list_buckets")
    if listed is None:
        return
    counts: dict[str | None, int] = {}
    in_scope = set(ctx.regions)
    for entry in listed.get("Buckets", []):
        name = str(entry["Name"])
        gaps: list[Gap] = []
        region = _region_of(ctx, entry, gaps)
        if region is not None and in_scope and region not in in_scope:
            continue
        bucket = S3Bucket(
            id=f"arn:{ctx.partition}:s3:::{name}",
            name=name,
            account=ctx.account,
            region=region,
            gaps=gaps,
        )
        _encryption(ctx, bucket, region)
        _policy(ctx, bucket, region)
        _tags(ctx, bucket, region)
        sink.add_resource(bucket)
        counts[region] = counts.get(region, 0) + 1
    # buckets carry their own region, so coverage is per region (and global for any whose
    # region could not be read)
    for region in sorted(in_scope | {r for r in counts if r is not None}):
        ctx.covered(S3Bucket.resource_type, counts.get(region, 0), region=region)
    if None in counts or not in_scope:
        ctx.covered(S3Bucket.resource_type, counts.get(None, 0))
