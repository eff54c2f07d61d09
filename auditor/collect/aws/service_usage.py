"""Services in use (global collector that looks in every region of the run).

Calls, in each region: ``tag:GetResources`` (API ``resourcegroupstaggingapi``: the ARNs of tagged
resources and of some untagged ones), ``config:DescribeConfigurationRecorderStatus`` and, where a
recorder is recording, ``config:GetDiscoveredResourceCounts`` (resource types such as
``AWS::EFS::FileSystem``, mapped to ARN service namespaces below).

One :class:`~auditor.core.model.aws.services.AwsServiceInUse` is emitted per namespace for the account.
A failed listing in a region is a ListingGap for that region: a service seen only there is unknown.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.services import AwsServiceInUse

TYPES: tuple[str, ...] = ("aws.service",)
TYPE = TYPES[0]
MAX_PAGES = 100
EXAMPLES = 3

#: AWS Config resource-type service names whose ARN namespace is not the lower-cased name.
CONFIG_NAMESPACES: dict[str, str] = {
    "ACMPCA": "acm-pca",
    "AmazonMQ": "mq",
    "ApiGatewayV2": "apigateway",
    "CertificateManager": "acm",
    "Cognito": "cognito-idp",
    "EFS": "elasticfilesystem",
    "EMR": "elasticmapreduce",
    "EMRContainers": "emr-containers",
    "EMRServerless": "emr-serverless",
    "ElasticLoadBalancing": "elasticloadbalancing",
    "ElasticLoadBalancingV2": "elasticloadbalancing",
    "Elasticsearch": "es",
    "EventSchemas": "schemas",
    "GreengrassV2": "greengrass",
    "InspectorV2": "inspector2",
    "KinesisAnalyticsV2": "kinesisanalytics",
    "KinesisFirehose": "firehose",
    "MSK": "kafka",
    "OpenSearch": "es",
    "OpenSearchServerless": "aoss",
    "ResourceExplorer2": "resource-explorer-2",
    "S3Express": "s3express",
    "S3Tables": "s3tables",
    "SSMContacts": "ssm-contacts",
    "SSMIncidents": "ssm-incidents",
    "ShieldRegional": "shield",
    "StepFunctions": "states",
    "WAFRegional": "waf-regional",
    "BedrockAgentCore": "bedrock-agentcore",
    "CleanRoomsML": "cleanrooms-ml",
}


def config_namespace(resource_type: str) -> str | None:
    """``AWS::EFS::FileSystem`` -> ``elasticfilesystem``; None for a type of another shape."""
    parts = resource_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return None
    return CONFIG_NAMESPACES.get(parts[1], parts[1].lower())


def arn_namespace(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[2] if len(parts) >= 6 and parts[0] == "arn" and parts[2] else None


class _Seen:
    def __init__(self) -> None:
        self.count: dict[str, int] = defaultdict(int)
        self.regions: dict[str, set[str]] = defaultdict(set)
        self.sources: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.examples: dict[str, list[str]] = defaultdict(list)

    def add(self, namespace: str, region: str, source: str, count: int = 1) -> None:
        self.count[namespace] += count
        self.regions[namespace].add(region)
        self.sources[namespace].add(source)


def _tagged(ctx: AwsContext, region: str, seen: _Seen) -> None:
    found = call(
        ctx.client("resourcegroupstaggingapi", region), "get_resources", ResourcesPerPage=100
    )
    for mapping in found.get("ResourceTagMappingList", []) or []:
        arn = str(mapping.get("ResourceARN", ""))
        namespace = arn_namespace(arn)
        if namespace is None:
            continue
        seen.add(namespace, region, "tagging")
        if len(seen.examples[namespace]) < EXAMPLES:
            seen.examples[namespace].append(arn)


def _recorded(ctx: AwsContext, region: str, seen: _Seen) -> None:
    client = ctx.client("config", region)
    status = call(client, "describe_configuration_recorder_status")
    if not any(r.get("recording") for r in status.get("ConfigurationRecordersStatus", []) or []):
        return
    token: str | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {"nextToken": token} if token else {}
        page = call(client, "get_discovered_resource_counts", **kwargs)
        for entry in page.get("resourceCounts", []) or []:
            rtype = str(entry.get("resourceType", ""))
            namespace = config_namespace(rtype)
            if namespace is None or not entry.get("count"):
                continue
            seen.add(namespace, region, "config", int(entry["count"]))
            seen.types[namespace].add(rtype)
        token = page.get("nextToken")
        if not token:
            break


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    seen = _Seen()
    failed = False
    for region in ctx.regions or (ctx.home_region,):
        for step in (_tagged, _recorded):
            try:
                step(ctx, region, seen)
            except CallFailed as failure:
                failed = True
                sink.add_listing_gap(failure.listing_gap(ctx.account, region, TYPE))
    for namespace in sorted(seen.count):
        ctx.emit(
            AwsServiceInUse(
                id=ctx.arn(namespace, "service", region=""),
                name=namespace,
                account=ctx.account,
                namespace=namespace,
                resource_count=seen.count[namespace],
                regions=sorted(r for r in seen.regions[namespace] if r),
                sources=sorted(seen.sources[namespace]),
                config_resource_types=sorted(seen.types[namespace]),
                example_arns=seen.examples[namespace],
            )
        )
    if not failed:
        ctx.covered(TYPE, len(seen.count))
