"""DynamoDB tables: server-side encryption, from ``dynamodb:DescribeTable`` ``SSEDescription``."""

from __future__ import annotations

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class DynamoDbTable(AwsResource):
    resource_type = "aws.dynamodb.table"

    sse_status: str | None = optional(
        "SSEDescription.Status; None when SSEDescription is absent, which means the "
        "table is encrypted with an AWS-owned key (AES-256)"
    )
    sse_type: str | None = optional("SSEDescription.SSEType: AES256 or KMS")
    kms_master_key_arn: str | None = None
