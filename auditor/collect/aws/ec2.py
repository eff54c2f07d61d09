"""EBS encryption: the per-region default, volumes and snapshots owned by the account."""

from __future__ import annotations

from typing import Any, TypeVar

from auditor.collect.aws.context import AwsContext, key_value_tags, picked
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.ec2 import EbsEncryptionDefault, Ec2Snapshot, Ec2Volume
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = (
    EbsEncryptionDefault.resource_type,
    Ec2Volume.resource_type,
    Ec2Snapshot.resource_type,
)


#: the fields of EbsEncryptionDefault, from GetEbsEncryptionByDefault
_DEFAULT_FIELDS = {"ebs_encryption_by_default": "EbsEncryptionByDefault", "sse_type": "SseType"}

_Store = TypeVar("_Store", Ec2Volume, Ec2Snapshot)


def _default(ctx: AwsContext, sink: InventorySink) -> None:
    gaps: list[Gap] = []
    found = ctx.read(
        "ec2", "get_ebs_encryption_by_default", fields=list(_DEFAULT_FIELDS), gaps=gaps
    )
    sink.add_resource(
        EbsEncryptionDefault(
            id=ctx.arn("ec2", "ebs-encryption-by-default"),
            name=f"EBS encryption default ({ctx.region})",
            account=ctx.account,
            region=ctx.region,
            gaps=gaps,
            **picked(found or {}, _DEFAULT_FIELDS),
        )
    )
    ctx.covered(EbsEncryptionDefault.resource_type, 1)


def _store(
    ctx: AwsContext, model: type[_Store], raw: dict[str, Any], arn_path: str, **fields: Any
) -> _Store:
    """A volume or a snapshot: ARN, Name tag, tags and encryption are read alike for both."""
    tags = key_value_tags(raw.get("Tags"))
    return model(
        id=ctx.arn("ec2", arn_path),
        name=tags.get("Name"),
        account=ctx.account,
        region=ctx.region,
        tags=tags,
        encrypted=raw.get("Encrypted"),
        kms_key_id=raw.get("KmsKeyId"),
        **fields,
    )


def _volumes(ctx: AwsContext, sink: InventorySink) -> None:
    volumes = ctx.items(Ec2Volume.resource_type, "ec2", "describe_volumes", "Volumes")
    for raw in volumes:
        attached = [a["InstanceId"] for a in raw.get("Attachments", []) if "InstanceId" in a]
        sink.add_resource(
            _store(
                ctx,
                Ec2Volume,
                raw,
                f"volume/{raw['VolumeId']}",
                state=raw.get("State"),
                attached_instances=attached,
            )
        )
    ctx.covered(Ec2Volume.resource_type, len(volumes))


def _snapshots(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.items(
        Ec2Snapshot.resource_type, "ec2", "describe_snapshots", "Snapshots", OwnerIds=["self"]
    )
    snapshots = [s for s in listed if s.get("OwnerId") in (None, ctx.account)]
    for raw in snapshots:
        sink.add_resource(
            _store(
                ctx,
                Ec2Snapshot,
                raw,
                f"snapshot/{raw['SnapshotId']}",
                volume_id=raw.get("VolumeId"),
            )
        )
    ctx.covered(Ec2Snapshot.resource_type, len(snapshots))


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    _default(ctx, sink)
    _volumes(ctx, sink)
    _snapshots(ctx, sink)
