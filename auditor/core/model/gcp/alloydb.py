"""AlloyDB clusters and instances (alloydb v1)."""

from __future__ import annotations

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class AlloyDbCluster(GcpResource):
    resource_type = "gcp.alloydb.cluster"
    asset_type = "alloydb.googleapis.com/Cluster"

    kms_key_name: str | None = optional("encryptionConfig.kmsKeyName")
    database_version: str | None = None


class AlloyDbInstance(GcpResource):
    resource_type = "gcp.alloydb.instance"
    asset_type = "alloydb.googleapis.com/Instance"

    instance_type: str | None = None
    ssl_mode: str | None = optional("clientConnectionConfig.sslConfig.sslMode")
    require_connectors: bool | None = optional("clientConnectionConfig.requireConnectors")


__all__ = ["AlloyDbCluster", "AlloyDbInstance"]
