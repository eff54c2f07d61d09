"""IAM Identity Center permission sets (regional: an instance lives in one region).

Calls (API ``sso-admin``; IAM actions ``sso:<Operation>``): ``ListInstances``,
``ListPermissionSets``, ``DescribePermissionSet``.
"""

from __future__ import annotations

import re

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.sso import SsoPermissionSet
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.sso.permission_set",)

#: The documented default when a permission set names no session duration.
DEFAULT_SESSION_DURATION = "PT1H"
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def iso_duration_seconds(value: str) -> int | None:
    """Seconds in an ISO-8601 duration of days/hours/minutes/seconds (``PT8H``, ``PT1H30M``)."""
    match = _DURATION.match(value.strip())
    if match is None or value.strip() in ("P", "PT"):
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + seconds


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    count = 0
    for instance in ctx.items(TYPES, "sso-admin", "list_instances", "Instances"):
        instance_arn = str(instance["InstanceArn"])
        for arn in ctx.items(
            TYPES, "sso-admin", "list_permission_sets", "PermissionSets", InstanceArn=instance_arn
        ):
            gaps: list[Gap] = []
            described = ctx.read(
                "sso-admin",
                "describe_permission_set",
                fields=(
                    "session_duration",
                    "session_duration_seconds",
                    "session_duration_defaulted",
                    "name",
                ),
                gaps=gaps,
                InstanceArn=instance_arn,
                PermissionSetArn=arn,
            )
            detail = (described or {}).get("PermissionSet", {})
            duration = detail.get("SessionDuration")
            defaulted = described is not None and not duration
            effective = DEFAULT_SESSION_DURATION if defaulted else duration
            ctx.emit(
                SsoPermissionSet(
                    id=str(arn),
                    name=detail.get("Name"),
                    account=ctx.account,
                    region=ctx.region,
                    instance_arn=instance_arn,
                    session_duration=duration,
                    session_duration_seconds=iso_duration_seconds(effective) if effective else None,
                    session_duration_defaulted=defaulted,
                    gaps=gaps,
                )
            )
            count += 1
    ctx.covered("aws.sso.permission_set", count)
