"""Classic Load Balancers: listeners and the protocols their SSL negotiation policy enables."""

from __future__ import annotations

from typing import Any

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.elb import ClassicListener, ElbLoadBalancer

TYPES: tuple[str, ...] = (ElbLoadBalancer.resource_type,)

_PROTOCOL_ATTRIBUTES = {
    "Protocol-SSLv2": "SSLv2",
    "Protocol-SSLv3": "SSLv3",
    "Protocol-TLSv1": "TLSv1",
    "Protocol-TLSv1.1": "TLSv1.1",
    "Protocol-TLSv1.2": "TLSv1.2",
}


def _negotiation(policies: list[dict[str, Any]]) -> dict[str, tuple[list[str], str | None]]:
    """policy name -> (enabled protocols, Reference-Security-Policy), SSL negotiation only."""
    out: dict[str, tuple[list[str], str | None]] = {}
    for policy in policies:
        if policy.get("PolicyTypeName") != "SSLNegotiationPolicyType":
            continue
        protocols: list[str] = []
        reference: str | None = None
        for attr in policy.get("PolicyAttributeDescriptions", []):
            name, value = attr.get("AttributeName"), str(attr.get("AttributeValue", "")).lower()
            if name in _PROTOCOL_ATTRIBUTES and value == "true":
                protocols.append(_PROTOCOL_ATTRIBUTES[name])
            if name == "Reference-Security-Policy":
                reference = attr.get("AttributeValue")
        out[str(policy["PolicyName"])] = (protocols, reference)
    return out


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    balancers = ctx.items(TYPES, "elb", "describe_load_balancers", "LoadBalancerDescriptions")
    for raw in balancers:
        name = str(raw["LoadBalancerName"])
        lb = ElbLoadBalancer(
            id=ctx.arn("elasticloadbalancing", f"loadbalancer/{name}"),
            name=name,
            account=ctx.account,
            region=ctx.region,
            scheme=raw.get("Scheme"),
        )
        descriptions = raw.get("ListenerDescriptions", [])
        needs_policies = any(
            d.get("Listener", {}).get("Protocol", "").upper() in ("HTTPS", "SSL")
            for d in descriptions
        )
        negotiation: dict[str, tuple[list[str], str | None]] | None = {}
        if needs_policies:
            found = ctx.read(
                "elb",
                "describe_load_balancer_policies",
                fields=["listeners"],
                gaps=lb.gaps,
                LoadBalancerName=name,
            )
            negotiation = (
                None if found is None else _negotiation(found.get("PolicyDescriptions", []))
            )
        for desc in descriptions:
            raw_listener = desc.get("Listener", {})
            listener = ClassicListener(
                protocol=str(raw_listener.get("Protocol", "")).upper(),
                load_balancer_port=int(raw_listener.get("LoadBalancerPort", 0)),
                instance_protocol=raw_listener.get("InstanceProtocol"),
                policy_names=[str(p) for p in desc.get("PolicyNames", [])],
            )
            if listener.protocol in ("HTTPS", "SSL") and negotiation is not None:
                listener.ssl_protocols = []
                for policy_name in listener.policy_names:
                    if policy_name in negotiation:
                        protocols, reference = negotiation[policy_name]
                        listener.ssl_protocols = protocols
                        listener.reference_security_policy = reference
            lb.listeners.append(listener)
        sink.add_resource(lb)
    ctx.covered(ElbLoadBalancer.resource_type, len(balancers))
