"""Terraform ``aws_*`` resources -> the AWS models the live scan builds.

Where the live collector reduces an API answer with a helper (Cognito token validities, data
protection policy documents, AI opt-out policies, trail event selectors), the mapper rewrites the
Terraform arguments into the API's answer shape and calls that same helper, so both sides apply
the same defaults and the same reading. An argument Terraform leaves out is given the provider's
documented default (which is the API's default); a value known only after apply becomes a gap.

Resources are named by their Terraform address (``id``) since no ARN exists before apply;
``account`` is :data:`~auditor.iac.mappers.IAC_ACCOUNT` and ``region`` the provider's, when set.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from auditor.iac.mappers import IAC_ACCOUNT, Mapper, unknown_gap
from auditor.iac.tf import (
    TfIndex,
    TfResource,
    as_bool,
    as_int,
    as_map,
    as_str,
    block,
    blocks,
    first,
    is_unresolved,
)
from auditor.model.base import Gap, Resource


@lru_cache(maxsize=1)
def _types() -> dict[str, type[Resource]]:
    from auditor.model.registry import resource_types

    return resource_types()


def build(
    resource_type: str, res: TfResource, gaps: list[Gap] | None = None, **fields: Any
) -> Resource:
    """The model of ``resource_type`` for ``res``, with the fields every AWS model shares."""
    name = as_str(res.get("name"))
    data = {
        "id": res.address,
        "name": name if name and not is_unresolved(name) else res.name,
        "account": IAC_ACCOUNT,
        "region": None,
        "tags": as_map(res.get("tags")),
        "gaps": list(gaps or []),
        **fields,
    }
    return _types()[resource_type].model_validate(data)


def _fix_bools(value: Any) -> Any:
    """checkov renders the strings "true"/"false" inside jsonencode() as "True"/"False"."""
    if isinstance(value, dict):
        return {k: _fix_bools(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix_bools(v) for v in value]
    if value in ("True", "False"):
        return str(value).lower()
    return value


def json_document(value: Any) -> tuple[dict[str, Any] | None, bool]:
    """A JSON policy document as written (jsonencode, heredoc) or planned; (doc, resolved)."""
    if value is None:
        return None, True
    if isinstance(value, dict):
        return _fix_bools(value), True
    if isinstance(value, str):
        if is_unresolved(value):
            return None, False
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return None, False
        return (_fix_bools(parsed), True) if isinstance(parsed, dict) else (None, False)
    return None, False


# -- IAM -------------------------------------------------------------------------------------


def _iam_role(res: TfResource, index: TfIndex) -> Resource:
    duration = res.get("max_session_duration")
    gaps: list[Gap] = []
    seconds = as_int(duration)
    if duration is None:
        seconds = 3600  # provider and API default
    elif seconds is None:
        gaps.append(unknown_gap(["max_session_duration"], f"max_session_duration of {res.address}"))
    policy, resolved = json_document(res.get("assume_role_policy"))
    if not resolved:
        gaps.append(unknown_gap(["assume_role_policy"], f"assume_role_policy of {res.address}"))
    return build(
        "aws.iam.role",
        res,
        gaps,
        path=as_str(res.get("path")) or "/",
        max_session_duration=seconds,
        assume_role_policy=policy,
    )


# -- Cognito ---------------------------------------------------------------------------------


def _user_pool(res: TfResource, index: TfIndex) -> Resource:
    mfa = as_str(res.get("mfa_configuration")) or "OFF"
    gaps = (
        [unknown_gap(["mfa_configuration"], f"mfa_configuration of {res.address}")]
        if is_unresolved(mfa)
        else []
    )
    return build("aws.cognito.user_pool", res, gaps, mfa_configuration=None if gaps else mfa)


_TOKENS = (
    ("AccessToken", "access_token"),
    ("IdToken", "id_token"),
    ("RefreshToken", "refresh_token"),
)


def _user_pool_client(res: TfResource, index: TfIndex) -> Resource:
    from auditor.collectors.aws.cognito import token_seconds

    units_block = block(res.conf, "token_validity_units") or {}
    detail: dict[str, Any] = {"TokenValidityUnits": {}}
    gaps: list[Gap] = []
    for api, tf in _TOKENS:
        value = res.get(f"{tf}_validity")
        if value is not None:
            number = as_int(value)
            if number is None:
                gaps.append(
                    unknown_gap([f"{tf}_validity_seconds"], f"{tf}_validity of {res.address}")
                )
            else:
                detail[f"{api}Validity"] = number
        unit = as_str(first(units_block, tf))
        if unit:
            detail["TokenValidityUnits"][api] = unit
    applied: list[str] = []
    values = {
        f"{tf}_validity_seconds": token_seconds(detail, api, applied)
        for api, tf in _TOKENS
        if f"{tf}_validity_seconds" not in {f for g in gaps for f in g.fields}
    }
    revocation = as_bool(res.get("enable_token_revocation"))
    pool = res.get("user_pool_id")
    pool_res = index.resolve(pool, "aws_cognito_user_pool")
    return build(
        "aws.cognito.user_pool_client",
        res,
        gaps,
        user_pool_id=pool_res.address if pool_res is not None else str(pool),
        defaults_applied=applied,
        token_validity_units=dict(detail["TokenValidityUnits"]),
        enable_token_revocation=True if revocation is None else revocation,
        auth_session_validity_minutes=as_int(res.get("auth_session_validity")) or 3,
        **values,
    )


# -- CloudTrail ------------------------------------------------------------------------------


def _trail(res: TfResource, index: TfIndex) -> Resource:
    from auditor.collectors.aws.cloudtrail import _selectors

    def flag(arg: str, default: bool) -> bool:
        value = as_bool(res.get(arg))
        return default if value is None else value

    selectors = {
        "EventSelectors": [
            {
                "ReadWriteType": as_str(first(s, "read_write_type")) or "All",
                "IncludeManagementEvents": as_bool(first(s, "include_management_events"))
                is not False,
                "DataResources": [
                    {"Type": as_str(first(d, "type")), "Values": list(first(d, "values") or [])}
                    for d in blocks(s, "data_resource")
                ],
                "ExcludeManagementEventSources": list(
                    first(s, "exclude_management_event_sources") or []
                ),
            }
            for s in blocks(res.conf, "event_selector")
        ],
        "AdvancedEventSelectors": [
            {
                "Name": as_str(first(s, "name")),
                "FieldSelectors": [
                    {
                        "Field": as_str(first(f, "field")),
                        **{
                            api: list(first(f, tf) or [])
                            for api, tf in (
                                ("Equals", "equals"),
                                ("StartsWith", "starts_with"),
                                ("EndsWith", "ends_with"),
                                ("NotEquals", "not_equals"),
                                ("NotStartsWith", "not_starts_with"),
                                ("NotEndsWith", "not_ends_with"),
                            )
                        },
                    }
                    for f in blocks(s, "field_selector")
                ],
            }
            for s in blocks(res.conf, "advanced_event_selector")
        ],
    }
    if not selectors["EventSelectors"] and not selectors["AdvancedEventSelectors"]:
        # a trail created without selectors logs all management events, no data events
        selectors["EventSelectors"] = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]
    basic, advanced = _selectors(selectors)
    return build(
        "aws.cloudtrail.trail",
        res,
        is_multi_region_trail=flag("is_multi_region_trail", False),
        include_global_service_events=flag("include_global_service_events", True),
        log_file_validation_enabled=flag("enable_log_file_validation", False),
        kms_key_id=as_str(res.get("kms_key_id")),
        is_organization_trail=flag("is_organization_trail", False),
        s3_bucket_name=as_str(res.get("s3_bucket_name")),
        cloudwatch_logs_log_group_arn=as_str(res.get("cloud_watch_logs_group_arn")),
        is_logging=flag("enable_logging", True),
        event_selectors=basic,
        advanced_event_selectors=advanced,
    )


# -- CloudWatch Logs -------------------------------------------------------------------------


def _protection_for(index: TfIndex, log_group: TfResource) -> list[TfResource]:
    name = as_str(log_group.get("name"))
    return index.referencing(
        "aws_cloudwatch_log_data_protection_policy", "log_group_name", log_group, literal=name
    )


def _log_group_model(
    res: TfResource, name: str | None, group: TfResource | None, policy: TfResource | None
) -> Resource:
    from auditor.collectors.aws.logs import parse_data_protection

    gaps: list[Gap] = []
    protection = None
    if policy is not None:
        document, resolved = json_document(policy.get("policy_document"))
        if resolved:
            protection = parse_data_protection(document)
        else:
            gaps.append(
                unknown_gap(["data_protection_policy"], f"policy_document of {policy.address}")
            )
    retention: int | None = None
    kms: str | None = None
    if group is not None:
        retention = as_int(group.get("retention_in_days"))
        kms = as_str(group.get("kms_key_id"))
        if retention == 0:
            retention = None  # 0 = never expire, as the API reports it (absent)
    else:
        gaps.append(
            Gap(
                operation="terraform:configuration",
                error_code="NotInConfiguration",
                message=f"log group {name} is not declared in this configuration",
                fields=("retention_in_days", "kms_key_id"),
            )
        )
    return build(
        "aws.logs.log_group",
        res,
        gaps,
        name=name or res.name,
        retention_in_days=retention,
        kms_key_id=kms,
        data_protection_status="ACTIVATED" if protection is not None else None,
        data_protection_policy=protection,
    )


def _log_group(res: TfResource, index: TfIndex) -> Resource:
    policies = _protection_for(index, res)
    return _log_group_model(res, as_str(res.get("name")), res, policies[0] if policies else None)


def _log_protection(res: TfResource, index: TfIndex) -> Resource | None:
    name = res.get("log_group_name")
    if index.resolve(name, "aws_cloudwatch_log_group", by="name") is not None:
        return None  # judged on the log group resource itself
    return _log_group_model(res, as_str(name), None, res)


# -- Organizations ---------------------------------------------------------------------------


def _org_policy(res: TfResource, index: TfIndex) -> Resource | None:
    from auditor.collectors.aws.organizations import opt_out_settings

    policy_type = as_str(res.get("type"))
    if policy_type != "AISERVICES_OPT_OUT_POLICY":
        return None
    content, resolved = json_document(res.get("content"))
    attachments = index.referencing("aws_organizations_policy_attachment", "policy_id", res)
    targets = [as_str(a.get("target_id")) or a.address for a in attachments]
    settings = opt_out_settings(content) if content is not None else {}
    gaps = (
        []
        if resolved
        else [
            unknown_gap(
                ["content", "opt_out_settings", "opted_in_services"], f"content of {res.address}"
            )
        ]
    )
    return build(
        "aws.organizations.effective_policy",
        res,
        gaps,
        policy_type=policy_type,
        target_id=",".join(targets) or "(not attached in this configuration)",
        in_organization=True,
        content=content,
        opt_out_settings=settings,
        opted_in_services=sorted(k for k, v in settings.items() if v == "optIn"),
    )


AWS_MAPPERS: list[Mapper] = [
    Mapper("aws_iam_role", "aws.iam.role", _iam_role),
    Mapper("aws_cognito_user_pool", "aws.cognito.user_pool", _user_pool),
    Mapper("aws_cognito_user_pool_client", "aws.cognito.user_pool_client", _user_pool_client),
    Mapper("aws_cloudtrail", "aws.cloudtrail.trail", _trail),
    Mapper("aws_cloudwatch_log_group", "aws.logs.log_group", _log_group),
    Mapper("aws_cloudwatch_log_data_protection_policy", "aws.logs.log_group", _log_protection),
    Mapper("aws_organizations_policy", "aws.organizations.effective_policy", _org_policy),
]

__all__ = ["AWS_MAPPERS", "build", "json_document"]
