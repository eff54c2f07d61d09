"""IAM Identity Center (service ``sso-admin``): permission sets and their session length."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource


class SsoPermissionSet(Resource):
    """A permission set. ``session_duration`` is the ISO-8601 duration the API returns."""

    resource_type: ClassVar[str] = "aws.sso.permission_set"
    provider: ClassVar[Provider] = "aws"

    instance_arn: str
    session_duration: str | None = Field(
        default=None, description="DescribePermissionSet SessionDuration, e.g. PT8H"
    )
    session_duration_seconds: int | None = Field(
        default=None,
        description="session_duration in seconds; the documented default PT1H when absent",
    )
    session_duration_defaulted: bool = False


__all__ = ["SsoPermissionSet"]
