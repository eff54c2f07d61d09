"""AWS CloudTrail trails: where they log, what they record, and whether they are logging."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class DataResource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="e.g. AWS::S3::Object")
    values: list[str] = Field(
        default_factory=list, description="ARN prefixes, e.g. arn:aws:s3:::bucket/"
    )


class EventSelector(BaseModel):
    """A basic event selector (GetEventSelectors EventSelectors[])."""

    model_config = ConfigDict(extra="forbid")

    read_write_type: str | None = optional("ReadOnly | WriteOnly | All")
    include_management_events: bool | None = None
    data_resources: list[DataResource] = Field(default_factory=list)
    exclude_management_event_sources: list[str] = Field(default_factory=list)


class FieldSelector(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    equals: list[str] = Field(default_factory=list)
    starts_with: list[str] = Field(default_factory=list)
    ends_with: list[str] = Field(default_factory=list)
    not_equals: list[str] = Field(default_factory=list)
    not_starts_with: list[str] = Field(default_factory=list)
    not_ends_with: list[str] = Field(default_factory=list)


class AdvancedEventSelector(BaseModel):
    """An advanced event selector (GetEventSelectors AdvancedEventSelectors[])."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    field_selectors: list[FieldSelector] = Field(default_factory=list)


class CloudTrailTrail(AwsResource):
    """A trail, seen once however many regions show it; ``region`` is its home region."""

    resource_type = "aws.cloudtrail.trail"

    is_multi_region_trail: bool | None = None
    include_global_service_events: bool | None = None
    log_file_validation_enabled: bool | None = None
    kms_key_id: str | None = None
    is_organization_trail: bool | None = None
    s3_bucket_name: str | None = None
    cloudwatch_logs_log_group_arn: str | None = None
    is_logging: bool | None = optional("GetTrailStatus IsLogging")
    latest_delivery_error: str | None = optional("GetTrailStatus LatestDeliveryError")
    event_selectors: list[EventSelector] = Field(default_factory=list)
    advanced_event_selectors: list[AdvancedEventSelector] = Field(default_factory=list)


__all__ = [
    "AdvancedEventSelector",
    "CloudTrailTrail",
    "DataResource",
    "EventSelector",
    "FieldSelector",
]
