"""EFS file systems: encryption at rest."""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext, key_value_tags
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.efs import EfsFileSystem

TYPES: tuple[str, ...] = (EfsFileSystem.resource_type,)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    systems = ctx.items(TYPES, "efs", "describe_file_systems", "FileSystems")
    for raw in systems:
        tags = key_value_tags(raw.get("Tags", []))
        sink.add_resource(
            EfsFileSystem(
                id=str(
                    raw.get("FileSystemArn")
                    or ctx.arn("elasticfilesystem", f"file-system/{raw['FileSystemId']}")
                ),
                name=raw.get("Name") or raw["FileSystemId"],
                account=ctx.account,
                region=ctx.region,
                tags=tags,
                encrypted=raw.get("Encrypted"),
                kms_key_id=raw.get("KmsKeyId"),
            )
        )
    ctx.covered(EfsFileSystem.resource_type, len(systems))
