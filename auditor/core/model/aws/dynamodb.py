"""DynamoDB tables: server-side encryption, from ``dynamodb:DescribeTable`` ``SSEDescription``."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.aws.common import AwsResource


class DynamoDbTable(AwsResource):
    resource_type = "aws.dynamodb.table"

    sse_status: str | None = Field(
        default=None,
        description="SSEDescription.Status; None when SSEDescription is absent, which means the "
        "table is encrypted with an AWS-owned key (AES-256)",
    )
    sse_type: str | None = Field(default=None, description="SSEDescription.SSEType: AES256 or KMS")
    kms_master_key_arn: str | None = None
