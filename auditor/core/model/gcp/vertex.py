"""Vertex AI (Gemini Enterprise Agent Platform) project cache configuration.

Not in Cloud Asset Inventory: ``GET v1/projects/{project}/cacheConfig``
(``aiplatform.v1 projects.getCacheConfig``), schema ``GoogleCloudAiplatformV1CacheConfig``.
"""

from __future__ import annotations

from auditor.core.model.base import Resource
from auditor.core.model.gcp.common import GcpApiResource


class CacheConfig(GcpApiResource):
    """A project's GenAI cache configuration. ``account`` is the project id.

    ``disable_cache`` follows proto3 JSON: the API omits a false boolean, and its documentation
    says caching is enabled unless the field is true, so an omitted field is recorded as False.
    """

    resource_type = "gcp.aiplatform.cache_config"

    disable_cache: bool | None = None
    retention_type: str | None = None


VERTEX_TYPES: tuple[type[Resource], ...] = (CacheConfig,)

__all__ = ["VERTEX_TYPES", "CacheConfig"]
