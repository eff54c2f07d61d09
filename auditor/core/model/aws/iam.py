"""IAM: the root user of an account, IAM users and IAM roles.

Sources: ``iam:GetAccountSummary`` (``SummaryMap``), the credential report
(``iam:GenerateCredentialReport`` / ``iam:GetCredentialReport``, a CSV),
``iam:GetAccountAuthorizationDetails`` (users with their attached and inline policies) and
``iam:ListRoles`` (``MaxSessionDuration``, ``AssumeRolePolicyDocument``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class IamRootUser(AwsResource):
    """The account's root user, as the account summary and the credential report show it."""

    resource_type = "aws.iam.root_user"

    account_mfa_enabled: bool | None = optional(
        "GetAccountSummary SummaryMap.AccountMFAEnabled == 1"
    )
    account_access_keys_present: bool | None = optional(
        "GetAccountSummary SummaryMap.AccountAccessKeysPresent == 1"
    )
    mfa_active: bool | None = optional("credential report <root_account> mfa_active")
    password_enabled: str | None = optional(
        "credential report <root_account> password_enabled (always not_supported)"
    )
    access_key_1_active: bool | None = optional("credential report access_key_1_active")
    access_key_2_active: bool | None = optional("credential report access_key_2_active")


class IamUser(AwsResource):
    """An IAM user: console access and MFA from the credential report, policies from GAAD."""

    resource_type = "aws.iam.user"

    password_enabled: bool | None = optional("credential report password_enabled")
    mfa_active: bool | None = optional("credential report mfa_active")
    access_key_1_active: bool | None = None
    access_key_2_active: bool | None = None
    attached_policies: list[str] = Field(
        default_factory=list, description="ARNs of managed policies attached to the user directly"
    )
    inline_policies: list[str] = Field(
        default_factory=list, description="names of the user's inline policies"
    )
    groups: list[str] = Field(default_factory=list)


class IamRole(AwsResource):
    """An IAM role: how long its sessions may last and who may assume it."""

    resource_type = "aws.iam.role"

    path: str | None = None
    max_session_duration: int | None = optional(
        "ListRoles MaxSessionDuration, seconds (3600-43200)"
    )
    assume_role_policy: dict[str, Any] | None = optional(
        "the trust policy (AssumeRolePolicyDocument), parsed"
    )


__all__ = ["IamRole", "IamRootUser", "IamUser"]
