"""API Gateway REST APIs and custom domains (v1), HTTP and WebSocket APIs and domains (v2)."""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.apigateway import (
    ApiGatewayDomainName,
    ApiGatewayRestApi,
    ApiGatewayV2Api,
    ApiGatewayV2DomainName,
)

TYPES: tuple[str, ...] = (
    ApiGatewayRestApi.resource_type,
    ApiGatewayDomainName.resource_type,
    ApiGatewayV2Api.resource_type,
    ApiGatewayV2DomainName.resource_type,
)


def _rest_apis(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(ApiGatewayRestApi.resource_type, "apigateway", "get_rest_apis")
    if listed is None:
        return
    items = listed.get("items", [])
    for raw in items:
        sink.add_resource(
            ApiGatewayRestApi(
                id=ctx.arn("apigateway", f"/restapis/{raw['id']}", account=""),
                name=raw.get("name"),
                account=ctx.account,
                region=ctx.region,
                tags={str(k): str(v) for k, v in (raw.get("tags") or {}).items()},
                endpoint_types=list((raw.get("endpointConfiguration") or {}).get("types", [])),
                security_policy=raw.get("securityPolicy"),
                endpoint_access_mode=raw.get("endpointAccessMode"),
                disable_execute_api_endpoint=raw.get("disableExecuteApiEndpoint"),
            )
        )
    ctx.covered(ApiGatewayRestApi.resource_type, len(items))


def _domains(ctx: AwsContext, sink: InventorySink) -> set[str]:
    listed = ctx.listing(ApiGatewayDomainName.resource_type, "apigateway", "get_domain_names")
    if listed is None:
        return set()
    items = listed.get("items", [])
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
                tags={str(k): str(v) for k, v in (raw.get("tags") or {}).items()},
                endpoint_types=list((raw.get("endpointConfiguration") or {}).get("types", [])),
                security_policy=raw.get("securityPolicy"),
                endpoint_access_mode=raw.get("endpointAccessMode"),
                mutual_tls=bool(raw.get("mutualTlsAuthentication")),
            )
        )
    ctx.covered(ApiGatewayDomainName.resource_type, len(items))
    return {str(raw["domainName"]) for raw in items}


def _v2_apis(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(ApiGatewayV2Api.resource_type, "apigatewayv2", "get_apis")
    if listed is None:
        return
    items = listed.get("Items", [])
    for raw in items:
        sink.add_resource(
            ApiGatewayV2Api(
                id=ctx.arn("apigateway", f"/apis/{raw['ApiId']}", account=""),
                name=raw.get("Name"),
                account=ctx.account,
                region=ctx.region,
                tags={str(k): str(v) for k, v in (raw.get("Tags") or {}).items()},
                protocol_type=raw.get("ProtocolType"),
                disable_execute_api_endpoint=raw.get("DisableExecuteApiEndpoint"),
            )
        )
    ctx.covered(ApiGatewayV2Api.resource_type, len(items))


def _v2_domains(ctx: AwsContext, sink: InventorySink, v1_names: set[str]) -> None:
    listed = ctx.listing(ApiGatewayV2DomainName.resource_type, "apigatewayv2", "get_domain_names")
    if listed is None:
        return
    # v1 and v2 share one namespace of custom domains; a domain listed by v1 is judged there
    items = [raw for raw in listed.get("Items", []) if str(raw["DomainName"]) not in v1_names]
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
                tags={str(k): str(v) for k, v in (raw.get("Tags") or {}).items()},
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
