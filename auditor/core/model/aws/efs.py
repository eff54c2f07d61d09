"""EFS file systems. Source: ``elasticfilesystem:DescribeFileSystems``."""

from __future__ import annotations

from typing import ClassVar

from auditor.core.model.base import Provider, Resource


class EfsFileSystem(Resource):
    resource_type: ClassVar[str] = "aws.efs.file_system"
    provider: ClassVar[Provider] = "aws"

    encrypted: bool | None = None
    kms_key_id: str | None = None
