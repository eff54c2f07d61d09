"""IAM Identity Center (service ``sso-admin``): permission sets and their session length."""

from __future__ import annotations

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class SsoPermissionSet(AwsResource):
    """A permission set. ``session_duration`` is the ISO-8601 duration the API returns."""

    resource_type = "aws.sso.permission_set"

    instance_arn: str
    session_duration: str | None = optional("DescribePermissionSet SessionDuration, e.g. PT8H")
    session_duration_seconds: int | None = optional(
        "session_duration in seconds; the documented default PT1H when absent"
    )
    session_duration_defaulted: bool = False


__all__ = ["SsoPermissionSet"]
