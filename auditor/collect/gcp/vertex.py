"""Vertex AI (Gemini Enterprise Agent Platform) GenAI cache configuration per project.

``GET v1/projects/{project}/cacheConfig`` (permission ``aiplatform.cacheConfigs.get``, in
``roles/aiplatform.viewer``). Optional: read only when ``gcp_sources`` names ``vertex``.
"""

from __future__ import annotations

from typing import Any

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.rest_source import (
    SourceError,
    SourceSpec,
    Targets,
    as_extra_source,
    open_per_item_source,
    read_each,
    record_coverage,
    record_failure,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.gcp.vertex import CacheConfig
from auditor.core.progress import Progress

OPERATION = "aiplatform.projects.getCacheConfig"
TYPES = (CacheConfig.resource_type,)
HOW_TO_ENABLE = (
    "The Vertex AI source (GenAI cache configuration per project) is not enabled. Enable it with "
    "--gcp-source vertex; the caller needs aiplatform.cacheConfigs.get (roles/aiplatform.viewer) "
    "in each project."
)

SOURCE = SourceSpec("vertex", TYPES, OPERATION, HOW_TO_ENABLE)


def cache_config_from_api(payload: dict[str, Any], project: str) -> CacheConfig:
    name = str(payload.get("name") or f"projects/{project}/cacheConfig")
    retention = payload.get("retentionConfig") or {}
    return CacheConfig(
        id=name,
        name=name,
        account=project,
        # proto3 JSON omits a false boolean; "Otherwise caching is enabled" (API reference)
        disable_cache=bool(payload.get("disableCache", False)),
        retention_type=retention.get("retentionType"),
    )


def collect_vertex(
    options: CollectOptions, sink: InventorySink, progress: Progress, targets: Targets
) -> None:
    projects = [pid for pid, _number in targets.projects]
    opened = open_per_item_source(
        options,
        sink,
        progress,
        SOURCE,
        targets,
        projects,
        api="aiplatform",
        label="gcp vertex cache config",
    )
    if opened is None:
        return
    client, task = opened

    def read(project: str) -> CacheConfig:
        return cache_config_from_api(
            client.get(f"v1/projects/{project}/cacheConfig", OPERATION), project
        )

    for project, result in zip(projects, read_each(projects, read, options.workers), strict=True):
        progress.advance(task)
        if isinstance(result, SourceError) and result.reason == "SERVICE_DISABLED":
            # the Vertex AI API is off in this project: observed, nothing can be sent to it
            record_coverage(sink, CacheConfig.resource_type, project, 0)
            continue
        if isinstance(result, SourceError):
            record_failure(sink, TYPES, project, result)
            continue
        sink.add_resource(result)
        record_coverage(sink, CacheConfig.resource_type, project, 1)
    progress.done(task)


EXTRA_SOURCE = as_extra_source(
    SOURCE,
    collect_vertex,
    description="Vertex AI GenAI cache configuration",
    permissions=("aiplatform.cacheConfigs.get",),
)


__all__ = ["EXTRA_SOURCE", "HOW_TO_ENABLE", "cache_config_from_api", "collect_vertex"]
