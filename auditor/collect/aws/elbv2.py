"""ALB/NLB listeners, each with its TLS policy's protocols as describe_ssl_policies reports them."""

from __future__ import annotations

from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.elbv2 import ElbAction, ElbTlsPolicy, Elbv2Listener

TYPES: tuple[str, ...] = (Elbv2Listener.resource_type,)

_TLS_PROTOCOLS = ("HTTPS", "TLS")


def _actions(raw: list[dict[str, Any]]) -> list[ElbAction]:
    return [
        ElbAction(
            type=str(a.get("Type")),
            redirect_protocol=(a.get("RedirectConfig") or {}).get("Protocol"),
        )
        for a in sorted(raw, key=lambda a: a.get("Order", 0))
    ]


class _Policies:
    """SSL policies of one region: all of them listed once, unknown names asked for one by one."""

    def __init__(self, ctx: AwsContext) -> None:
        self.ctx = ctx
        self._known: dict[str, ElbTlsPolicy] = {}
        self._failure: CallFailed | None = None
        self._loaded = False

    def _load(self) -> None:
        self._loaded = True
        try:
            found = call(self.ctx.client("elbv2"), "describe_ssl_policies")
        except CallFailed as failure:
            self._failure = failure
            return
        for raw in found.get("SslPolicies", []):
            self._known[str(raw["Name"])] = self._policy(raw)

    @staticmethod
    def _policy(raw: dict[str, Any]) -> ElbTlsPolicy:
        return ElbTlsPolicy(
            name=str(raw["Name"]),
            protocols=[str(p) for p in raw.get("SslProtocols", [])],
            ciphers=[str(c["Name"]) for c in raw.get("Ciphers", []) if "Name" in c],
        )

    def get(self, name: str) -> ElbTlsPolicy | CallFailed:
        if not self._loaded:
            self._load()
        if name in self._known:
            return self._known[name]
        try:
            found = call(self.ctx.client("elbv2"), "describe_ssl_policies", Names=[name])
        except CallFailed as failure:
            return failure
        for raw in found.get("SslPolicies", []):
            self._known[str(raw["Name"])] = self._policy(raw)
        if name in self._known:
            return self._known[name]
        return self._failure or CallFailed(
            "elbv2:DescribeSSLPolicies", "SSLPolicyNotFound", "policy not listed"
        )


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    policies = _Policies(ctx)
    count = 0
    for lb in ctx.items(TYPES, "elbv2", "describe_load_balancers", "LoadBalancers"):
        lb_arn = str(lb["LoadBalancerArn"])
        groups: dict[str, str] | None = None
        listeners = ctx.items(
            TYPES, "elbv2", "describe_listeners", "Listeners", LoadBalancerArn=lb_arn
        )
        for raw in listeners:
            protocol = raw.get("Protocol")
            listener = Elbv2Listener(
                id=str(raw["ListenerArn"]),
                name=f"{lb.get('LoadBalancerName')}:{raw.get('Port')}",
                account=ctx.account,
                region=ctx.region,
                load_balancer=lb_arn,
                load_balancer_type=lb.get("Type"),
                scheme=lb.get("Scheme"),
                protocol=protocol,
                port=raw.get("Port"),
                default_actions=_actions(raw.get("DefaultActions", [])),
            )
            if protocol in _TLS_PROTOCOLS:
                listener.ssl_policy = raw.get("SslPolicy")
                if listener.ssl_policy:
                    resolved = policies.get(listener.ssl_policy)
                    if isinstance(resolved, CallFailed):
                        listener.gaps.append(resolved.gap(["tls"]))
                    else:
                        listener.tls = resolved
            rules = ctx.read(
                "elbv2",
                "describe_rules",
                fields=["rule_actions"],
                gaps=listener.gaps,
                ListenerArn=listener.id,
            )
            if rules is not None:
                for rule in rules.get("Rules", []):
                    if not rule.get("IsDefault"):
                        listener.rule_actions.extend(_actions(rule.get("Actions", [])))
            if groups is None:
                found = ctx.read(
                    "elbv2",
                    "describe_target_groups",
                    fields=["target_protocols"],
                    gaps=listener.gaps,
                    absent=("TargetGroupNotFound",),  # a load balancer without target groups
                    LoadBalancerArn=lb_arn,
                )
                if found is not None:
                    groups = {
                        str(g["TargetGroupArn"]): str(g.get("Protocol"))
                        for g in found.get("TargetGroups", [])
                    }
            if groups is not None:
                listener.target_protocols = _target_protocols(raw, listener, groups)
            sink.add_resource(listener)
            count += 1
    ctx.covered(Elbv2Listener.resource_type, count)


def _target_protocols(
    raw: dict[str, Any], listener: Elbv2Listener, groups: dict[str, str]
) -> list[str]:
    arns: set[str] = set()
    for action in raw.get("DefaultActions", []):
        if action.get("TargetGroupArn"):
            arns.add(str(action["TargetGroupArn"]))
        for tg in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
            arns.add(str(tg["TargetGroupArn"]))
    return sorted({groups[a] for a in arns if a in groups})
