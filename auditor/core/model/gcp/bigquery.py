"""BigQuery datasets (bigquery v2 ``Dataset``)."""

from __future__ import annotations

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class Dataset(GcpResource):
    resource_type = "gcp.bigquery.dataset"
    asset_type = "bigquery.googleapis.com/Dataset"

    default_kms_key_name: str | None = optional("defaultEncryptionConfiguration.kmsKeyName")


__all__ = ["Dataset"]
