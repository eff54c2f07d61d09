"""Cloud KMS crypto keys (cloudkms v1 ``CryptoKey``)."""

from __future__ import annotations

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class CryptoKey(GcpResource):
    resource_type = "gcp.kms.crypto_key"
    asset_type = "cloudkms.googleapis.com/CryptoKey"

    purpose: str | None = optional("ENCRYPT_DECRYPT | ASYMMETRIC_SIGN | ...")
    algorithm: str | None = optional("versionTemplate.algorithm")
    protection_level: str | None = optional("versionTemplate.protectionLevel")
    primary_state: str | None = optional("primary.state")
    rotation_period_days: float | None = optional(
        "rotationPeriod in days; None when automatic rotation is off"
    )
    next_rotation_time: str | None = None


__all__ = ["CryptoKey"]
