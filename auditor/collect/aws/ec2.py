"""EBS encryption: the per-region default, volumes and snapshots owned by the account."""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.ec2 import EbsEncryptionDefault, Ec2Snapshot, Ec2Volume
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = (
    EbsEncryptionDefault.resource_type,
    Ec2Volume.resource_type,
    Ec2Snapshot.resource_type,
)


def _tags(raw: list[dict[str, str]] | None) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in raw or []}


def _default(ctx: AwsContext, sink: InventorySink) -> None:
    gaps: list[Gap] = []
    found = ctx.read(
        "ec2",
        "get_ebs_encryption_by_default",
        fields=["ebs_encryption_by_default", "sse_type"],
        gaps=gaps,
    )
    setting = EbsEncryptionDefault(
        id=ctx.arn("ec2", "ebs-encryption-by-default"),
        name=f"EBS encryption default ({ctx.region})",
        account=ctx.account,
        region=ctx.region,
        gaps=gaps,
    )
    if found is not None:
        setting.ebs_encryption_by_default = found.get("EbsEncryptionByDefault")
        setting.sse_type = found.get("SseType")
    sink.add_resource(setting)
    ctx.covered(EbsEncryptionDefault.resource_type, 1)


def _volumes(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(Ec2Volume.resource_type, "ec2", "describe_volumes")
    if listed is None:
        return
    volumes = listed.get("Volumes", [])
    for raw in volumes:
        tags = _tags(raw.get("Tags"))
        sink.add_resource(
            Ec2Volume(
                id=ctx.arn("ec2", f"volume/{raw['VolumeId']}"),
                name=tags.get("Name"),
                account=ctx.account,
                region=ctx.region,
                tags=tags,
                encrypted=raw.get("Encrypted"),
                kms_key_id=raw.get("KmsKeyId"),
                state=raw.get("State"),
                attached_instances=[
                    a["InstanceId"] for a in raw.get("Attachments", []) if "InstanceId" in a
                ],
            )
        )
    ctx.covered(Ec2Volume.resource_type, len(volumes))


def _snapshots(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(Ec2Snapshot.resource_type, "ec2", "describe_snapshots", OwnerIds=["self"])
    if listed is None:
        return
    snapshots = [s for s in listed.get("Snapshots", []) if s.get("OwnerId") in (None, ctx.account)]
    for raw in snapshots:
        tags = _tags(raw.get("Tags"))
        sink.add_resource(
            Ec2Snapshot(
                id=ctx.arn("ec2", f"snapshot/{raw['SnapshotId']}"),
                name=tags.get("Name"),
                account=ctx.account,
                region=ctx.region,
                tags=tags,
                encrypted=raw.get("Encrypted"),
                kms_key_id=raw.get("KmsKeyId"),
                volume_id=raw.get("VolumeId"),
            )
        )
    ctx.covered(Ec2Snapshot.resource_type, len(snapshots))


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    _default(ctx, sink)
    _volumes(ctx, sink)
    _snapshots(ctx, sink)
