"""Classic Load Balancers and their listeners' negotiated TLS protocols.

Sources: ``elb:DescribeLoadBalancers`` and ``elb:DescribeLoadBalancerPolicies`` (the
``SSLNegotiationPolicyType`` policy of each HTTPS/SSL listener: its ``Protocol-*`` attributes).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class ClassicListener(BaseModel):
    model_config = ConfigDict(extra="forbid")

    protocol: str
    load_balancer_port: int
    instance_protocol: str | None = None
    policy_names: list[str] = Field(default_factory=list)
    reference_security_policy: str | None = None
    ssl_protocols: list[str] | None = optional(
        "Protocol-* attributes set to true (TLSv1.2 ...); None for HTTP/TCP listeners"
    )


class ElbLoadBalancer(AwsResource):
    resource_type = "aws.elb.load_balancer"

    scheme: str | None = None
    listeners: list[ClassicListener] = Field(default_factory=list)
