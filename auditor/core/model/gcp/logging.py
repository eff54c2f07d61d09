"""Cloud Logging routing and storage: sinks, log buckets and exclusions.

Read with the Logging API v2 (``GET v2/{parent}/sinks``, ``v2/{parent}/locations/-/buckets``,
``v2/{parent}/exclusions``) for the organization, folders and projects in scope. Field names follow
the ``LogSink``, ``LogBucket`` and ``LogExclusion`` schemas of the ``logging.v2`` discovery
document. Booleans follow proto3 JSON: an omitted ``disabled``/``includeChildren``/``locked`` is
False.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from auditor.core.model.base import Resource, optional
from auditor.core.model.gcp.common import GcpApiResource, OrganizationSummary

ParentType = Literal["organization", "folder", "project", "billingAccount"]


class LogSink(GcpApiResource):
    """One sink. ``id`` is its full name (``organizations/O/sinks/S``); ``account`` its parent."""

    resource_type = "gcp.logging.sink"

    parent: str
    parent_type: ParentType
    destination: str | None = None
    filter: str | None = None
    disabled: bool | None = None
    include_children: bool | None = None
    intercept_children: bool | None = None
    exclusion_filters: list[str] = Field(default_factory=list)
    writer_identity: str | None = None


class LogBucket(GcpApiResource):
    """One log bucket. ``id`` is ``{parent}/locations/L/buckets/B``; ``region`` the location."""

    resource_type = "gcp.logging.bucket"

    parent: str
    bucket_id: str
    retention_days: int | None = None
    locked: bool | None = None
    lifecycle_state: str | None = None
    kms_key_name: str | None = None


class LogExclusion(GcpApiResource):
    """One exclusion of a sink. Parent-level exclusions (``exclusions.list``) are those of the
    ``_Default`` sink (``sink="_Default"``); others come from a sink's ``exclusions``. ``id`` is
    the exclusion's full name."""

    resource_type = "gcp.logging.exclusion"

    parent: str
    filter: str | None = None
    disabled: bool | None = None
    sink: str | None = optional("sink name when embedded in a sink")
    sink_include_children: bool | None = None


class SinkSummary(OrganizationSummary):
    """What the organization-level view keeps of each sink."""

    destination: str | None = None
    filter: str | None = None
    disabled: bool | None = None
    include_children: bool | None = None
    exclusion_filters: list[str] = Field(default_factory=list)


class OrganizationSinks(GcpApiResource):
    """The result of listing an organization's sinks, so that "no aggregated sink" is a finding.

    ``id`` and ``account`` are ``organizations/ID``.
    """

    resource_type = "gcp.logging.organization_sinks"

    sinks: list[SinkSummary] = Field(default_factory=list)


LOGGING_TYPES: tuple[type[Resource], ...] = (LogSink, LogBucket, LogExclusion, OrganizationSinks)

__all__ = [
    "LOGGING_TYPES",
    "LogBucket",
    "LogExclusion",
    "LogSink",
    "OrganizationSinks",
    "ParentType",
    "SinkSummary",
]
