"""Cognito predicate: can a session of an app client outlive the promised idle limit?"""

from __future__ import annotations

from auditor.core.model.aws.cognito import CognitoUserPoolClient
from auditor.core.model.base import Resource
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict


def _idle_limit(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Access and ID tokens longer than the idle limit: FAIL. All tokens, refresh included, within
    it: PASS (no session survives an idle period longer than the limit without signing in again).
    Short access/ID tokens but a longer refresh token: MANUAL, because a client can refresh after
    any idle period, so idle logout is the application's to prove."""
    assert isinstance(resource, CognitoUserPoolClient)
    limit = int(ctx.params["session_idle_max_seconds"])
    access, id_token = resource.access_token_validity_seconds, resource.id_token_validity_seconds
    refresh = resource.refresh_token_validity_seconds
    evidence = {
        "access_token_validity_seconds": access,
        "id_token_validity_seconds": id_token,
        "refresh_token_validity_seconds": refresh,
        "session_idle_max_seconds": limit,
    }
    if access is None or id_token is None or access > limit or id_token > limit:
        return Verdict.fail(
            f"App client {resource.name} issues access tokens valid {access} s and ID tokens valid "
            f"{id_token} s; the BAA promises a {limit} s idle limit.",
            evidence,
        )
    if refresh is not None and refresh <= limit:
        return Verdict.passed(
            f"App client {resource.name}: every token, refresh included, expires within {limit} s, "
            "so an idle session cannot be resumed without signing in.",
            evidence,
        )
    return Verdict.manual(
        f"App client {resource.name}: access and ID tokens last at most {limit} s, but refresh "
        f"tokens last {refresh} s; idle logout is the application's.",
        evidence,
    )


COGNITO_PREDICATES: dict[str, Predicate] = {
    "cognito_client_idle_limit": Predicate(
        name="cognito_client_idle_limit",
        resource_type="aws.cognito.user_pool_client",
        reads=(
            "access_token_validity_seconds",
            "id_token_validity_seconds",
            "refresh_token_validity_seconds",
        ),
        params=("session_idle_max_seconds",),
        fn=_idle_limit,
        description="No token outlives the idle limit, or the app's idle logout must be shown.",
    ),
}

__all__ = ["COGNITO_PREDICATES"]
