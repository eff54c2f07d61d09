"""CloudFront distributions (global): viewer certificate, viewer protocol policies, origins."""

from __future__ import annotations

from typing import Any

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.cloudfront import CloudFrontDistribution, CloudFrontOrigin

TYPES: tuple[str, ...] = (CloudFrontDistribution.resource_type,)


def _origin(raw: dict[str, Any]) -> CloudFrontOrigin:
    custom = raw.get("CustomOriginConfig")
    if custom:
        return CloudFrontOrigin(
            id=str(raw["Id"]),
            domain_name=raw.get("DomainName"),
            kind="custom",
            origin_protocol_policy=custom.get("OriginProtocolPolicy"),
            origin_ssl_protocols=list((custom.get("OriginSslProtocols") or {}).get("Items", [])),
        )
    kind = "vpc" if raw.get("VpcOriginConfig") else "s3"
    return CloudFrontOrigin(id=str(raw["Id"]), domain_name=raw.get("DomainName"), kind=kind)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(TYPES, "cloudfront", "list_distributions")
    if listed is None:
        return
    items = (listed.get("DistributionList") or {}).get("Items", [])
    for raw in items:
        viewer = raw.get("ViewerCertificate") or {}
        behaviors = [
            raw.get("DefaultCacheBehavior") or {},
            *(raw.get("CacheBehaviors") or {}).get("Items", []),
        ]
        sink.add_resource(
            CloudFrontDistribution(
                id=str(
                    raw.get("ARN")
                    or f"arn:{ctx.partition}:cloudfront::{ctx.account}:distribution/{raw['Id']}"
                ),
                name=str(((raw.get("Aliases") or {}).get("Items") or [raw["Id"]])[0]),
                account=ctx.account,
                region=None,
                domain_name=raw.get("DomainName"),
                aliases=list((raw.get("Aliases") or {}).get("Items", [])),
                enabled=raw.get("Enabled"),
                viewer_protocol_policies=[str(b.get("ViewerProtocolPolicy")) for b in behaviors],
                minimum_protocol_version=viewer.get("MinimumProtocolVersion"),
                cloudfront_default_certificate=viewer.get("CloudFrontDefaultCertificate"),
                acm_certificate_arn=viewer.get("ACMCertificateArn") or None,
                iam_certificate_id=viewer.get("IAMCertificateId") or None,
                ssl_support_method=viewer.get("SSLSupportMethod"),
                origins=[_origin(o) for o in (raw.get("Origins") or {}).get("Items", [])],
            )
        )
    ctx.covered(CloudFrontDistribution.resource_type, len(items))
