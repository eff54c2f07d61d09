"""S3 buckets: default encryption, SSE-C blocking and the bucket policy.

Sources: ``s3:ListBuckets`` (``Buckets[].BucketRegion``; ``s3:GetBucketLocation`` when absent),
``s3:GetBucketEncryption`` (``ServerSideEncryptionConfiguration.Rules[0]``), ``s3:GetBucketPolicy``
and ``s3:GetBucketTagging``.
"""

from __future__ import annotations

from typing import Any

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class S3Bucket(AwsResource):
    resource_type = "aws.s3.bucket"

    sse_algorithm: str | None = optional(
        "Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm (AES256, aws:kms, "
        "aws:kms:dsse, ...); None when the bucket has no default-encryption configuration"
    )
    kms_master_key_id: str | None = optional(
        "KMSMasterKeyID: key id, key ARN, alias name or alias ARN"
    )
    bucket_key_enabled: bool | None = None
    blocked_encryption_types: list[str] | None = optional(
        "Rules[0].BlockedEncryptionTypes.EncryptionType (NONE, SSE-C); None if absent"
    )
    policy: dict[str, Any] | None = optional(
        "The bucket policy document, parsed; None when there is none"
    )
