"""EBS: the per-region encryption default, volumes and snapshots.

Sources: ``ec2:GetEbsEncryptionByDefault``, ``ec2:DescribeVolumes`` and
``ec2:DescribeSnapshots`` with ``OwnerIds=["self"]``.
"""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.aws.common import AwsEncryptedStore, AwsResource
from auditor.core.model.base import optional


class EbsEncryptionDefault(AwsResource):
    """One per region: whether new EBS volumes are encrypted without being asked."""

    resource_type = "aws.ec2.ebs_encryption_default"

    ebs_encryption_by_default: bool | None = optional("EbsEncryptionByDefault")
    sse_type: str | None = optional("SseType: sse-ebs, sse-kms or none")


class Ec2Volume(AwsEncryptedStore):
    resource_type = "aws.ec2.volume"

    state: str | None = None
    attached_instances: list[str] = Field(default_factory=list)


class Ec2Snapshot(AwsEncryptedStore):
    resource_type = "aws.ec2.snapshot"

    volume_id: str | None = None
