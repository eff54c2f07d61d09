"""Memorystore for Redis instances (redis v1 ``Instance``)."""

from __future__ import annotations

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class RedisInstance(GcpResource):
    resource_type = "gcp.redis.instance"
    asset_type = "redis.googleapis.com/Instance"

    tier: str | None = None
    transit_encryption_mode: str | None = optional("SERVER_AUTHENTICATION | DISABLED")
    auth_enabled: bool | None = None
    customer_managed_key: str | None = None


__all__ = ["RedisInstance"]
