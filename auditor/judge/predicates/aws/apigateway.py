"""API Gateway security policies, resolved to the lowest TLS version each admits."""

from __future__ import annotations

from auditor.core.model.aws.apigateway import (
    ApiGatewayDomainName,
    ApiGatewayRestApi,
    ApiGatewayV2Api,
    ApiGatewayV2DomainName,
)
from auditor.core.model.base import Resource
from auditor.judge.predicates.aws.tls import label, promised
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict

#: lowest protocol each security policy admits (API Gateway's "supported security policies"
#: tables); the edge TLS 1.3 policy is inferred from its name only, so it stays MANUAL.
POLICY_FLOOR: dict[str, float] = {
    "TLS_1_0": 1.0,
    "TLS_1_2": 1.2,
    "SecurityPolicy_TLS13_1_3_2025_09": 1.3,
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09": 1.3,
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09": 1.2,
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09": 1.2,
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09": 1.2,
    "SecurityPolicy_TLS13_1_2_Ext2_PQ_2025_09": 1.2,
    "SecurityPolicy_TLS13_1_2_Ext2_FIPS_PQ_2025_09": 1.2,
    "SecurityPolicy_TLS13_1_2_PQ_2025_09": 1.2,
    "SecurityPolicy_TLS13_1_2_2021_06": 1.2,
    "SecurityPolicy_TLS12_PFS_2025_EDGE": 1.2,
    "SecurityPolicy_TLS12_2018_EDGE": 1.2,
}
UNCONFIRMED: frozenset[str] = frozenset({"SecurityPolicy_TLS13_2025_EDGE"})


def _judge_policy(
    what: str,
    policy: str | None,
    access_mode: str | None,
    want: float | None,
    evidence: dict[str, object],
) -> Verdict:
    if policy in UNCONFIRMED:
        return Verdict.manual(
            f"{what} uses {policy}; its protocol list is not published in a form this tool can check. "
            "Attach a TLS scan of the endpoint.",
            evidence,
        )
    floor = POLICY_FLOOR.get(policy or "")
    if floor is None:
        return Verdict.manual(
            f"{what} uses security policy {policy}, unknown to this tool; attach a TLS scan.",
            evidence,
        )
    if want is not None and floor < want:
        return Verdict.fail(
            f"{what} accepts {label(floor)} ({policy}); the BAA promises {label(want)}.", evidence
        )
    if str(policy).startswith("SecurityPolicy_") and access_mode != "STRICT":
        return Verdict.fail(
            f"{what} uses {policy} with endpointAccessMode {access_mode or 'unset'}; only STRICT makes API Gateway "
            "enforce the endpoint type and security policy.",
            evidence,
        )
    return Verdict.passed(f"{what} accepts {label(floor)} or newer ({policy}).", evidence)


def _rest_api(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, ApiGatewayRestApi)
    want = promised(ctx.params.get("min_tls_version"))
    evidence: dict[str, object] = {
        "security_policy": resource.security_policy,
        "endpoint_types": resource.endpoint_types,
    }
    if resource.disable_execute_api_endpoint is True:
        return Verdict.passed(
            f"REST API {resource.name}'s default execute-api endpoint is disabled; it is reachable only through "
            "custom domains, which are judged on their own.",
            evidence,
        )
    policy = resource.security_policy
    if policy is None:
        # the default endpoint's documented policy when none is set
        policy = "TLS_1_2" if "PRIVATE" in resource.endpoint_types else "TLS_1_0"
        evidence["security_policy"] = f"{policy} (default)"
    return _judge_policy(
        f"REST API {resource.name}'s execute-api endpoint",
        policy,
        resource.endpoint_access_mode,
        want,
        evidence,
    )


def _domain(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, ApiGatewayDomainName)
    want = promised(ctx.params.get("min_tls_version"))
    evidence: dict[str, object] = {"security_policy": resource.security_policy}
    return _judge_policy(
        f"Custom domain {resource.name}",
        resource.security_policy,
        resource.endpoint_access_mode,
        want,
        evidence,
    )


def _v2_domain(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, ApiGatewayV2DomainName)
    want = promised(ctx.params.get("min_tls_version"))
    evidence: dict[str, object] = {"security_policies": resource.security_policies}
    if not resource.security_policies:
        return Verdict.fail(f"Domain {resource.name} reports no security policy.", evidence)
    floors = [POLICY_FLOOR.get(p, 0.0) for p in resource.security_policies]
    floor = min(floors)
    if want is not None and floor < want:
        return Verdict.fail(
            f"Domain {resource.name} (HTTP/WebSocket APIs) accepts {label(floor)}; these APIs offer no policy "
            f"stricter than TLS_1_2, and the BAA promises {label(want)}.",
            evidence,
        )
    return Verdict.passed(f"Domain {resource.name} accepts {label(floor)} or newer.", evidence)


def _v2_api(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, ApiGatewayV2Api)
    want = promised(ctx.params.get("min_tls_version"))
    evidence: dict[str, object] = {"protocol_type": resource.protocol_type}
    if resource.disable_execute_api_endpoint is True:
        return Verdict.passed(
            f"API {resource.name}'s default endpoint is disabled; custom domains are judged on their own.",
            evidence,
        )
    if want is not None and want > 1.2:
        return Verdict.fail(
            f"API {resource.name} ({resource.protocol_type}) serves its default execute-api endpoint, whose security "
            f"policy cannot be set above TLS 1.2; the BAA promises {label(want)}.",
            evidence,
        )
    return Verdict.manual(
        f"API {resource.name} ({resource.protocol_type}) serves its default execute-api endpoint; AWS documents a "
        "TLS 1.2 policy there but the API does not report it. Attach a TLS scan of the endpoint.",
        evidence,
    )


APIGATEWAY_PREDICATES: dict[str, Predicate] = {
    "apigateway_rest_api_tls": Predicate(
        name="apigateway_rest_api_tls",
        resource_type="aws.apigateway.rest_api",
        reads=(
            "security_policy",
            "endpoint_access_mode",
            "disable_execute_api_endpoint",
            "endpoint_types",
        ),
        params=("min_tls_version",),
        fn=_rest_api,
    ),
    "apigateway_domain_tls": Predicate(
        name="apigateway_domain_tls",
        resource_type="aws.apigateway.domain_name",
        reads=("security_policy", "endpoint_access_mode"),
        params=("min_tls_version",),
        fn=_domain,
    ),
    "apigatewayv2_domain_tls": Predicate(
        name="apigatewayv2_domain_tls",
        resource_type="aws.apigatewayv2.domain_name",
        reads=("security_policies",),
        params=("min_tls_version",),
        fn=_v2_domain,
    ),
    "apigatewayv2_api_default_endpoint_tls": Predicate(
        name="apigatewayv2_api_default_endpoint_tls",
        resource_type="aws.apigatewayv2.api",
        reads=("protocol_type", "disable_execute_api_endpoint"),
        params=("min_tls_version",),
        fn=_v2_api,
    ),
}

__all__ = ["APIGATEWAY_PREDICATES", "POLICY_FLOOR"]
