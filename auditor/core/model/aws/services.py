"""AWS services in use in an account, by ARN service namespace (``arn:aws:<namespace>:...``)."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.aws.common import AwsResource


class AwsServiceInUse(AwsResource):
    """A service namespace with resources in the account.

    Found through the Resource Groups Tagging API (``GetResources``: ARNs) and, where AWS Config
    records, ``GetDiscoveredResourceCounts`` (resource types such as ``AWS::EFS::FileSystem``).
    """

    resource_type = "aws.service"

    namespace: str
    resource_count: int = 0
    regions: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="tagging | config")
    config_resource_types: list[str] = Field(default_factory=list)
    example_arns: list[str] = Field(
        default_factory=list, description="at most three ARNs, as evidence"
    )


__all__ = ["AwsServiceInUse"]
