"""DynamoDB tables: server-side encryption, from ``dynamodb:DescribeTable`` ``SSEDescription``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource


class DynamoDbTable(Resource):
    resource_type: ClassVar[str] = "aws.dynamodb.table"
    provider: ClassVar[Provider] = "aws"

    sse_status: str | None = Field(
        default=None,
        description="SSEDescription.Status; None when SSEDescription is absent, which means the "
        "table is encrypted with an AWS-owned key (AES-256)",
    )
    sse_type: str | None = Field(default=None, description="SSEDescription.SSEType: AES256 or KMS")
    kms_master_key_arn: str | None = None
