"""Application and Network Load Balancer listeners, with their TLS policy resolved.

Sources: ``elbv2:DescribeLoadBalancers``, ``elbv2:DescribeListeners``, ``elbv2:DescribeRules``,
``elbv2:DescribeTargetGroups`` and ``elbv2:DescribeSSLPolicies`` (the protocol list of the
listener's policy, as AWS reports it: never inferred from the policy's name).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class ElbAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    redirect_protocol: str | None = optional("RedirectConfig.Protocol")


class ElbTlsPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    protocols: list[str] = Field(description="SslPolicies[].SslProtocols, e.g. [TLSv1.3]")
    ciphers: list[str] = Field(default_factory=list)


class Elbv2Listener(AwsResource):
    resource_type = "aws.elbv2.listener"

    load_balancer: str = Field(description="load balancer ARN")
    load_balancer_type: str | None = optional("application, network, gateway")
    scheme: str | None = optional("internet-facing or internal")
    protocol: str | None = None
    port: int | None = None
    ssl_policy: str | None = optional("read only for HTTPS and TLS listeners")
    tls: ElbTlsPolicy | None = None
    default_actions: list[ElbAction] = Field(default_factory=list)
    rule_actions: list[ElbAction] = Field(
        default_factory=list, description="actions of the listener's non-default rules"
    )
    target_protocols: list[str] = Field(
        default_factory=list,
        description="protocols of the target groups the listener forwards to (HTTP, HTTPS, TCP...)",
    )
