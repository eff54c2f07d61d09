"""RDS DB instances and Aurora/Multi-AZ DB clusters: storage encryption and TLS parameters.

Sources: ``rds:DescribeDBInstances``, ``rds:DescribeDBClusters``; TLS parameters from
``rds:DescribeDBParameters`` / ``rds:DescribeDBClusterParameters`` on the attached group and,
for a parameter the group does not report, ``rds:DescribeEngineDefaultParameters`` /
``rds:DescribeEngineDefaultClusterParameters`` for the group's family.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class RdsTlsParameters(BaseModel):
    """The parameters that decide whether a database accepts connections without TLS, and which.

    Each value is the effective one: the group's value, or the engine default when the group
    leaves it unset (``sources`` says which). ``None``: the parameter does not exist for this
    engine or was reported without a value.
    """

    model_config = ConfigDict(extra="forbid")

    parameter_group: str | None = None
    family: str | None = None
    force_ssl: str | None = optional("rds.force_ssl (PostgreSQL, SQL Server)")
    ssl_min_protocol_version: str | None = optional("PostgreSQL, e.g. TLSv1.2")
    require_secure_transport: str | None = optional("MySQL and MariaDB")
    tls_version: str | None = optional("MySQL and MariaDB, e.g. TLSv1.2,TLSv1.3")
    sources: dict[str, str] = Field(
        default_factory=dict, description="parameter -> user | system | engine-default"
    )


class _RdsStore(AwsResource):
    engine: str | None = None
    engine_version: str | None = None
    storage_encrypted: bool | None = None
    storage_encryption_type: str | None = optional(
        "StorageEncryptionType: none, sse-rds (AWS-owned key), sse-kms"
    )
    kms_key_id: str | None = None
    tls_parameters: RdsTlsParameters | None = None


class RdsDbInstance(_RdsStore):
    resource_type = "aws.rds.db_instance"

    db_cluster_identifier: str | None = optional(
        "Set for members of a cluster, whose TLS parameters the cluster holds"
    )


class RdsDbCluster(_RdsStore):
    resource_type = "aws.rds.db_cluster"
