"""EBS: the per-region encryption default, volumes and snapshots.

Sources: ``ec2:GetEbsEncryptionByDefault``, ``ec2:DescribeVolumes`` and
``ec2:DescribeSnapshots`` with ``OwnerIds=["self"]``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource


class EbsEncryptionDefault(Resource):
    """One per region: whether new EBS volumes are encrypted without being asked."""

    resource_type: ClassVar[str] = "aws.ec2.ebs_encryption_default"
    provider: ClassVar[Provider] = "aws"

    ebs_encryption_by_default: bool | None = Field(
        default=None, description="EbsEncryptionByDefault"
    )
    sse_type: str | None = Field(default=None, description="SseType: sse-ebs, sse-kms or none")


class Ec2Volume(Resource):
    resource_type: ClassVar[str] = "aws.ec2.volume"
    provider: ClassVar[Provider] = "aws"

    encrypted: bool | None = None
    kms_key_id: str | None = None
    state: str | None = None
    attached_instances: list[str] = Field(default_factory=list)


class Ec2Snapshot(Resource):
    resource_type: ClassVar[str] = "aws.ec2.snapshot"
    provider: ClassVar[Provider] = "aws"

    encrypted: bool | None = None
    kms_key_id: str | None = None
    volume_id: str | None = None
