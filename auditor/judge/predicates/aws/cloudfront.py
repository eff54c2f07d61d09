"""CloudFront viewer TLS and origin protocols."""

from __future__ import annotations

from auditor.core.model.aws.cloudfront import CloudFrontDistribution
from auditor.core.model.base import Resource
from auditor.judge.predicates.aws.tls import label, promised, version_number
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict

#: the lowest protocol each MinimumProtocolVersion admits (CloudFront's supported-protocols table)
VIEWER_FLOOR: dict[str, float] = {
    "SSLv3": 0.3,
    "TLSv1": 1.0,
    "TLSv1_2016": 1.0,
    "TLSv1.1_2016": 1.1,
    "TLSv1.2_2018": 1.2,
    "TLSv1.2_2019": 1.2,
    "TLSv1.2_2021": 1.2,
    "TLSv1.2_2025": 1.2,
    "TLSv1.3_2025": 1.3,
}


def _viewer(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, CloudFrontDistribution)
    want = promised(ctx.params.get("min_tls_version"))
    evidence = {"minimum_protocol_version": resource.minimum_protocol_version}
    if not (resource.acm_certificate_arn or resource.iam_certificate_id):
        return Verdict.fail(
            f"Distribution {resource.name} serves the default *.cloudfront.net certificate, with which "
            "CloudFront accepts TLSv1 whatever MinimumProtocolVersion says.",
            evidence,
        )
    version = resource.minimum_protocol_version
    floor = VIEWER_FLOOR.get(version or "")
    if floor is None:
        return Verdict.manual(
            f"Distribution {resource.name} uses MinimumProtocolVersion {version}, which this tool does not know; "
            "attach CloudFront's supported-protocols table for it.",
            evidence,
        )
    if want is not None and floor < want:
        return Verdict.fail(
            f"Distribution {resource.name} accepts {label(floor)} from viewers ({version}); "
            f"the BAA promises {label(want)}.",
            evidence,
        )
    return Verdict.passed(
        f"Distribution {resource.name} accepts {label(floor)} or newer from viewers ({version}).",
        evidence,
    )


def _origins(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, CloudFrontDistribution)
    weak: list[str] = []
    floors: list[float] = []
    kinds: set[str] = set()
    for origin in resource.origins:
        kinds.add(origin.kind)
        if origin.kind != "custom":
            continue
        if origin.origin_protocol_policy != "https-only":
            weak.append(f"{origin.id} uses {origin.origin_protocol_policy}")
            continue
        versions = [
            v
            for v in (version_number(p) for p in origin.origin_ssl_protocols or [])
            if v is not None
        ]
        if not versions or min(versions) < 1.2:
            weak.append(
                f"{origin.id} allows {', '.join(origin.origin_ssl_protocols or []) or 'no listed protocol'}"
            )
        else:
            floors.append(min(versions))
    evidence = {"origins": [o.model_dump() for o in resource.origins]}
    if weak:
        return Verdict.fail(
            f"Distribution {resource.name} reaches origins without TLS 1.2: {'; '.join(weak)}.",
            evidence,
        )
    strictest = "https-only with TLSv1.2 only" if floors else "no custom origin"
    other = sorted(kinds - {"custom"})
    note = f"; {', '.join(other)} origins use the viewer's protocol" if other else ""
    return Verdict.passed(
        f"Strictest setting seen for distribution {resource.name}: {strictest}{note}. CloudFront cannot require "
        "more than TLSv1.2 toward an origin.",
        evidence,
    )


CLOUDFRONT_PREDICATES: dict[str, Predicate] = {
    "cloudfront_viewer_tls": Predicate(
        name="cloudfront_viewer_tls",
        resource_type="aws.cloudfront.distribution",
        reads=("minimum_protocol_version", "acm_certificate_arn", "iam_certificate_id"),
        params=("min_tls_version",),
        fn=_viewer,
        description="Viewers must use a custom certificate and the promised minimum TLS version",
    ),
    "cloudfront_origin_tls": Predicate(
        name="cloudfront_origin_tls",
        resource_type="aws.cloudfront.distribution",
        reads=("origins",),
        fn=_origins,
        description="Custom origins are reached over HTTPS with TLSv1.2 only (the most CloudFront allows)",
    ),
}

__all__ = ["CLOUDFRONT_PREDICATES", "VIEWER_FLOOR"]
