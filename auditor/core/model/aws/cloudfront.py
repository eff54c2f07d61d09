"""CloudFront distributions: viewer TLS and origin protocols.

Source: ``cloudfront:ListDistributions`` (each ``DistributionSummary`` carries the viewer
certificate, cache behaviors and origins).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class CloudFrontOrigin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    domain_name: str | None = None
    kind: str = Field(description="custom, s3 or vpc")
    origin_protocol_policy: str | None = optional("http-only, match-viewer, https-only")
    origin_ssl_protocols: list[str] | None = None


class CloudFrontDistribution(AwsResource):
    resource_type = "aws.cloudfront.distribution"

    domain_name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    enabled: bool | None = None
    viewer_protocol_policies: list[str] = Field(
        default_factory=list,
        description="ViewerProtocolPolicy of the default and every cache behavior",
    )
    minimum_protocol_version: str | None = optional("ViewerCertificate.MinimumProtocolVersion")
    cloudfront_default_certificate: bool | None = None
    acm_certificate_arn: str | None = None
    iam_certificate_id: str | None = None
    ssl_support_method: str | None = None
    origins: list[CloudFrontOrigin] = Field(default_factory=list)
