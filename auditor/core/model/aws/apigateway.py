"""API Gateway: REST APIs and custom domain names (v1), HTTP/WebSocket APIs and domains (v2).

Sources: ``apigateway:GetRestApis``, ``apigateway:GetDomainNames``, ``apigatewayv2:GetApis``,
``apigatewayv2:GetDomainNames``.
"""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class ApiGatewayRestApi(AwsResource):
    resource_type = "aws.apigateway.rest_api"

    endpoint_types: list[str] = Field(default_factory=list, description="EDGE, REGIONAL, PRIVATE")
    security_policy: str | None = optional("securityPolicy; None when not set")
    endpoint_access_mode: str | None = optional("BASIC or STRICT")
    disable_execute_api_endpoint: bool | None = None


class ApiGatewayDomainName(AwsResource):
    resource_type = "aws.apigateway.domain_name"

    endpoint_types: list[str] = Field(default_factory=list)
    security_policy: str | None = None
    endpoint_access_mode: str | None = None
    mutual_tls: bool | None = None


class ApiGatewayV2Api(AwsResource):
    resource_type = "aws.apigatewayv2.api"

    protocol_type: str | None = optional("HTTP or WEBSOCKET")
    disable_execute_api_endpoint: bool | None = None


class ApiGatewayV2DomainName(AwsResource):
    resource_type = "aws.apigatewayv2.domain_name"

    security_policies: list[str] = Field(
        default_factory=list,
        description="DomainNameConfigurations[].SecurityPolicy (TLS_1_0, TLS_1_2)",
    )
