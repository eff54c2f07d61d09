"""Amazon Cognito user pools and their app clients (service ``cognito-idp``)."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class CognitoUserPool(AwsResource):
    """A user pool: whether its users must present a second factor."""

    resource_type = "aws.cognito.user_pool"

    mfa_configuration: str | None = optional(
        "DescribeUserPool MfaConfiguration: OFF | ON | OPTIONAL"
    )


class CognitoUserPoolClient(AwsResource):
    """An app client: how long its tokens live.

    The ``*_seconds`` fields are the validities converted with ``TokenValidityUnits``; when the
    service leaves a validity or unit out, Cognito's documented default applies (access and ID
    tokens 1 hour; refresh tokens 30 days) and ``defaults_applied`` names the token.
    ``ClientSecret`` is never read into the inventory.
    """

    resource_type = "aws.cognito.user_pool_client"

    user_pool_id: str
    access_token_validity_seconds: int | None = None
    id_token_validity_seconds: int | None = None
    refresh_token_validity_seconds: int | None = None
    defaults_applied: list[str] = Field(default_factory=list)
    token_validity_units: dict[str, str] = Field(
        default_factory=dict, description="TokenValidityUnits as returned"
    )
    enable_token_revocation: bool | None = None
    refresh_token_rotation: str | None = optional(
        "RefreshTokenRotation.Feature: ENABLED | DISABLED"
    )
    auth_session_validity_minutes: int | None = None


__all__ = ["CognitoUserPool", "CognitoUserPoolClient"]
