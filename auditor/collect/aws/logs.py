"""CloudWatch Logs (regional): log groups with their data protection policies, and account-level
data protection policies.

Calls: ``logs:DescribeLogGroups``, ``logs:GetDataProtectionPolicy`` (each log group),
``logs:DescribeAccountPolicies`` (``policyType=DATA_PROTECTION_POLICY``, followed by ``nextToken``).
"""

from __future__ import annotations

import json
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.logs import DataProtectionPolicy, LogsAccountPolicy, LogsLogGroup
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.logs.log_group", "aws.logs.account_policy")
MANAGED_PREFIX = "data-identifier/"
MAX_PAGES = 100


def identifier_name(value: str) -> str:
    """``arn:aws:dataprotection::aws:data-identifier/EmailAddress`` -> ``EmailAddress``."""
    return value.rsplit(MANAGED_PREFIX, 1)[1] if MANAGED_PREFIX in value else value


def parse_data_protection(document: Any) -> DataProtectionPolicy | None:
    """Reduce a data protection policy document (JSON text or dict) to the identifiers it names."""
    if document in (None, ""):
        return None
    doc = json.loads(document) if isinstance(document, str) else document
    if not isinstance(doc, dict):
        return None
    masked: list[str] = []
    audited: list[str] = []
    destinations: list[str] = []
    for statement in doc.get("Statement", []) or []:
        names = [identifier_name(str(i)) for i in statement.get("DataIdentifier", []) or []]
        operation = statement.get("Operation", {}) or {}
        if "Deidentify" in operation:
            masked.extend(n for n in names if n not in masked)
        if "Audit" in operation:
            audited.extend(n for n in names if n not in audited)
            for kind in (operation.get("Audit") or {}).get("FindingsDestination", {}) or {}:
                if kind not in destinations:
                    destinations.append(str(kind))
    custom = [
        str(c.get("Name"))
        for c in ((doc.get("Configuration") or {}).get("CustomDataIdentifier") or [])
        if isinstance(c, dict) and c.get("Name")
    ]
    return DataProtectionPolicy(
        name=doc.get("Name"),
        masked_identifiers=masked,
        audited_identifiers=audited,
        custom_identifiers=custom,
        findings_destinations=destinations,
    )


def _parsed(answer: dict[str, Any], operation: str, gaps: list[Gap]) -> DataProtectionPolicy | None:
    """The ``policyDocument`` of an answer, parsed; ``None`` and a gap when it cannot be."""
    try:
        return parse_data_protection(answer.get("policyDocument"))
    except (json.JSONDecodeError, AttributeError, TypeError):
        gaps.append(
            Gap(
                operation=operation,
                error_code="UnparsablePolicy",
                fields=("data_protection_policy",),
            )
        )
        return None


def _group_arn(group: dict[str, Any]) -> str:
    arn = str(group.get("logGroupArn") or group.get("arn") or "")
    return arn[:-2] if arn.endswith(":*") else arn


def _groups(ctx: AwsContext) -> None:
    groups = ctx.items("aws.logs.log_group", "logs", "describe_log_groups", "logGroups")
    for group in groups:
        name = str(group.get("logGroupName", ""))
        gaps: list[Gap] = []
        policy: DataProtectionPolicy | None = None
        response = ctx.read(
            "logs",
            "get_data_protection_policy",
            fields=("data_protection_policy",),
            gaps=gaps,
            absent=("ResourceNotFoundException",),
            logGroupIdentifier=name,
        )
        if response:
            policy = _parsed(response, "logs:GetDataProtectionPolicy", gaps)
        ctx.emit(
            LogsLogGroup(
                id=_group_arn(group) or ctx.arn("logs", f"log-group:{name}"),
                name=name,
                account=ctx.account,
                region=ctx.region,
                retention_in_days=group.get("retentionInDays"),
                kms_key_id=group.get("kmsKeyId"),
                data_protection_status=group.get("dataProtectionStatus"),
                inherited_properties=list(group.get("inheritedProperties", []) or []),
                data_protection_policy=policy,
                gaps=gaps,
            )
        )
    ctx.covered("aws.logs.log_group", len(groups))


def _account_policies(ctx: AwsContext) -> None:
    client = ctx.client("logs")
    policies: list[dict[str, Any]] = []
    token: str | None = None
    try:
        for _ in range(MAX_PAGES):
            kwargs: dict[str, Any] = {"policyType": "DATA_PROTECTION_POLICY"}
            if token:
                kwargs["nextToken"] = token
            page = call(client, "describe_account_policies", **kwargs)
            policies.extend(page.get("accountPolicies", []) or [])
            token = page.get("nextToken")
            if not token:
                break
    except CallFailed as failure:
        ctx.listing_failed("aws.logs.account_policy", failure)
        return
    for policy in policies:
        name = str(policy.get("policyName", ""))
        gaps: list[Gap] = []
        parsed = _parsed(policy, "logs:DescribeAccountPolicies", gaps)
        ctx.emit(
            LogsAccountPolicy(
                id=ctx.arn("logs", f"account-policy:DATA_PROTECTION_POLICY/{name}"),
                name=name,
                account=str(policy.get("accountId") or ctx.account),
                region=ctx.region,
                policy_type=str(policy.get("policyType", "DATA_PROTECTION_POLICY")),
                scope=policy.get("scope"),
                selection_criteria=policy.get("selectionCriteria"),
                data_protection_policy=parsed,
                gaps=gaps,
            )
        )
    ctx.covered("aws.logs.account_policy", len(policies))


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    _groups(ctx)
    _account_policies(ctx)
