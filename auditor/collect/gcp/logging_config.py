"""Cloud Logging configuration: sinks, log buckets and exclusions of every parent in scope.

For the organization, the folders and the projects in scope, three read-only listings of the
Logging API v2: ``GET v2/{parent}/sinks``, ``GET v2/{parent}/locations/-/buckets`` and
``GET v2/{parent}/exclusions`` (``roles/logging.viewer`` or ``roles/logging.configWriter``'s read
permissions: ``logging.sinks.list``, ``logging.buckets.list``, ``logging.exclusions.list``).
Optional: read only when ``gcp_sources`` names ``logging``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.rest_source import (
    RestClient,
    SourceError,
    SourceSpec,
    Targets,
    as_extra_source,
    fan_out,
    open_per_item_source,
    record_coverage,
    record_failure,
    summary_of,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Resource
from auditor.core.model.gcp.logging import (
    LogBucket,
    LogExclusion,
    LogSink,
    OrganizationSinks,
    ParentType,
    SinkSummary,
)
from auditor.core.progress import Progress

SINKS_OP = "logging.sinks.list"
BUCKETS_OP = "logging.buckets.list"
EXCLUSIONS_OP = "logging.exclusions.list"
DEFAULT_SINK = "_Default"
TYPES = (
    LogSink.resource_type,
    LogBucket.resource_type,
    LogExclusion.resource_type,
    OrganizationSinks.resource_type,
)
HOW_TO_ENABLE = (
    "The Cloud Logging configuration source (sinks, log buckets, exclusions) is not enabled. "
    "Enable it with --gcp-source logging; the caller needs roles/logging.viewer on the "
    "organization (or on each folder and project in scope)."
)

SOURCE = SourceSpec("logging", TYPES, SINKS_OP, HOW_TO_ENABLE)
_PARENT_TYPES: dict[str, ParentType] = {
    "organizations": "organization",
    "folders": "folder",
    "projects": "project",
    "billingAccounts": "billingAccount",
}


@dataclass
class ParentResult:
    """Everything read under one parent, and what failed."""

    parent: str
    account: str
    resources: list[Resource] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    located_counts: list[tuple[str | None, int]] = field(default_factory=list)  # buckets
    failures: list[tuple[tuple[str, ...], SourceError]] = field(default_factory=list)


def _bool(raw: dict[str, Any], key: str) -> bool:
    """proto3 JSON omits false booleans, so an absent flag is False."""
    return bool(raw.get(key, False))


def sink_from_api(raw: dict[str, Any], parent: str, account: str) -> LogSink:
    short = str(raw.get("name") or "unknown")
    return LogSink(
        id=str(raw.get("resourceName") or f"{parent}/sinks/{short}"),
        name=short,
        account=account,
        parent=parent,
        parent_type=_PARENT_TYPES.get(parent.split("/", 1)[0], "project"),
        destination=raw.get("destination"),
        filter=raw.get("filter") or "",
        disabled=_bool(raw, "disabled"),
        include_children=_bool(raw, "includeChildren"),
        intercept_children=_bool(raw, "interceptChildren"),
        exclusion_filters=[
            str(e.get("filter") or "")
            for e in raw.get("exclusions") or []
            if not _bool(e, "disabled")
        ],
        writer_identity=raw.get("writerIdentity"),
    )


def bucket_from_api(raw: dict[str, Any], parent: str, account: str) -> LogBucket:
    name = str(raw.get("name") or f"{parent}/locations/unknown/buckets/unknown")
    parts = name.split("/")
    location = parts[parts.index("locations") + 1] if "locations" in parts else None
    retention = raw.get("retentionDays")
    return LogBucket(
        id=name,
        name=parts[-1],
        account=account,
        region=location,
        parent=parent,
        bucket_id=parts[-1],
        retention_days=int(retention) if retention is not None else None,
        locked=_bool(raw, "locked"),
        lifecycle_state=raw.get("lifecycleState"),
        kms_key_name=(raw.get("cmekSettings") or {}).get("kmsKeyName"),
    )


def exclusion_from_api(
    raw: dict[str, Any], parent: str, account: str, sink: LogSink | None = None
) -> LogExclusion:
    """One exclusion. Parent-level exclusions (``exclusions.list``) are, per the API, "the
    exclusions on the _Default sink", so they carry ``sink="_Default"``."""
    short = str(raw.get("name") or "unknown")
    base = sink.id if sink is not None else parent
    return LogExclusion(
        id=f"{base}/exclusions/{short}",
        name=short,
        account=account,
        parent=parent,
        filter=raw.get("filter") or "",
        disabled=_bool(raw, "disabled"),
        sink=sink.name if sink is not None else DEFAULT_SINK,
        sink_include_children=sink.include_children if sink is not None else False,
    )


def _read_parent(client: RestClient, parent: str, account: str) -> ParentResult:
    result = ParentResult(parent=parent, account=account)
    is_org = parent.startswith("organizations/")
    sinks: list[LogSink] = []
    sink_exclusions: list[LogExclusion] = []
    sink_types: tuple[str, ...] = (LogSink.resource_type,) + (
        (OrganizationSinks.resource_type,) if is_org else ()
    )
    try:
        raws: list[dict[str, Any]] = []
        for page in client.pages(f"v2/{parent}/sinks", SINKS_OP, "sinks"):
            raws.extend(page)
        for raw in raws:
            sink = sink_from_api(raw, parent, account)
            sinks.append(sink)
            sink_exclusions.extend(
                exclusion_from_api(e, parent, account, sink) for e in raw.get("exclusions") or []
            )
    except SourceError as error:
        # exclusions embedded in sinks are unknown too
        result.failures.append(((*sink_types, LogExclusion.resource_type), error))
        sinks, sink_exclusions = [], []
    else:
        result.resources.extend(sinks)
        result.counts[LogSink.resource_type] = len(sinks)
        if is_org:
            result.resources.append(
                OrganizationSinks(
                    id=parent,
                    name=parent,
                    account=account,
                    sinks=[summary_of(SinkSummary, s) for s in sinks],
                )
            )
            result.counts[OrganizationSinks.resource_type] = 1
    try:
        buckets: list[LogBucket] = []
        for page in client.pages(f"v2/{parent}/locations/-/buckets", BUCKETS_OP, "buckets"):
            buckets.extend(bucket_from_api(raw, parent, account) for raw in page)
        result.resources.extend(buckets)
        # buckets carry their location as region: coverage is per location, so that "0 here"
        # is said only where nothing was seen
        for location in sorted({b.region or "" for b in buckets}):
            result.located_counts.append(
                (location or None, sum(1 for b in buckets if (b.region or "") == location))
            )
        if not buckets:
            result.counts[LogBucket.resource_type] = 0
    except SourceError as error:
        result.failures.append(((LogBucket.resource_type,), error))
    try:
        exclusions: list[LogExclusion] = []
        for page in client.pages(f"v2/{parent}/exclusions", EXCLUSIONS_OP, "exclusions"):
            exclusions.extend(exclusion_from_api(raw, parent, account) for raw in page)
        # the _Default sink's own exclusions are the parent-level ones: count them once
        listed = {e.name for e in exclusions}
        embedded = [e for e in sink_exclusions if not (e.sink == DEFAULT_SINK and e.name in listed)]
        if not any(LogExclusion.resource_type in types for types, _ in result.failures):
            result.resources.extend(exclusions + embedded)
            result.counts[LogExclusion.resource_type] = len(exclusions) + len(embedded)
    except SourceError as error:
        result.failures.append(((LogExclusion.resource_type,), error))
    return result


def _parents(targets: Targets) -> list[tuple[str, str]]:
    """(parent, account label) for every parent in scope."""
    parents: list[tuple[str, str]] = []
    if targets.organization:
        parents.append((targets.organization, targets.organization))
    parents.extend((folder, folder) for folder in targets.folders)
    parents.extend((f"projects/{pid}", pid) for pid, _number in targets.projects)
    return parents


def collect_logging_config(
    options: CollectOptions, sink: InventorySink, progress: Progress, targets: Targets
) -> None:
    parents = _parents(targets)
    opened = open_per_item_source(
        options, sink, progress, SOURCE, targets, parents, api="logging", label="gcp logging config"
    )
    if opened is None:
        return
    client, task = opened
    results = fan_out(parents, lambda item: _read_parent(client, *item), options.workers)
    for result in results:
        progress.advance(task)
        for resource in result.resources:
            sink.add_resource(resource)
        for resource_type, count in result.counts.items():
            record_coverage(sink, resource_type, result.account, count)
        for region, count in result.located_counts:
            record_coverage(sink, LogBucket.resource_type, result.account, count, region)
        for types, failure in result.failures:
            record_failure(sink, types, result.account, failure)
    progress.done(task)


EXTRA_SOURCE = as_extra_source(
    SOURCE,
    collect_logging_config,
    description="Cloud Logging sinks, log buckets and exclusions",
    permissions=("logging.sinks.list", "logging.buckets.list", "logging.exclusions.list"),
)


__all__ = [
    "EXTRA_SOURCE",
    "HOW_TO_ENABLE",
    "bucket_from_api",
    "collect_logging_config",
    "exclusion_from_api",
    "sink_from_api",
]
