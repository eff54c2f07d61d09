"""CloudTrail trails (global collector that looks in every region of the run).

Calls: ``cloudtrail:DescribeTrails`` (``includeShadowTrails``, in each region, so organization
trails and multi-region trails created elsewhere are seen), then, in each trail's home region,
``cloudtrail:GetTrailStatus`` and ``cloudtrail:GetEventSelectors``. A trail is emitted once, with
its home region as ``region``.
"""

from __future__ import annotations

import functools
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext, picked
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.cloudtrail import (
    AdvancedEventSelector,
    CloudTrailTrail,
    DataResource,
    EventSelector,
    FieldSelector,
)
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.cloudtrail.trail",)
TYPE = TYPES[0]

#: CloudTrailTrail fields read as DescribeTrails reports them
_TRAIL_FIELDS = {
    "is_multi_region_trail": "IsMultiRegionTrail",
    "include_global_service_events": "IncludeGlobalServiceEvents",
    "log_file_validation_enabled": "LogFileValidationEnabled",
    "kms_key_id": "KmsKeyId",
    "is_organization_trail": "IsOrganizationTrail",
    "s3_bucket_name": "S3BucketName",
    "cloudwatch_logs_log_group_arn": "CloudWatchLogsLogGroupArn",
}


def _selectors(response: dict[str, Any]) -> tuple[list[EventSelector], list[AdvancedEventSelector]]:
    basic = [
        EventSelector(
            read_write_type=s.get("ReadWriteType"),
            include_management_events=s.get("IncludeManagementEvents"),
            data_resources=[
                DataResource(
                    type=str(d.get("Type", "")), values=[str(v) for v in d.get("Values", []) or []]
                )
                for d in s.get("DataResources", []) or []
            ],
            exclude_management_event_sources=list(s.get("ExcludeManagementEventSources", []) or []),
        )
        for s in response.get("EventSelectors", []) or []
    ]
    advanced = [
        AdvancedEventSelector(
            name=s.get("Name"),
            field_selectors=[
                FieldSelector(
                    field=str(f.get("Field", "")),
                    equals=list(f.get("Equals", []) or []),
                    starts_with=list(f.get("StartsWith", []) or []),
                    ends_with=list(f.get("EndsWith", []) or []),
                    not_equals=list(f.get("NotEquals", []) or []),
                    not_starts_with=list(f.get("NotStartsWith", []) or []),
                    not_ends_with=list(f.get("NotEndsWith", []) or []),
                )
                for f in s.get("FieldSelectors", []) or []
            ],
        )
        for s in response.get("AdvancedEventSelectors", []) or []
    ]
    return basic, advanced


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    regions = ctx.regions or (ctx.home_region,)
    trails: dict[str, dict[str, Any]] = {}
    listed: list[str] = []
    for region in regions:
        try:
            found = call(
                ctx.client("cloudtrail", region), "describe_trails", includeShadowTrails=True
            )
        except CallFailed as failure:
            sink.add_listing_gap(failure.listing_gap(ctx.account, region, TYPE))
            continue
        listed.append(region)
        for trail in found.get("trailList", []):
            trails.setdefault(str(trail.get("TrailARN")), trail)
    for arn, trail in sorted(trails.items()):
        home = str(trail.get("HomeRegion") or ctx.home_region)
        gaps: list[Gap] = []
        # a trail is read in its home region, and what cannot be read is a gap on the trail
        read = functools.partial(ctx.read, "cloudtrail", gaps=gaps, region=home)
        status = read("get_trail_status", fields=("is_logging", "latest_delivery_error"), Name=arn)
        selectors = read(
            "get_event_selectors",
            fields=("event_selectors", "advanced_event_selectors"),
            TrailName=arn,
        )
        basic, advanced = _selectors(selectors or {})
        ctx.emit(
            CloudTrailTrail(
                id=arn,
                name=trail.get("Name"),
                account=ctx.account,  # an organization trail logs this account too
                region=home,
                **picked(trail, _TRAIL_FIELDS),
                is_logging=(status or {}).get("IsLogging") if status is not None else None,
                latest_delivery_error=(status or {}).get("LatestDeliveryError")
                if status is not None
                else None,
                event_selectors=basic,
                advanced_event_selectors=advanced,
                gaps=gaps,
            )
        )
    # coverage per region listed, counting the trails at home there (a trail's region is its home)
    for region in listed:
        homes = [t for t in trails.values() if (t.get("HomeRegion") or ctx.home_region) == region]
        ctx.covered(TYPE, len(homes), region=region)
