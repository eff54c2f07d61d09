"""Transmission security of Google Cloud load balancers.

An HTTPS or SSL proxy without an SSL policy uses Google's default policy (COMPATIBLE profile,
minimum TLS 1.0), so it accepts TLS 1.0: FAIL. With a policy, the policy's minimum TLS version
decides. An HTTP proxy must only redirect to HTTPS (its URL map's ``defaultUrlRedirect``).
"""

from __future__ import annotations

from auditor.core.model.base import Gap, Resource
from auditor.core.params import TLS_VERSIONS
from auditor.judge.predicates.base import (
    GapError,
    Predicate,
    PredicateContext,
    PredicateFn,
    Verdict,
)
from auditor.judge.predicates.gcp.hierarchy import related_near

COMPUTE_PREFIX = "https://www.googleapis.com/compute/v1/"
GOOGLE_DEFAULT_MIN_TLS = "1.0"


def _norm(link: str) -> str:
    """Self links and relative names compare equal."""
    link = link.removeprefix(COMPUTE_PREFIX).removeprefix(
        "https://compute.googleapis.com/compute/v1/"
    )
    return link.removeprefix("//compute.googleapis.com/")


def _find(ctx: PredicateContext, rtype: str, link: str, what: str, owner: Resource) -> Resource:
    wanted = _norm(link)
    parts = wanted.split("/")
    project = parts[1] if len(parts) > 1 and parts[0] == "projects" else owner.account
    for candidate in related_near(ctx, rtype, owner, project):
        self_link = getattr(candidate, "self_link", None)
        if (self_link and _norm(self_link) == wanted) or _norm(candidate.id) == wanted:
            return candidate
    raise GapError(
        Gap(
            operation="cloudasset.ListAssets(RESOURCE)",
            error_code="NotInInventory",
            message=f"{what} {wanted} was not listed (outside the scan scope?)",
        ),
        what,
    )


def _at_least(version: str | None, floor: str) -> bool:
    return version in TLS_VERSIONS and TLS_VERSIONS.index(version) >= TLS_VERSIONS.index(floor)


def _proxy_tls() -> PredicateFn:
    def check(resource: Resource, ctx: PredicateContext) -> Verdict:
        floor = str(ctx.params["min_tls_version"])
        link = getattr(resource, "ssl_policy", None)
        if not link:
            return Verdict.fail(
                "No SSL policy: Google's default policy applies (COMPATIBLE profile, minimum "
                f"TLS {GOOGLE_DEFAULT_MIN_TLS}); the BAA promises TLS {floor} or newer.",
                {"ssl_policy": None, "effective_min_tls_version": GOOGLE_DEFAULT_MIN_TLS},
            )
        policy = _find(ctx, "gcp.compute.ssl_policy", link, "SSL policy", resource)
        gap = policy.gap_for("min_tls_version")
        if gap is not None:
            raise GapError(gap, "SSL policy minimum TLS version")
        version = getattr(policy, "min_tls_version", None)
        evidence = {
            "ssl_policy": policy.name,
            "min_tls_version": version,
            "profile": getattr(policy, "profile", None),
        }
        if _at_least(version, floor):
            return Verdict.passed(f"SSL policy {policy.name} sets minimum TLS {version}.", evidence)
        return Verdict.fail(
            f"SSL policy {policy.name} allows TLS {version}; "
            f"the BAA promises TLS {floor} or newer.",
            evidence,
        )

    return check


def _http_redirects(resource: Resource, ctx: PredicateContext) -> Verdict:
    link = getattr(resource, "url_map", None)
    if not link:
        return Verdict.fail("HTTP proxy has no URL map recorded.", {"url_map": None})
    url_map = _find(ctx, "gcp.compute.url_map", link, "URL map", resource)
    redirect = getattr(url_map, "https_redirect", None)
    evidence = {"url_map": url_map.name, "https_redirect": redirect}
    if redirect is True:
        return Verdict.passed(
            f"Plain HTTP is redirected to HTTPS by URL map {url_map.name}.", evidence
        )
    return Verdict.fail(
        f"HTTP proxy serves plain HTTP through URL map {url_map.name}, "
        "which does not redirect to HTTPS.",
        evidence,
    )


NETWORK_PREDICATES: dict[str, Predicate] = {
    "gcp_https_proxy_tls_floor": Predicate(
        name="gcp_https_proxy_tls_floor",
        resource_type="gcp.compute.target_https_proxy",
        reads=("ssl_policy",),
        params=("min_tls_version",),
        related=("gcp.compute.ssl_policy",),
        fn=_proxy_tls(),
        description="HTTPS proxy's effective SSL policy meets the promised TLS minimum",
    ),
    "gcp_ssl_proxy_tls_floor": Predicate(
        name="gcp_ssl_proxy_tls_floor",
        resource_type="gcp.compute.target_ssl_proxy",
        reads=("ssl_policy",),
        params=("min_tls_version",),
        related=("gcp.compute.ssl_policy",),
        fn=_proxy_tls(),
        description="SSL proxy's effective SSL policy meets the promised TLS minimum",
    ),
    "gcp_http_proxy_redirects": Predicate(
        name="gcp_http_proxy_redirects",
        resource_type="gcp.compute.target_http_proxy",
        reads=("url_map",),
        related=("gcp.compute.url_map",),
        fn=_http_redirects,
        description="HTTP proxy's URL map redirects every request to HTTPS",
    ),
}

__all__ = ["GOOGLE_DEFAULT_MIN_TLS", "NETWORK_PREDICATES"]
