"""What every AWS resource model shares: the provider, and the encryption-at-rest pair of fields
that EBS volumes and snapshots and EFS file systems report alike."""

from __future__ import annotations

from typing import ClassVar

from auditor.core.model.base import Provider, Resource


class AwsResource(Resource):
    """Base of every AWS model. ``account`` is the 12-digit account id; ``id`` the ARN."""

    provider: ClassVar[Provider] = "aws"


class AwsEncryptedStore(AwsResource):
    """A store whose API reports ``Encrypted`` and ``KmsKeyId`` (EBS volumes and snapshots, EFS)."""

    encrypted: bool | None = None
    kms_key_id: str | None = None


__all__ = ["AwsEncryptedStore", "AwsResource"]
