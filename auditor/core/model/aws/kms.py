"""KMS keys. Sources: ``kms:ListKeys``, ``kms:DescribeKey``, ``kms:GetKeyRotationStatus``,
``kms:ListAliases``."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class KmsKey(AwsResource):
    resource_type = "aws.kms.key"

    key_id: str | None = None
    aliases: list[str] = Field(default_factory=list, description="alias names, e.g. alias/aws/s3")
    key_manager: str | None = optional("CUSTOMER or AWS")
    key_spec: str | None = optional("SYMMETRIC_DEFAULT is AES-256-GCM")
    key_usage: str | None = None
    key_state: str | None = None
    enabled: bool | None = None
    origin: str | None = optional("AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE")
    multi_region: bool | None = None
    rotation_enabled: bool | None = optional(
        "GetKeyRotationStatus.KeyRotationEnabled (symmetric AWS_KMS keys)"
    )
    rotation_period_days: int | None = optional("RotationPeriodInDays")
