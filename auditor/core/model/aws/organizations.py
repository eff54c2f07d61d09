"""AWS Organizations: the policies in force for an account (DescribeEffectivePolicy)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from auditor.core.model.aws.common import AwsResource


class OrganizationsEffectivePolicy(AwsResource):
    """The effective policy of one type for one account.

    ``content`` is ``EffectivePolicy.PolicyContent`` parsed; ``None`` when no policy of the type
    applies (``EffectivePolicyNotFoundException``) or the account is in no organization
    (``AWSOrganizationsNotInUseException``, then ``in_organization`` is false).
    For AI services opt-out policies, ``opt_out_settings`` maps each service key (``default``,
    ``rekognition``...) to ``optIn`` or ``optOut`` and ``opted_in_services`` lists the keys set to
    ``optIn``.
    """

    resource_type = "aws.organizations.effective_policy"

    policy_type: str
    target_id: str
    in_organization: bool | None = None
    content: dict[str, Any] | None = None
    opt_out_settings: dict[str, str] = Field(default_factory=dict)
    opted_in_services: list[str] = Field(default_factory=list)


__all__ = ["OrganizationsEffectivePolicy"]
