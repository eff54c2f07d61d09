"""Cloud Storage buckets (storage v1 ``Bucket``) with their IAM policy."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource, IamBinding


class Bucket(GcpResource):
    resource_type = "gcp.storage.bucket"
    asset_type = "storage.googleapis.com/Bucket"

    default_kms_key_name: str | None = optional("encryption.defaultKmsKeyName")
    uniform_bucket_level_access: bool | None = None
    public_access_prevention: str | None = optional("enforced | inherited")
    iam_bindings: list[IamBinding] = Field(default_factory=list)


__all__ = ["Bucket"]
