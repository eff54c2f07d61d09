"""Amazon Cognito user pools and app clients (regional).

Calls: ``cognito-idp:ListUserPools``, ``cognito-idp:DescribeUserPool``,
``cognito-idp:ListUserPoolClients``, ``cognito-idp:DescribeUserPoolClient``. The client secret in
DescribeUserPoolClient's answer is dropped at once and never reaches the inventory.
"""

from __future__ import annotations

from typing import Any

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.cognito import CognitoUserPool, CognitoUserPoolClient
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.cognito.user_pool", "aws.cognito.user_pool_client")

UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
#: Cognito's documented defaults: (default validity, default unit) per token.
TOKEN_DEFAULTS: dict[str, tuple[int, str]] = {
    "AccessToken": (1, "hours"),
    "IdToken": (1, "hours"),
    "RefreshToken": (30, "days"),
}
_CLIENT_FIELDS = (
    "access_token_validity_seconds",
    "id_token_validity_seconds",
    "refresh_token_validity_seconds",
    "defaults_applied",
    "token_validity_units",
    "enable_token_revocation",
    "refresh_token_rotation",
    "auth_session_validity_minutes",
)


def token_seconds(client: dict[str, Any], token: str, applied: list[str]) -> int:
    """The validity of ``token`` (AccessToken | IdToken | RefreshToken) in seconds."""
    default_value, default_unit = TOKEN_DEFAULTS[token]
    value = client.get(f"{token}Validity")
    unit = (client.get("TokenValidityUnits") or {}).get(token)
    if value is None:
        applied.append(token)
        value, unit = default_value, default_unit
    elif unit is None:
        unit = default_unit
    return int(value) * UNIT_SECONDS[str(unit)]


def _describe(
    ctx: AwsContext, what: str, fields: tuple[str, ...], gaps: list[Gap], **ids: str
) -> dict[str, Any] | None:
    """The object a describe call answers with, named like the call (``UserPool`` from
    ``describe_user_pool``, ``UserPoolClient`` from ``describe_user_pool_client``); ``None``
    when the call failed, which left a gap naming ``fields``."""
    method = "describe" + "".join(f"_{c.lower()}" if c.isupper() else c for c in what)
    described = ctx.read("cognito-idp", method, fields=fields, gaps=gaps, **ids)
    return None if described is None else dict(described.get(what, {}))


def _clients(ctx: AwsContext, pool_id: str, pool_arn: str) -> int:
    entries = ctx.items(
        "aws.cognito.user_pool_client",
        "cognito-idp",
        "list_user_pool_clients",
        "UserPoolClients",
        UserPoolId=pool_id,
        MaxResults=60,
    )
    for entry in entries:
        client_id = str(entry["ClientId"])
        gaps: list[Gap] = []
        described = _describe(
            ctx, "UserPoolClient", _CLIENT_FIELDS, gaps, UserPoolId=pool_id, ClientId=client_id
        )
        detail: dict[str, Any] = dict(described or {})
        detail.pop("ClientSecret", None)
        applied: list[str] = []
        values: dict[str, Any] = {}
        if described is not None:
            values = {
                "access_token_validity_seconds": token_seconds(detail, "AccessToken", applied),
                "id_token_validity_seconds": token_seconds(detail, "IdToken", applied),
                "refresh_token_validity_seconds": token_seconds(detail, "RefreshToken", applied),
                "defaults_applied": applied,
                "token_validity_units": dict(detail.get("TokenValidityUnits") or {}),
                "enable_token_revocation": detail.get("EnableTokenRevocation"),
                "refresh_token_rotation": (detail.get("RefreshTokenRotation") or {}).get("Feature"),
                "auth_session_validity_minutes": detail.get("AuthSessionValidity"),
            }
        ctx.emit(
            CognitoUserPoolClient(
                id=f"{pool_arn}/client/{client_id}",
                name=entry.get("ClientName"),
                account=ctx.account,
                region=ctx.region,
                user_pool_id=pool_id,
                gaps=gaps,
                **values,
            )
        )
    return len(entries)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    pools = ctx.items(TYPES, "cognito-idp", "list_user_pools", "UserPools", MaxResults=60)
    client_count = 0
    for pool in pools:
        pool_id = str(pool["Id"])
        gaps: list[Gap] = []
        detail = _describe(ctx, "UserPool", ("mfa_configuration",), gaps, UserPoolId=pool_id) or {}
        arn = str(detail.get("Arn") or ctx.arn("cognito-idp", f"userpool/{pool_id}"))
        ctx.emit(
            CognitoUserPool(
                id=arn,
                name=pool.get("Name"),
                account=ctx.account,
                region=ctx.region,
                tags=dict(detail.get("UserPoolTags") or {}),
                mfa_configuration=detail.get("MfaConfiguration"),
                gaps=gaps,
            )
        )
        client_count += _clients(ctx, pool_id, arn)
    ctx.covered("aws.cognito.user_pool", len(pools))
    ctx.covered("aws.cognito.user_pool_client", client_count)
