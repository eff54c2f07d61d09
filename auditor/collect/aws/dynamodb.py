"""DynamoDB tables: server-side encryption from DescribeTable."""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.dynamodb import DynamoDbTable

TYPES: tuple[str, ...] = (DynamoDbTable.resource_type,)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(TYPES, "dynamodb", "list_tables")
    if listed is None:
        return
    names = [str(n) for n in listed.get("TableNames", [])]
    for name in names:
        table = DynamoDbTable(
            id=ctx.arn("dynamodb", f"table/{name}"),
            name=name,
            account=ctx.account,
            region=ctx.region,
        )
        found = ctx.read(
            "dynamodb",
            "describe_table",
            fields=["sse_status", "sse_type", "kms_master_key_arn"],
            gaps=table.gaps,
            TableName=name,
        )
        if found is not None:
            raw = found.get("Table", {})
            table.id = str(raw.get("TableArn") or table.id)
            sse = raw.get("SSEDescription") or {}
            table.sse_status = sse.get("Status")
            table.sse_type = sse.get("SSEType")
            table.kms_master_key_arn = sse.get("KMSMasterKeyArn")
        sink.add_resource(table)
    ctx.covered(DynamoDbTable.resource_type, len(names))
