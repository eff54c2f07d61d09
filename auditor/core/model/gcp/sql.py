"""Cloud SQL (sqladmin ``DatabaseInstance``)."""

from __future__ import annotations

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class SqlInstance(GcpResource):
    resource_type = "gcp.sql.instance"
    asset_type = "sqladmin.googleapis.com/Instance"

    database_version: str | None = None
    state: str | None = None
    instance_type: str | None = None
    ssl_mode: str | None = optional(
        "settings.ipConfiguration.sslMode: ALLOW_UNENCRYPTED_AND_ENCRYPTED | "
        "ENCRYPTED_ONLY | TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    )
    require_ssl: bool | None = optional("settings.ipConfiguration.requireSsl")
    ipv4_enabled: bool | None = None
    kms_key_name: str | None = optional("diskEncryptionConfiguration.kmsKeyName")


__all__ = ["SqlInstance"]
