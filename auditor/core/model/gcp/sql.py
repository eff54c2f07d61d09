"""Cloud SQL (sqladmin ``DatabaseInstance``)."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.gcp.common import GcpResource


class SqlInstance(GcpResource):
    resource_type = "gcp.sql.instance"
    asset_type = "sqladmin.googleapis.com/Instance"

    database_version: str | None = None
    state: str | None = None
    instance_type: str | None = None
    ssl_mode: str | None = Field(
        default=None,
        description="settings.ipConfiguration.sslMode: ALLOW_UNENCRYPTED_AND_ENCRYPTED | "
        "ENCRYPTED_ONLY | TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
    )
    require_ssl: bool | None = Field(
        default=None, description="settings.ipConfiguration.requireSsl"
    )
    ipv4_enabled: bool | None = None
    kms_key_name: str | None = Field(
        default=None, description="diskEncryptionConfiguration.kmsKeyName"
    )


__all__ = ["SqlInstance"]
