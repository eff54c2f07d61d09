"""EFS file systems. Source: ``elasticfilesystem:DescribeFileSystems``."""

from __future__ import annotations

from auditor.core.model.aws.common import AwsEncryptedStore


class EfsFileSystem(AwsEncryptedStore):
    resource_type = "aws.efs.file_system"
