"""API Gateway REST APIs and custom domains (v1), HTTP and WebSocket APIs and domains (v2)."""

from __future__ import annotations

from typing import Any

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.apigateway import (
    ApiGatewayDomainName,
    ApiGatewayRestApi,
    ApiGatewayV2Api,
    ApiGatewayV2DomainName,
)


def _tags(tags: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (tags or {}).items()}


TYPES: tuple[str, ...] = (
    ApiGatewayRestApi.resource_type,
    ApiGatewayDomainName.resource_type,
    ApiGatewayV2Api.resource_type,
    ApiGatewayV2DomainName.resource_type,
)


def _rest_apis(ctx: AwsContext, sink: InventorySink) -> None:
    items = ctx.items(ApiGatewayRestApi.resource_type, "apigateway", "get_rest_apis", "items")
    for raw in items:
        sink.add_resource(
            ApiGatewayRestApi(
                id=ctx.arn("apigateway", f"/restapis/{raw['id']}", account=""),
                name=raw.get("name"),
                account=ctx.account,
                region=ctx.region,
                tags=_tags(raw.get("tags")),
                endpoint_types=list((raw.get("endpointConfiguration") or {}).get("types", [])),
                security_policy=raw.get("securityPolicy"),
                endpoint_access_mode=raw.get("endpointAccessMode"),
                disable_execute_api_endpoint=raw.get("disableExecuteApiEndpoint"),
            )
        )
    ctx.covered(ApiGatewayRestApi.resource_type, len(items))


def _domains(ctx: AwsContext, sink: InventorySink) -> set[str]:
    items = ctx.items(ApiGatewayDomainName.resource_type, "apigateway", "get_domain_names", "items")
    for raw in items:
        name = str(raw["domainName"])
        sink.add_resource(
            ApiGatewayDomainName(
                id=str(
                    raw.get("domainNameArn")
                    or ctx.arn("apigateway", f"/domainnames/{name}", account="")
                ),
                name=name,
                account=ctx.account,
                region=ctx.region,
                tags=_tags(raw.get("tags")),
                endpoint_types=list((raw.get("endpointConfiguration") or {}).get("types", [])),
                security_policy=raw.get("securityPolicy"),
                endpoint_access_mode=raw.get("endpointAccessMode"),
                mutual_tls=bool(raw.get("mutualTlsAuthentication")),
            )
        )
    ctx.covered(ApiGatewayDomainName.resource_type, len(items))
    return {str(raw["domainName"]) for raw in items}


def _v2_apis(ctx: AwsContext, sink: InventorySink) -> None:
    items = ctx.items(ApiGatewayV2Api.resource_type, "apigatewayv2", "get_apis", "Items")
    for raw in items:
        sink.add_resource(
            ApiGatewayV2Api(
                id=ctx.arn("apigateway", f"/apis/{raw['ApiId']}", account=""),
                name=raw.get("Name"),
                account=ctx.account,
                region=ctx.region,
                tags=_tags(raw.get("Tags")),
                protocol_type=raw.get("ProtocolType"),
                disable_execute_api_endpoint=raw.get("DisableExecuteApiEndpoint"),
            )
        )
    ctx.covered(ApiGatewayV2Api.resource_type, len(items))


def _v2_domains(ctx: AwsContext, sink: InventorySink, v1_names: set[str]) -> None:
    listed = ctx.items(
        ApiGatewayV2DomainName.resource_type, "apigatewayv2", "get_domain_names", "Items"
    )
    # v1 and v2 share one namespace of custom domains; a domain listed by v1 is judged there
    items = [raw for raw in listed if str(raw["DomainName"]) not in v1_names]
    for raw in items:
        name = str(raw["DomainName"])
        sink.add_resource(
            ApiGatewayV2DomainName(
                id=str(
                    raw.get("DomainNameArn")
                    or ctx.arn("apigateway", f"/domainnames/{name}", account="")
                ),
                name=name,
                account=ctx.account,
                region=ctx.region,
                tags=_tags(raw.get("Tags")),
                security_policies=[
                    str(c.get("SecurityPolicy"))
                    for c in raw.get("DomainNameConfigurations", [])
                    if c.get("SecurityPolicy")
                ],
            )
        )
    ctx.covered(ApiGatewayV2DomainName.resource_type, len(items))


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    _rest_apis(ctx, sink)
    v1_names = _domains(ctx, sink)
    _v2_apis(ctx, sink)
    _v2_domains(ctx, sink, v1_names)
