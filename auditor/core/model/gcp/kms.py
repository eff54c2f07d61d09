"""Cloud KMS crypto keys (cloudkms v1 ``CryptoKey``)."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.gcp.common import GcpResource


class CryptoKey(GcpResource):
    resource_type = "gcp.kms.crypto_key"
    asset_type = "cloudkms.googleapis.com/CryptoKey"

    purpose: str | None = Field(default=None, description="ENCRYPT_DECRYPT | ASYMMETRIC_SIGN | ...")
    algorithm: str | None = Field(default=None, description="versionTemplate.algorithm")
    protection_level: str | None = Field(
        default=None, description="versionTemplate.protectionLevel"
    )
    primary_state: str | None = Field(default=None, description="primary.state")
    rotation_period_days: float | None = Field(
        default=None, description="rotationPeriod in days; None when automatic rotation is off"
    )
    next_rotation_time: str | None = None


__all__ = ["CryptoKey"]
