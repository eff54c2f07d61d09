"""AWS Organizations (global): the AI services opt-out policy in force for this account.

Calls: ``organizations:DescribeEffectivePolicy`` with ``PolicyType=AISERVICES_OPT_OUT_POLICY`` and
no ``TargetId`` (the calling account; works from member accounts too).
"""

from __future__ import annotations

import json
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.organizations import OrganizationsEffectivePolicy
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.organizations.effective_policy",)
AI_OPT_OUT = "AISERVICES_OPT_OUT_POLICY"
_FIELDS = ("content", "opt_out_settings", "opted_in_services", "in_organization")


def _setting(value: Any) -> str | None:
    """``"optOut"``, or the same under an inheritance operator (``{"@@assign": "optOut"}``)."""
    if isinstance(value, dict):
        value = value.get("@@assign")
    return str(value) if isinstance(value, str) else None


def opt_out_settings(content: dict[str, Any]) -> dict[str, str]:
    """``{service key: optIn | optOut}`` from an AI services opt-out policy document."""
    settings: dict[str, str] = {}
    for service, body in (content.get("services") or {}).items():
        if isinstance(body, dict):
            setting = _setting(body.get("opt_out_policy"))
            if setting is not None:
                settings[str(service)] = setting
    return settings


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    gaps: list[Gap] = []
    values: dict[str, Any] = {}
    try:
        response = call(
            ctx.client("organizations"), "describe_effective_policy", PolicyType=AI_OPT_OUT
        )
        raw = (response.get("EffectivePolicy") or {}).get("PolicyContent")
        content = json.loads(raw) if isinstance(raw, str) and raw else None
        settings = opt_out_settings(content) if isinstance(content, dict) else {}
        values = {
            "in_organization": True,
            "content": content if isinstance(content, dict) else None,
            "opt_out_settings": settings,
            "opted_in_services": sorted(k for k, v in settings.items() if v == "optIn"),
        }
    except CallFailed as failure:
        if failure.error_code == "EffectivePolicyNotFoundException":
            values = {"in_organization": True}
        elif failure.error_code == "AWSOrganizationsNotInUseException":
            values = {"in_organization": False}
        else:
            gaps.append(failure.gap(_FIELDS))
    except json.JSONDecodeError:
        gaps.append(
            Gap(
                operation="organizations:DescribeEffectivePolicy",
                error_code="UnparsablePolicy",
                fields=_FIELDS,
            )
        )
    ctx.emit(
        OrganizationsEffectivePolicy(
            id=ctx.arn("organizations", f"effective-policy/{AI_OPT_OUT.lower()}", region=""),
            name=AI_OPT_OUT,
            account=ctx.account,
            policy_type=AI_OPT_OUT,
            target_id=ctx.account,
            gaps=gaps,
            **values,
        )
    )
    ctx.covered(TYPES[0], 1)
