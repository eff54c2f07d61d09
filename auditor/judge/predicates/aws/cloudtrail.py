"""CloudTrail predicates: a trail that records every management event, and every object read
and write in each PHI bucket.

Why Python: event selectors are a small language of their own. A trail's coverage is the union of
its basic selectors (read/write type, management events, data resources named by ARN prefix) and
its advanced selectors (field selectors with equals / startsWith / notEquals ... on eventCategory,
resources.type, resources.ARN, readOnly, eventSource), and "all reads and writes" may come from
two selectors together. Deciding whether that union covers every event of a kind is selector
reasoning, not a field comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from auditor.core.model.aws.cloudtrail import AdvancedEventSelector, CloudTrailTrail
from auditor.core.model.base import Resource
from auditor.judge.policy.related import Unread
from auditor.judge.policy.truth import FALSE, TRUE, Truth, any_of, known, unknown
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

TRAIL = "aws.cloudtrail.trail"
BOTH = frozenset({"read", "write"})
_MODES = {"All": BOTH, "ReadOnly": frozenset({"read"}), "WriteOnly": frozenset({"write"})}
SELECTOR_FIELDS = (
    "is_logging",
    "is_multi_region_trail",
    "event_selectors",
    "advanced_event_selectors",
)


def _trails(resource: Resource, ctx: PredicateContext) -> tuple[list[CloudTrailTrail], Truth]:
    """The account's trails, and UNKNOWN (with the reasons) when more may exist unread."""
    found = ctx.related(TRAIL, account=resource.account)
    trails = [t for t in found.resources if isinstance(t, CloudTrailTrail)]
    return trails, (unknown(*found.missing) if found.missing else FALSE)


def _selectors_read(trails: list[CloudTrailTrail], parts: list[Truth]) -> Iterator[CloudTrailTrail]:
    """The trails whose event selectors were read; each other adds its gaps to ``parts``."""
    return PredicateContext.fully_read(
        trails, CloudTrailTrail, SELECTOR_FIELDS, lambda gaps: parts.append(unknown(*gaps))
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
    short = []
    if trail.is_logging is not True:
        short.append("not logging")
    if trail.is_multi_region_trail is not True:
        short.append("single-region")
    modes, excluded = management_coverage(trail)
    if modes != BOTH:
        short.append(f"management events recorded: {', '.join(sorted(modes)) or 'none'}")
    if excluded:
        short.append(f"management events excluded from {', '.join(excluded)}")
    return short


@predicate("aws.account", reads=("id",), related=(TRAIL,))
def cloudtrail_account_management_events_all(resource: Resource, ctx: PredicateContext) -> Verdict:
    """A logging multi-region trail records all read and write management events.

    True as soon as one trail is read and qualifies, false only when every trail was read (and
    the listing was complete) and none does, unknown otherwise."""
    trails, more = _trails(resource, ctx)
    found: dict[str, list[str]] = {}
    parts: list[Truth] = [more]
    for trail in _selectors_read(trails, parts):
        short = _management_shortfalls(trail)
        if not short:
            return Verdict.passed(
                f"Trail {trail.name or trail.id} records all read and write management events "
                "in every region.",
                {"trail": trail.id},
            )
        found[trail.name or trail.id] = short
        parts.append(FALSE)
    verdict = any_of(parts)
    if verdict.is_unknown:
        return Verdict.unknown(verdict.gaps, evidence={"trails": found})
    if not trails:
        return Verdict.fail(
            f"Account {resource.account} has no CloudTrail trail recording management events.",
            {"trails": []},
        )
    detail = "; ".join(f"{name}: {', '.join(short)}" for name, short in sorted(found.items()))
    return Verdict.fail(f"No trail qualifies ({detail}).", {"trails": found})


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


def phi_bucket(resource: Resource, ctx: PredicateContext) -> Truth:
    """Whether a bucket holds PHI, three-valued: listed in phi_buckets, or its PHI tag (an unread
    tag set is unknown) has a PHI value."""
    if is_phi_bucket(resource.name, {}, ctx.params):
        return TRUE
    tags = ctx.value(resource, "tags")
    if isinstance(tags, Unread):
        return unknown(tags.missing)
    return known(is_phi_bucket(resource.name, tags or {}, ctx.params))


@predicate(
    "aws.s3.bucket",
    reads=("name", "tags"),  # and region, for single-region trails (read three-valued)
    params=(),  # reads phi_buckets / phi_tag_key / phi_tag_values when the profile sets them
    related=(TRAIL,),
)
def cloudtrail_s3_phi_data_events(resource: Resource, ctx: PredicateContext) -> Verdict:
    """A logging trail records every object read and write in each PHI bucket.

    A single-region trail counts only in the bucket's own region (an unread region cannot be
    matched)."""
    applies = phi_bucket(resource, ctx)
    if applies.is_false:
        return Verdict.not_applicable(f"Bucket {resource.name} is not marked as holding PHI")
    if applies.is_unknown:
        return Verdict.unknown(applies.gaps)
    region = ctx.value(resource, "region")
    trails, more = _trails(resource, ctx)
    best: frozenset[str] = frozenset()
    parts: list[Truth] = [more]
    for trail in _selectors_read(trails, parts):
        if trail.is_logging is not True:
            continue
        modes = s3_data_coverage(trail, resource.id)
        best = best | modes
        if modes != BOTH:
            parts.append(FALSE)
            continue
        if trail.is_multi_region_trail is True:
            in_region = TRUE
        elif isinstance(region, Unread):
            in_region = unknown(region.missing)
        else:
            in_region = known(region in (None, trail.region))
        if in_region.is_true:
            return Verdict.passed(
                f"Trail {trail.name} records every read and write of objects in {resource.name}.",
                {"trail": trail.id},
            )
        parts.append(in_region)
    verdict = any_of(parts)
    if verdict.is_unknown:
        return Verdict.unknown(verdict.gaps, evidence={"recorded": sorted(best)})
    return Verdict.fail(
        f"No logging trail records all object reads and writes in PHI bucket {resource.name} "
        f"(recorded: {', '.join(sorted(best)) or 'none'}).",
        {"recorded": sorted(best)},
    )


CLOUDTRAIL_PREDICATES = registry(
    cloudtrail_account_management_events_all,
    cloudtrail_s3_phi_data_events,
)

__all__ = [
    "CLOUDTRAIL_PREDICATES",
    "is_phi_bucket",
    "management_coverage",
    "phi_bucket",
    "s3_data_coverage",
]
