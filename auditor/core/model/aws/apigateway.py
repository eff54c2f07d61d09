"""API Gateway: REST APIs and custom domain names (v1), HTTP/WebSocket APIs and domains (v2).

Sources: ``apigateway:GetRestApis``, ``apigateway:GetDomainNames``, ``apigatewayv2:GetApis``,
``apigatewayv2:GetDomainNames``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource


class ApiGatewayRestApi(Resource):
    resource_type: ClassVar[str] = "aws.apigateway.rest_api"
    provider: ClassVar[Provider] = "aws"

    endpoint_types: list[str] = Field(default_factory=list, description="EDGE, REGIONAL, PRIVATE")
    security_policy: str | None = Field(
        default=None, description="securityPolicy; None when not set"
    )
    endpoint_access_mode: str | None = Field(default=None, description="BASIC or STRICT")
    disable_execute_api_endpoint: bool | None = None


class ApiGatewayDomainName(Resource):
    resource_type: ClassVar[str] = "aws.apigateway.domain_name"
    provider: ClassVar[Provider] = "aws"

    endpoint_types: list[str] = Field(default_factory=list)
    security_policy: str | None = None
    endpoint_access_mode: str | None = None
    mutual_tls: bool | None = None


class ApiGatewayV2Api(Resource):
    resource_type: ClassVar[str] = "aws.apigatewayv2.api"
    provider: ClassVar[Provider] = "aws"

    protocol_type: str | None = Field(default=None, description="HTTP or WEBSOCKET")
    disable_execute_api_endpoint: bool | None = None


class ApiGatewayV2DomainName(Resource):
    resource_type: ClassVar[str] = "aws.apigatewayv2.domain_name"
    provider: ClassVar[Provider] = "aws"

    security_policies: list[str] = Field(
        default_factory=list,
        description="DomainNameConfigurations[].SecurityPolicy (TLS_1_0, TLS_1_2)",
    )
