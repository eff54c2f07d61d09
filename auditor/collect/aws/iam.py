"""IAM (global): the root user, IAM users and IAM roles.

Calls: ``iam:GetAccountSummary``; ``iam:GenerateCredentialReport`` then
``iam:GetCredentialReport`` (polled until the report is complete);
``iam:GetAccountAuthorizationDetails`` (users, with attached and inline policies, in one
paginated call); ``iam:ListRoles``.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.parse
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.iam import IamRole, IamRootUser, IamUser
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.iam.root_user", "aws.iam.user", "aws.iam.role")

ROOT_ROW = "<root_account>"
REPORT_POLLS = 8
_ROOT_REPORT_FIELDS = (
    "mfa_active",
    "password_enabled",
    "access_key_1_active",
    "access_key_2_active",
)
_USER_REPORT_FIELDS = (
    "password_enabled",
    "mfa_active",
    "access_key_1_active",
    "access_key_2_active",
)


def _flag(value: str | None) -> bool | None:
    """Credential report booleans: 'true' / 'false'; 'N/A', 'not_supported' and blanks are None."""
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def credential_report(ctx: AwsContext, sleep: Any = time.sleep) -> dict[str, dict[str, str]]:
    """The credential report as ``{user: row}``; raises :class:`CallFailed`."""
    client = ctx.client("iam")
    for attempt in range(REPORT_POLLS):
        state = call(client, "generate_credential_report").get("State")
        if state == "COMPLETE":
            break
        sleep(min(0.25 * 2**attempt, 4.0))
    else:
        raise CallFailed(
            "iam:GenerateCredentialReport", "CredentialReportNotReady", "report not complete"
        )
    try:
        content = call(client, "get_credential_report").get("Content", b"")
    except CallFailed as failure:
        if failure.error_code in (
            "ReportNotPresent",
            "ReportInProgress",
            "CredentialReportNotReadyException",
        ):
            sleep(1.0)
            content = call(client, "get_credential_report").get("Content", b"")
        else:
            raise
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    return {row.get("user", ""): row for row in csv.DictReader(io.StringIO(text))}


def _report_row(
    report: dict[str, dict[str, str]] | None,
    report_failure: CallFailed | None,
    key: str,
    gaps: list[Gap],
    *,
    fields: tuple[str, ...],
    missing: tuple[str, str],
) -> dict[str, str]:
    """The credential report's row for ``key``; ``{}`` after a gap naming ``fields`` when the
    report could not be read or has no such row (``missing``: the gap's error code and message)."""
    if report_failure is not None:
        gaps.append(report_failure.gap(fields))
    elif report is not None:
        found = report.get(key)
        if found is not None:
            return found
        error_code, message = missing
        gaps.append(
            Gap(
                operation="iam:GetCredentialReport",
                error_code=error_code,
                message=message,
                fields=fields,
            )
        )
    return {}


def _root(
    ctx: AwsContext, report: dict[str, dict[str, str]] | None, report_failure: CallFailed | None
) -> None:
    gaps: list[Gap] = []
    summary = ctx.read(
        "iam",
        "get_account_summary",
        fields=("account_mfa_enabled", "account_access_keys_present"),
        gaps=gaps,
    )
    summary_map: dict[str, Any] = (
        (summary or {}).get("SummaryMap", {}) if summary is not None else {}
    )
    row = _report_row(
        report,
        report_failure,
        ROOT_ROW,
        gaps,
        fields=_ROOT_REPORT_FIELDS,
        missing=("RootRowMissing", "the credential report has no <root_account> row"),
    )

    def summary_flag(key: str) -> bool | None:
        if summary is None or key not in summary_map:
            return None
        return int(summary_map[key]) == 1

    ctx.emit(
        IamRootUser(
            id=f"arn:{ctx.partition}:iam::{ctx.account}:root",
            name="root",
            account=ctx.account,
            account_mfa_enabled=summary_flag("AccountMFAEnabled"),
            account_access_keys_present=summary_flag("AccountAccessKeysPresent"),
            mfa_active=_flag(row.get("mfa_active")),
            password_enabled=row.get("password_enabled") or None,
            access_key_1_active=_flag(row.get("access_key_1_active")),
            access_key_2_active=_flag(row.get("access_key_2_active")),
            gaps=gaps,
        )
    )
    ctx.covered("aws.iam.root_user", 1)


def _users(
    ctx: AwsContext, report: dict[str, dict[str, str]] | None, report_failure: CallFailed | None
) -> None:
    users = ctx.items(
        "aws.iam.user",
        "iam",
        "get_account_authorization_details",
        "UserDetailList",
        Filter=["User"],
    )
    for user in users:
        name = str(user.get("UserName", ""))
        gaps: list[Gap] = []
        row = _report_row(
            report,
            report_failure,
            name,
            gaps,
            fields=_USER_REPORT_FIELDS,
            missing=("UserNotInReport", "user created after the credential report was generated"),
        )
        ctx.emit(
            IamUser(
                id=str(user.get("Arn") or f"arn:{ctx.partition}:iam::{ctx.account}:user/{name}"),
                name=name,
                account=ctx.account,
                tags={t["Key"]: t.get("Value", "") for t in user.get("Tags", []) or []},
                password_enabled=_flag(row.get("password_enabled")),
                mfa_active=_flag(row.get("mfa_active")),
                access_key_1_active=_flag(row.get("access_key_1_active")),
                access_key_2_active=_flag(row.get("access_key_2_active")),
                attached_policies=[
                    str(p.get("PolicyArn")) for p in user.get("AttachedManagedPolicies", []) or []
                ],
                inline_policies=[
                    str(p.get("PolicyName")) for p in user.get("UserPolicyList", []) or []
                ],
                groups=[str(g) for g in user.get("GroupList", []) or []],
                gaps=gaps,
            )
        )
    ctx.covered("aws.iam.user", len(users))


def parse_policy_document(document: Any) -> dict[str, Any] | None:
    """A policy document as boto3 returns it (a dict) or as the wire has it (URL-encoded JSON)."""
    if document is None:
        return None
    if isinstance(document, dict):
        return document
    text = urllib.parse.unquote(str(document))
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _roles(ctx: AwsContext) -> None:
    roles = ctx.items("aws.iam.role", "iam", "list_roles", "Roles")
    for role in roles:
        ctx.emit(
            IamRole(
                id=str(role["Arn"]),
                name=str(role.get("RoleName", "")),
                account=ctx.account,
                path=role.get("Path"),
                max_session_duration=role.get("MaxSessionDuration"),
                assume_role_policy=parse_policy_document(role.get("AssumeRolePolicyDocument")),
            )
        )
    ctx.covered("aws.iam.role", len(roles))


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    report: dict[str, dict[str, str]] | None = None
    report_failure: CallFailed | None = None
    try:
        report = credential_report(ctx)
    except CallFailed as failure:
        report_failure = failure
    _root(ctx, report, report_failure)
    _users(ctx, report, report_failure)
    _roles(ctx)
