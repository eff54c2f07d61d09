"""AlloyDB clusters and instances (alloydb v1)."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.gcp.common import GcpResource


class AlloyDbCluster(GcpResource):
    resource_type = "gcp.alloydb.cluster"
    asset_type = "alloydb.googleapis.com/Cluster"

    kms_key_name: str | None = Field(default=None, description="encryptionConfig.kmsKeyName")
    database_version: str | None = None


class AlloyDbInstance(GcpResource):
    resource_type = "gcp.alloydb.instance"
    asset_type = "alloydb.googleapis.com/Instance"

    instance_type: str | None = None
    ssl_mode: str | None = Field(
        default=None, description="clientConnectionConfig.sslConfig.sslMode"
    )
    require_connectors: bool | None = Field(
        default=None, description="clientConnectionConfig.requireConnectors"
    )


__all__ = ["AlloyDbCluster", "AlloyDbInstance"]
