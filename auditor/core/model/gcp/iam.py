"""IAM service-account keys (iam v1 ``ServiceAccountKey``)."""

from __future__ import annotations

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class ServiceAccountKey(GcpResource):
    resource_type = "gcp.iam.service_account_key"
    asset_type = "iam.googleapis.com/ServiceAccountKey"

    service_account: str | None = None
    key_type: str | None = optional("USER_MANAGED | SYSTEM_MANAGED")
    disabled: bool | None = None
    valid_after_time: str | None = None


__all__ = ["ServiceAccountKey"]
