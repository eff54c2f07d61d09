"""CloudTrail predicates: an account-wide trail that is secure, records every management event,
records S3 data events on PHI buckets, and keeps its CloudWatch copy long enough."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auditor.core.model.aws.cloudtrail import AdvancedEventSelector, CloudTrailTrail
from auditor.core.model.aws.logs import LogsLogGroup
from auditor.core.model.base import Gap, Resource
from auditor.judge.predicates.base import (
    GapError,
    Predicate,
    PredicateContext,
    Verdict,
    legacy_related,
)

TRAIL = "aws.cloudtrail.trail"
BOTH = frozenset({"read", "write"})
_MODES = {"All": BOTH, "ReadOnly": frozenset({"read"}), "WriteOnly": frozenset({"write"})}
SECURE_FIELDS = (
    "is_logging",
    "is_multi_region_trail",
    "include_global_service_events",
    "log_file_validation_enabled",
    "kms_key_id",
)
SELECTOR_FIELDS = (
    "is_logging",
    "is_multi_region_trail",
    "event_selectors",
    "advanced_event_selectors",
)


def _trails(resource: Resource, ctx: PredicateContext) -> list[CloudTrailTrail]:
    return [
        t
        for t in legacy_related(ctx, TRAIL, account=resource.account)
        if isinstance(t, CloudTrailTrail)
    ]


def _first_gap(trail: CloudTrailTrail, fields: Iterable[str]) -> Gap | None:
    for path in fields:
        gap = trail.gap_for(path)
        if gap is not None:
            return gap
    return None


def trail_shortfalls(trail: CloudTrailTrail) -> list[str]:
    """What keeps ``trail`` from being the secure, account-wide audit trail."""
    short = []
    if trail.is_logging is not True:
        short.append("not logging")
    if trail.is_multi_region_trail is not True:
        short.append("single-region")
    if trail.include_global_service_events is not True:
        short.append("no global service events")
    if trail.log_file_validation_enabled is not True:
        short.append("no log file validation")
    if not trail.kms_key_id:
        short.append("not encrypted with a KMS key")
    return short


def _judge_trails(
    resource: Resource,
    ctx: PredicateContext,
    fields: tuple[str, ...],
    shortfalls: Any,
    ok_message: str,
    none_message: str,
) -> Verdict:
    trails = _trails(resource, ctx)
    if not trails:
        return Verdict.fail(none_message, {"trails": []})
    found: dict[str, list[str]] = {}
    unread: Gap | None = None
    for trail in trails:
        gap = _first_gap(trail, fields)
        if gap is not None:
            unread = unread or gap
            continue
        short = shortfalls(trail)
        if not short:
            return Verdict.passed(
                ok_message.format(name=trail.name or trail.id), {"trail": trail.id}
            )
        found[trail.name or trail.id] = short
    if unread is not None:
        raise GapError(unread, "trail settings")
    detail = "; ".join(f"{name}: {', '.join(short)}" for name, short in sorted(found.items()))
    return Verdict.fail(f"No trail qualifies ({detail}).", {"trails": found})


def _secure_trail(resource: Resource, ctx: PredicateContext) -> Verdict:
    return _judge_trails(
        resource,
        ctx,
        SECURE_FIELDS,
        trail_shortfalls,
        "Trail {name} is logging in every region, with global service events, log file "
        "validation and KMS encryption.",
        f"Account {resource.account} has no CloudTrail trail.",
    )


def _fields(selector: AdvancedEventSelector) -> dict[str, Any]:
    return {f.field: f for f in selector.field_selectors}


def _readonly_modes(fields: Mapping[str, Any]) -> frozenset[str]:
    readonly = fields.get("readOnly")
    if readonly is None:
        return BOTH
    if readonly.equals == ["true"]:
        return frozenset({"read"})
    if readonly.equals == ["false"]:
        return frozenset({"write"})
    return frozenset()


def management_coverage(trail: CloudTrailTrail) -> tuple[frozenset[str], list[str]]:
    """(event kinds recorded: read and/or write, management event sources excluded)."""
    modes: set[str] = set()
    excluded: list[str] = []
    for selector in trail.event_selectors:
        if selector.include_management_events is True:
            modes |= _MODES.get(selector.read_write_type or "", frozenset())
            excluded.extend(selector.exclude_management_event_sources)
    for advanced in trail.advanced_event_selectors:
        fields = _fields(advanced)
        category = fields.get("eventCategory")
        if category is None or category.equals != ["Management"]:
            continue
        source = fields.get("eventSource")
        if source is not None:
            excluded.extend(source.not_equals or ["(filtered by eventSource)"])
        modes |= _readonly_modes(fields)
    return frozenset(modes), excluded


def _management_shortfalls(trail: CloudTrailTrail) -> list[str]:
    short = [s for s in trail_shortfalls(trail) if s in ("not logging", "single-region")]
    modes, excluded = management_coverage(trail)
    if modes != BOTH:
        short.append(f"management events recorded: {', '.join(sorted(modes)) or 'none'}")
    if excluded:
        short.append(f"management events excluded from {', '.join(excluded)}")
    return short


def _management_all(resource: Resource, ctx: PredicateContext) -> Verdict:
    return _judge_trails(
        resource,
        ctx,
        SELECTOR_FIELDS,
        _management_shortfalls,
        "Trail {name} records all read and write management events in every region.",
        f"Account {resource.account} has no CloudTrail trail recording management events.",
    )


def is_phi_bucket(name: str | None, tags: Mapping[str, str], params: Mapping[str, Any]) -> bool:
    """A bucket holds PHI when the profile lists it or its PHI tag has a PHI value."""
    if name and name in (params.get("phi_buckets") or []):
        return True
    key = params.get("phi_tag_key")
    values = params.get("phi_tag_values") or []
    if not isinstance(key, str) or key not in tags:
        return False
    return not values or tags[key] in values


def s3_data_coverage(trail: CloudTrailTrail, bucket_arn: str) -> frozenset[str]:
    """Which object-level events on ``bucket_arn`` (``arn:aws:s3:::name``) the trail records."""
    partition_root = bucket_arn.split(":::", 1)[0]  # arn:aws:s3
    target = bucket_arn + "/"
    modes: set[str] = set()
    for selector in trail.event_selectors:
        for data in selector.data_resources:
            if data.type != "AWS::S3::Object":
                continue
            if any(
                v in (partition_root, partition_root + ":::") or target.startswith(v)
                for v in data.values
            ):
                modes |= _MODES.get(selector.read_write_type or "All", frozenset())
    allowed = {"eventCategory", "resources.type", "resources.ARN", "readOnly"}
    for advanced in trail.advanced_event_selectors:
        fields = _fields(advanced)
        if set(fields) - allowed:
            continue  # filtered by event name, user, ...: not every access to the bucket
        category, rtype, arn = (
            fields.get("eventCategory"),
            fields.get("resources.type"),
            fields.get("resources.ARN"),
        )
        if category is None or category.equals != ["Data"]:
            continue
        if rtype is None or "AWS::S3::Object" not in rtype.equals:
            continue
        if arn is not None:
            if (
                any(target.startswith(v) for v in arn.not_starts_with)
                or arn.not_equals
                or arn.equals
            ):
                continue
            if arn.starts_with and not any(target.startswith(v) for v in arn.starts_with):
                continue
            if arn.ends_with or arn.not_ends_with:
                continue
        modes |= _readonly_modes(fields)
    return frozenset(modes)


def _s3_data_events(resource: Resource, ctx: PredicateContext) -> Verdict:
    if not is_phi_bucket(resource.name, resource.tags, ctx.params):
        return Verdict.not_applicable(f"Bucket {resource.name} is not marked as holding PHI")
    best: frozenset[str] = frozenset()
    unread: Gap | None = None
    for trail in _trails(resource, ctx):
        gap = _first_gap(trail, SELECTOR_FIELDS)
        if gap is not None:
            unread = unread or gap
            continue
        if trail.is_logging is not True:
            continue
        if trail.is_multi_region_trail is not True and resource.region not in (None, trail.region):
            continue
        modes = s3_data_coverage(trail, resource.id)
        if modes == BOTH:
            return Verdict.passed(
                f"Trail {trail.name} records every read and write of objects in {resource.name}.",
                {"trail": trail.id},
            )
        best = best | modes
    if unread is not None:
        raise GapError(unread, "trail event selectors")
    return Verdict.fail(
        f"No logging trail records all object reads and writes in PHI bucket {resource.name} "
        f"(recorded: {', '.join(sorted(best)) or 'none'}).",
        {"recorded": sorted(best)},
    )


def log_group_arn(arn: str) -> str:
    return arn[:-2] if arn.endswith(":*") else arn


def _trail_log_retention(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, CloudTrailTrail)
    days = ctx.params.get("audit_log_retention_days")
    if not resource.cloudwatch_logs_log_group_arn:
        return Verdict.not_applicable(
            f"Trail {resource.name} delivers to no CloudWatch Logs log group"
        )
    wanted = log_group_arn(resource.cloudwatch_logs_log_group_arn)
    region = wanted.split(":")[3] if wanted.count(":") >= 4 else None
    groups = [
        g
        for g in legacy_related(ctx, "aws.logs.log_group", account=resource.account, region=region)
        if isinstance(g, LogsLogGroup) and log_group_arn(g.id) == wanted
    ]
    if not groups:
        return Verdict.fail(
            f"Trail {resource.name} delivers to {wanted}, which was not found among the log groups "
            f"collected in {region}.",
            {"log_group": wanted},
        )
    group = groups[0]
    evidence = {
        "log_group": group.id,
        "retention_in_days": group.retention_in_days,
        "required_days": days,
    }
    if group.retention_in_days is None:
        return Verdict.passed(
            f"Log group {group.name} of trail {resource.name} never expires events.", evidence
        )
    if days is not None and group.retention_in_days >= int(days):
        return Verdict.passed(
            f"Log group {group.name} of trail {resource.name} keeps events "
            f"{group.retention_in_days} days.",
            evidence,
        )
    return Verdict.fail(
        f"Log group {group.name} of trail {resource.name} keeps events "
        f"{group.retention_in_days} days; the BAA needs {days}.",
        evidence,
    )


CLOUDTRAIL_PREDICATES: dict[str, Predicate] = {
    "cloudtrail_account_secure_trail": Predicate(
        name="cloudtrail_account_secure_trail",
        resource_type="aws.account",
        reads=("id",),
        related=(TRAIL,),
        fn=_secure_trail,
        description="Some trail logs every region with global events, log file validation and KMS.",
    ),
    "cloudtrail_account_management_events_all": Predicate(
        name="cloudtrail_account_management_events_all",
        resource_type="aws.account",
        reads=("id",),
        related=(TRAIL,),
        fn=_management_all,
        description="A logging multi-region trail records all read and write management events.",
    ),
    "cloudtrail_s3_phi_data_events": Predicate(
        name="cloudtrail_s3_phi_data_events",
        resource_type="aws.s3.bucket",
        reads=("name", "tags"),
        params=(),  # reads phi_buckets / phi_tag_key / phi_tag_values when the profile sets them
        related=(TRAIL,),
        fn=_s3_data_events,
        description="A logging trail records every object read and write in each PHI bucket.",
    ),
    "cloudtrail_log_group_retention": Predicate(
        name="cloudtrail_log_group_retention",
        resource_type=TRAIL,
        reads=("cloudwatch_logs_log_group_arn",),
        params=("audit_log_retention_days",),
        related=("aws.logs.log_group",),
        fn=_trail_log_retention,
        description="The trail's CloudWatch Logs log group keeps events as long as the BAA needs.",
    ),
}

__all__ = [
    "CLOUDTRAIL_PREDICATES",
    "is_phi_bucket",
    "log_group_arn",
    "management_coverage",
    "s3_data_coverage",
    "trail_shortfalls",
]
