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

from auditor.core.model.base import Gap, Resource
from auditor.core.provider_defaults import documented_parameter, documented_source, family_of
from auditor.iac.mappers.base import IAC_ACCOUNT, Mapper, unknown_gap
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


@lru_cache(maxsize=1)
def _types() -> dict[str, type[Resource]]:
    from auditor.core.model.registry import resource_types

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


def kms_ref(value: Any, index: TfIndex) -> str | None:
    """A KMS key reference: the key's model id (its address) when the key is in the configuration.

    The KMS predicates find the key a store uses by id, so a store pointing at
    ``aws_kms_key.phi.arn`` must name ``aws_kms_key.phi``, the id the key's own model has.
    """
    target = index.resolve(value, "aws_kms_key")
    if target is not None:
        return target.address
    alias = index.resolve(value, "aws_kms_alias", by="name")
    if alias is not None:
        key = index.resolve(alias.get("target_key_id"), "aws_kms_key")
        if key is not None:
            return key.address
    return as_str(value)


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
    from auditor.collect.aws.cognito import token_seconds

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


def _log_group_ref(value: Any, index: TfIndex) -> str | None:
    """The trail's log group: the group's model id (its address) when declared here."""
    text = as_str(value)
    if text is None:
        return None
    target = index.resolve(text.removesuffix(":*"), "aws_cloudwatch_log_group")
    return target.address if target is not None else text


def _trail(res: TfResource, index: TfIndex) -> Resource:
    from auditor.collect.aws.cloudtrail import _selectors

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
        kms_key_id=kms_ref(res.get("kms_key_id"), index),
        is_organization_trail=flag("is_organization_trail", False),
        s3_bucket_name=as_str(res.get("s3_bucket_name")),
        cloudwatch_logs_log_group_arn=_log_group_ref(res.get("cloud_watch_logs_group_arn"), index),
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
    res: TfResource,
    name: str | None,
    group: TfResource | None,
    policy: TfResource | None,
    index: TfIndex,
) -> Resource:
    from auditor.collect.aws.logs import parse_data_protection

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
        kms = kms_ref(group.get("kms_key_id"), index)
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
    return _log_group_model(
        res, as_str(res.get("name")), res, policies[0] if policies else None, index
    )


def _log_protection(res: TfResource, index: TfIndex) -> Resource | None:
    name = res.get("log_group_name")
    if index.resolve(name, "aws_cloudwatch_log_group", by="name") is not None:
        return None  # judged on the log group resource itself
    return _log_group_model(res, as_str(name), None, res, index)


# -- Organizations ---------------------------------------------------------------------------


def _org_policy(res: TfResource, index: TfIndex) -> Resource | None:
    from auditor.collect.aws.organizations import opt_out_settings

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


# -- ELBv2 -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def elb_ssl_policies() -> dict[str, list[str]]:
    """Policy name -> protocols, from policies/data/elb_ssl_policies.yaml."""
    from auditor.core.resources import policies_dir
    from auditor.core.yamlio import read_yaml

    data = read_yaml(policies_dir() / "data" / "elb_ssl_policies.yaml")
    table = data.get("policies") if isinstance(data, dict) else None
    return {str(k): [str(p) for p in v["protocols"]] for k, v in (table or {}).items()}


#: The policy ELB applies when an HTTPS/TLS listener is created through the API (and Terraform)
#: without ssl_policy (describe-ssl-policies.html: "Other methods ... ELBSecurityPolicy-2016-08").
DEFAULT_ELB_SSL_POLICY = "ELBSecurityPolicy-2016-08"


def _listener(res: TfResource, index: TfIndex) -> Resource:
    protocol = (as_str(res.get("protocol")) or "HTTP").upper()
    gaps: list[Gap] = []
    ssl_policy: str | None = None
    tls = None
    if protocol in ("HTTPS", "TLS"):
        raw = res.get("ssl_policy")
        ssl_policy = as_str(raw) or DEFAULT_ELB_SSL_POLICY
        if is_unresolved(ssl_policy):
            gaps.append(unknown_gap(["ssl_policy", "tls"], f"ssl_policy of {res.address}"))
            ssl_policy = None
        else:
            protocols = elb_ssl_policies().get(ssl_policy)
            if protocols is None:
                gaps.append(
                    Gap(
                        operation="elbv2:DescribeSSLPolicies",
                        error_code="SSLPolicyNotInTable",
                        message=f"{ssl_policy} is not in policies/data/elb_ssl_policies.yaml; "
                        "its protocols are not guessed",
                        fields=("tls",),
                    )
                )
            else:
                tls = {"name": ssl_policy, "protocols": protocols}
    actions = []
    target_protocols: set[str] = set()
    unknown_targets: list[str] = []
    for action in blocks(res.conf, "default_action"):
        groups = [first(action, "target_group_arn")] + [
            first(tg, "arn")
            for fw in blocks(action, "forward")
            for tg in blocks(fw, "target_group")
        ]
        for ref in (g for g in groups if g is not None):
            group = index.resolve(ref, "aws_lb_target_group") or index.resolve(
                ref, "aws_alb_target_group"
            )
            protocol_of = as_str(group.get("protocol")) if group is not None else None
            if protocol_of:
                target_protocols.add(protocol_of.upper())
            else:
                unknown_targets.append(str(ref))
        redirect = block(action, "redirect") or {}
        actions.append(
            {
                "type": as_str(first(action, "type")) or "forward",
                "redirect_protocol": (as_str(first(redirect, "protocol")) or "#{protocol}").upper()
                if redirect
                else None,
            }
        )
    if unknown_targets:
        gaps.append(
            Gap(
                operation="elbv2:DescribeTargetGroups",
                error_code="NotInConfiguration",
                message=f"target group {unknown_targets[0]} is not declared in this configuration",
                fields=("target_protocols",),
            )
        )
    lb = as_str(res.get("load_balancer_arn")) or ""
    lb_res = index.resolve(lb, "aws_lb") or index.resolve(lb, "aws_alb")
    return build(
        "aws.elbv2.listener",
        res,
        gaps,
        load_balancer=lb_res.address if lb_res is not None else lb,
        load_balancer_type=(as_str(lb_res.get("load_balancer_type")) or "application")
        if lb_res
        else None,
        scheme=("internal" if as_bool(lb_res.get("internal")) else "internet-facing")
        if lb_res
        else None,
        protocol=protocol,
        port=as_int(res.get("port")),
        ssl_policy=ssl_policy,
        tls=tls,
        default_actions=actions,
        target_protocols=sorted(target_protocols),
    )


# -- Classic ELB -----------------------------------------------------------------------------

_NEGOTIATION = "SSLNegotiationPolicyType"


def _attributes(conf: Any, key: str) -> list[dict[str, Any]] | None:
    """``{name, value}`` blocks as the API's PolicyAttributeDescriptions; None if unresolved."""
    out: list[dict[str, Any]] = []
    for attribute in blocks(conf, key):
        name, value = first(attribute, "name"), first(attribute, "value")
        if is_unresolved(name) or is_unresolved(value):
            return None
        out.append({"AttributeName": as_str(name), "AttributeValue": as_str(value)})
    return out


def _points_at(value: Any, elb: TfResource, name: str | None) -> bool:
    from auditor.iac.tf import references

    return references(value, elb.address) or (name is not None and value == name)


def _classic_listener_policies(
    elb: TfResource, name: str | None, port: int, index: TfIndex
) -> tuple[list[dict[str, Any]] | None, str | None]:
    """The API's PolicyDescriptions attached to the listener on ``port`` (None: a gap, with why).

    ``aws_lb_ssl_negotiation_policy`` attaches one SSL negotiation policy directly;
    ``aws_load_balancer_listener_policy`` attaches ``aws_load_balancer_policy`` resources by name.
    """
    found: list[dict[str, Any]] = []
    for negotiation in index.of_type("aws_lb_ssl_negotiation_policy"):
        if not _points_at(negotiation.get("load_balancer"), elb, name):
            continue
        if as_int(negotiation.get("lb_port")) != port:
            continue
        attributes = _attributes(negotiation.conf, "attribute")
        if attributes is None:
            return None, f"the attributes of {negotiation.address} are known only after apply"
        found.append(
            {
                "PolicyName": as_str(negotiation.get("name")) or negotiation.name,
                "PolicyTypeName": _NEGOTIATION,
                "PolicyAttributeDescriptions": attributes,
            }
        )
    for attachment in index.of_type("aws_load_balancer_listener_policy"):
        if not _points_at(attachment.get("load_balancer_name"), elb, name):
            continue
        if as_int(attachment.get("load_balancer_port")) != port:
            continue
        names = attachment.conf.get("policy_names")
        values = (
            names[0] if isinstance(names, list) and names and isinstance(names[0], list) else names
        )
        for ref in values if isinstance(values, list) else [values]:
            policy = index.resolve(ref, "aws_load_balancer_policy", by="policy_name")
            if policy is None:
                return (
                    None,
                    f"policy {ref} of {attachment.address} is not declared in this configuration",
                )
            attributes = _attributes(policy.conf, "policy_attribute")
            if attributes is None:
                return None, f"the attributes of {policy.address} are known only after apply"
            found.append(
                {
                    "PolicyName": as_str(policy.get("policy_name")) or policy.name,
                    "PolicyTypeName": as_str(policy.get("policy_type_name")),
                    "PolicyAttributeDescriptions": attributes,
                }
            )
    return found, None


def _classic_elb(res: TfResource, index: TfIndex) -> Resource:
    """``aws_elb`` and its listeners, with the protocols each HTTPS/SSL listener negotiates.

    The policies come from ``aws_lb_ssl_negotiation_policy`` or ``aws_load_balancer_policy``
    (attached with ``aws_load_balancer_listener_policy``), read by the live collector's own
    reader of ``DescribeLoadBalancerPolicies``. A policy that only names a predefined policy
    (``Reference-Security-Policy``) gets that policy's protocols from the ELB policy table, as
    AWS expands it; a listener with no SSL negotiation policy gets the one AWS associates,
    ``ELBSecurityPolicy-2016-08``.
    """
    from auditor.collect.aws.elb import _negotiation

    raw_name = as_str(res.get("name"))
    name = raw_name if raw_name and not is_unresolved(raw_name) else None
    gaps: list[Gap] = []
    listeners: list[dict[str, Any]] = []
    for block_conf in blocks(res.conf, "listener"):
        protocol = (as_str(first(block_conf, "lb_protocol")) or "").upper()
        port = as_int(first(block_conf, "lb_port"))
        instance = as_str(first(block_conf, "instance_protocol"))
        listener: dict[str, Any] = {
            "protocol": protocol,
            "load_balancer_port": port or 0,
            "instance_protocol": instance.upper() if instance else None,
        }
        listeners.append(listener)
        if is_unresolved(protocol) or port is None:
            gaps.append(unknown_gap(["listeners"], f"a listener of {res.address}"))
            continue
        if protocol not in ("HTTPS", "SSL"):
            continue
        policies, why = _classic_listener_policies(res, name, port, index)
        if policies is None:
            gaps.append(
                Gap(
                    operation="elb:DescribeLoadBalancerPolicies",
                    error_code="NotInConfiguration",
                    message=str(why),
                    fields=("listeners",),
                )
            )
            continue
        listener["policy_names"] = [str(p["PolicyName"]) for p in policies]
        negotiation = _negotiation(policies)
        if not negotiation:
            if policies:  # policies set on the listener, none of them an SSL negotiation one
                gaps.append(
                    Gap(
                        operation="elb:DescribeLoadBalancerPolicies",
                        error_code="NoNegotiationPolicy",
                        message=f"the listener on port {port} of {res.address} is given policies "
                        "but no SSLNegotiationPolicyType one; which protocols it negotiates is "
                        "known only from the live load balancer",
                        fields=("listeners",),
                    )
                )
                continue
            negotiation = {DEFAULT_ELB_SSL_POLICY: ([], DEFAULT_ELB_SSL_POLICY)}
            listener["policy_names"] = [DEFAULT_ELB_SSL_POLICY]
        protocols, reference = next(iter(negotiation.values()))
        listener["reference_security_policy"] = reference
        if not protocols and reference is not None:
            table = elb_ssl_policies().get(reference)
            if table is None:
                gaps.append(
                    Gap(
                        operation="elb:DescribeLoadBalancerPolicies",
                        error_code="SSLPolicyNotInTable",
                        message=f"{reference} is not in policies/data/elb_ssl_policies.yaml; "
                        "its protocols are not guessed",
                        fields=("listeners",),
                    )
                )
                continue
            protocols = list(table)
        listener["ssl_protocols"] = sorted(protocols, key=_PROTOCOL_ORDER.index)
    internal = as_bool(res.get("internal"))
    return build(
        "aws.elb.load_balancer",
        res,
        gaps,
        name=name or res.name,
        scheme="internal" if internal else "internet-facing",
        listeners=listeners,
    )


_PROTOCOL_ORDER = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


# -- S3 --------------------------------------------------------------------------------------


def _sse_rule(conf: Any) -> dict[str, Any] | None:
    outer = block(conf, "server_side_encryption_configuration")
    return block(outer if outer is not None else conf, "rule")


def _s3_bucket(res: TfResource, index: TfIndex) -> Resource:
    name = as_str(res.get("bucket")) or res.name
    gaps: list[Gap] = []
    configs = index.referencing(
        "aws_s3_bucket_server_side_encryption_configuration", "bucket", res, literal=name
    )
    rule = _sse_rule(configs[0].conf) if configs else _sse_rule(res.conf)
    if rule is not None:
        default = block(rule, "apply_server_side_encryption_by_default") or {}
        algorithm = as_str(first(default, "sse_algorithm"))
        key = kms_ref(first(default, "kms_master_key_id"), index)
        bucket_key = as_bool(first(rule, "bucket_key_enabled"))
        blocked = first(rule, "blocked_encryption_types")
    else:
        # Since January 2023 S3 applies SSE-S3 (AES256) to every bucket without a configuration,
        # and GetBucketEncryption reports it.
        algorithm, key, bucket_key, blocked = "AES256", None, False, None
    policies = index.referencing("aws_s3_bucket_policy", "bucket", res, literal=name)
    policy: dict[str, Any] | None = None
    inline = res.get("policy")
    source = policies[0].get("policy") if policies else inline
    if source is not None:
        policy, resolved = json_document(source)
        if not resolved:
            gaps.append(unknown_gap(["policy"], f"the bucket policy of {res.address}"))
    return build(
        "aws.s3.bucket",
        res,
        gaps,
        # a bucket's ARN follows from its name alone; the CloudTrail predicates match on it
        id=f"arn:aws:s3:::{name}" if not is_unresolved(name) else res.address,
        blocked_encryption_types=[str(b) for b in blocked] if isinstance(blocked, list) else None,
        name=name,
        sse_algorithm=algorithm,
        kms_master_key_id=key,
        bucket_key_enabled=bucket_key,
        policy=policy,
    )


# -- RDS -------------------------------------------------------------------------------------


def _tls_parameters(
    group_ref: Any,
    engine: str | None,
    engine_version: str | None,
    tf_group_type: str,
    index: TfIndex,
    what: str,
) -> tuple[dict[str, Any] | None, list[Gap]]:
    """The TLS parameters in force, as the live collector reports them: the group's own values,
    and for what it leaves unset (or with no group: the family's default group) the provider's
    documented default from ``policies/data/provider_defaults.yaml``, cited in ``sources``."""
    from auditor.collect.aws.rds import _FIELD_OF, tls_parameter_names

    wanted = tls_parameter_names(engine)
    declared: dict[str | None, Any] = {}
    if group_ref is None:
        family = family_of(engine, engine_version)
        result: dict[str, Any] = {
            "parameter_group": f"default.{family}" if family else None,
            "family": family,
            "sources": {},
        }
        where = "no parameter group is named (the family's default group applies)"
    else:
        group = index.resolve(group_ref, tf_group_type, by="name")
        if group is None:
            return None, [
                Gap(
                    operation="terraform:configuration",
                    error_code="NotInConfiguration",
                    message=f"parameter group {group_ref} of {what} is not declared in this "
                    "configuration",
                    fields=("tls_parameters",),
                )
            ]
        family = as_str(group.get("family"))
        result = {
            "parameter_group": as_str(group.get("name")) or group.address,
            "family": family,
            "sources": {},
        }
        declared = {
            as_str(first(p, "name")): first(p, "value") for p in blocks(group.conf, "parameter")
        }
        where = f"not set in {group.address}"
    gaps: list[Gap] = []
    for name in wanted:
        field = _FIELD_OF[name]
        if name in declared:
            result[field] = as_str(declared[name])
            result["sources"][name] = "user"
            continue
        documented = documented_parameter(engine, engine_version, family, name)
        if documented is not None:
            result[field] = documented.value
            result["sources"][name] = documented_source(documented, family)
            continue
        gaps.append(
            Gap(
                operation="rds:DescribeEngineDefaultParameters",
                error_code="EngineDefaultNotKnownOffline",
                message=f"{name} {where}: policies/data/provider_defaults.yaml documents no "
                f"default for {engine} {engine_version or '(version not set)'}; only the live "
                "scan reads it",
                fields=(f"tls_parameters.{field}",),
            )
        )
    return result, gaps


def _rds(
    res: TfResource, index: TfIndex, resource_type: str, group_arg: str, group_type: str
) -> Resource:
    engine = as_str(res.get("engine"))
    encrypted = as_bool(res.get("storage_encrypted"))
    gaps: list[Gap] = []
    member_of = (
        as_str(res.get("cluster_identifier")) if resource_type == "aws.rds.db_instance" else None
    )
    tls: dict[str, Any] | None = None
    if member_of is None:
        tls, gaps = _tls_parameters(
            res.get(group_arg),
            engine,
            as_str(res.get("engine_version")),
            group_type,
            index,
            res.address,
        )
    if (
        encrypted is None
        and engine
        and engine.startswith("aurora")
        and resource_type == "aws.rds.db_cluster"
    ):
        encrypted = False  # provider default
    fields: dict[str, Any] = {
        "name": as_str(res.get("identifier") or res.get("cluster_identifier")) or res.name,
        "engine": engine,
        "engine_version": as_str(res.get("engine_version")),
        "storage_encrypted": bool(encrypted),
        "storage_encryption_type": ("sse-kms" if res.get("kms_key_id") else "sse-rds")
        if encrypted
        else "none",
        "kms_key_id": kms_ref(res.get("kms_key_id"), index),
        "tls_parameters": tls,
    }
    if resource_type == "aws.rds.db_instance":
        fields["db_cluster_identifier"] = member_of
    return build(resource_type, res, gaps, **fields)


def _db_instance(res: TfResource, index: TfIndex) -> Resource:
    return _rds(res, index, "aws.rds.db_instance", "parameter_group_name", "aws_db_parameter_group")


def _db_cluster(res: TfResource, index: TfIndex) -> Resource:
    return _rds(
        res,
        index,
        "aws.rds.db_cluster",
        "db_cluster_parameter_group_name",
        "aws_rds_cluster_parameter_group",
    )


# -- EBS, DynamoDB, KMS ----------------------------------------------------------------------


def _ebs_default(res: TfResource, index: TfIndex) -> Resource:
    enabled = as_bool(res.get("enabled"))
    return build(
        "aws.ec2.ebs_encryption_default",
        res,
        ebs_encryption_by_default=True if enabled is None else enabled,
    )


def _volume(res: TfResource, index: TfIndex) -> Resource:
    encrypted = as_bool(res.get("encrypted"))
    gaps: list[Gap] = []
    if encrypted is None:
        defaults = index.of_type("aws_ebs_encryption_by_default")
        if defaults:
            flag = as_bool(defaults[0].get("enabled"))
            encrypted = True if flag is None else flag
        else:
            gaps.append(
                Gap(
                    operation="ec2:GetEbsEncryptionByDefault",
                    error_code="NotInConfiguration",
                    message="encrypted is not set: the region's EBS encryption default decides, "
                    "which this configuration does not declare",
                    fields=("encrypted",),
                )
            )
    return build(
        "aws.ec2.volume", res, gaps, encrypted=encrypted, kms_key_id=as_str(res.get("kms_key_id"))
    )


def _dynamodb(res: TfResource, index: TfIndex) -> Resource:
    sse = block(res.conf, "server_side_encryption") or {}
    enabled = as_bool(first(sse, "enabled"))
    if enabled:
        # server_side_encryption { enabled = true } = a KMS key (AWS managed unless kms_key_arn)
        fields = {
            "sse_status": "ENABLED",
            "sse_type": "KMS",
            "kms_master_key_arn": kms_ref(first(sse, "kms_key_arn"), index),
        }
    else:
        fields = {"sse_status": None, "sse_type": None, "kms_master_key_arn": None}  # AWS-owned key
    return build("aws.dynamodb.table", res, None, **fields)


def _kms_key(res: TfResource, index: TfIndex) -> Resource:
    spec = as_str(res.get("customer_master_key_spec") or res.get("key_spec")) or "SYMMETRIC_DEFAULT"
    rotation = as_bool(res.get("enable_key_rotation"))
    enabled = as_bool(res.get("is_enabled"))
    period = as_int(res.get("rotation_period_in_days"))
    aliases = [
        as_str(a.get("name")) or a.address
        for a in index.referencing("aws_kms_alias", "target_key_id", res)
    ]
    return build(
        "aws.kms.key",
        res,
        name=as_str(res.get("description")) or res.name,
        aliases=[a for a in aliases if a],
        key_manager="CUSTOMER",
        key_spec=spec,
        key_usage=as_str(res.get("key_usage")) or "ENCRYPT_DECRYPT",
        key_state="Enabled" if enabled is not False else "Disabled",
        enabled=enabled is not False,
        origin="AWS_KMS",
        multi_region=bool(as_bool(res.get("multi_region"))),
        rotation_enabled=bool(rotation),
        rotation_period_days=(period or 365) if rotation else None,
    )


# -- CloudFront, API Gateway -----------------------------------------------------------------


def _distribution(res: TfResource, index: TfIndex) -> Resource:
    from auditor.collect.aws.cloudfront import _origin

    cert = block(res.conf, "viewer_certificate") or {}
    default_cert = bool(as_bool(first(cert, "cloudfront_default_certificate")))
    behaviors = blocks(res.conf, "default_cache_behavior") + blocks(
        res.conf, "ordered_cache_behavior"
    )
    origins = []
    for origin in blocks(res.conf, "origin"):
        custom = block(origin, "custom_origin_config")
        raw: dict[str, Any] = {
            "Id": as_str(first(origin, "origin_id")),
            "DomainName": as_str(first(origin, "domain_name")),
        }
        if custom is not None:
            raw["CustomOriginConfig"] = {
                "OriginProtocolPolicy": as_str(first(custom, "origin_protocol_policy")),
                "OriginSslProtocols": {"Items": list(first(custom, "origin_ssl_protocols") or [])},
            }
        elif first(origin, "vpc_origin_config") is not None:
            raw["VpcOriginConfig"] = {}
        origins.append(_origin(raw))
    minimum = as_str(first(cert, "minimum_protocol_version"))
    return build(
        "aws.cloudfront.distribution",
        res,
        name=as_str(res.get("comment")) or res.name,
        aliases=list(res.get("aliases") or []),
        enabled=as_bool(res.get("enabled")),
        viewer_protocol_policies=[
            as_str(first(b, "viewer_protocol_policy")) or "allow-all" for b in behaviors
        ],
        # with the default *.cloudfront.net certificate CloudFront uses TLSv1 whatever is set
        minimum_protocol_version="TLSv1" if default_cert else (minimum or "TLSv1"),
        cloudfront_default_certificate=default_cert,
        acm_certificate_arn=as_str(first(cert, "acm_certificate_arn")),
        iam_certificate_id=as_str(first(cert, "iam_certificate_id")),
        ssl_support_method=as_str(first(cert, "ssl_support_method")),
        origins=origins,
    )


def _endpoint_types(res: TfResource) -> list[str]:
    config = block(res.conf, "endpoint_configuration") or {}
    return [str(t) for t in first(config, "types") or []] or ["EDGE"]


def _rest_api(res: TfResource, index: TfIndex) -> Resource:
    disabled = as_bool(res.get("disable_execute_api_endpoint"))
    return build(
        "aws.apigateway.rest_api",
        res,
        endpoint_types=_endpoint_types(res),
        security_policy=as_str(res.get("security_policy")),
        endpoint_access_mode=as_str(res.get("endpoint_access_mode")),
        disable_execute_api_endpoint=bool(disabled),
    )


def _domain_name(res: TfResource, index: TfIndex) -> Resource:
    return build(
        "aws.apigateway.domain_name",
        res,
        name=as_str(res.get("domain_name")) or res.name,
        endpoint_types=_endpoint_types(res),
        # the API's default for a domain created without securityPolicy is TLS_1_2
        security_policy=as_str(res.get("security_policy")) or "TLS_1_2",
        endpoint_access_mode=as_str(res.get("endpoint_access_mode")),
        mutual_tls=block(res.conf, "mutual_tls_authentication") is not None,
    )


#: Types read only through joins from a mapped resource.
AWS_JOIN_TYPES: tuple[str, ...] = (
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_policy",
    "aws_db_parameter_group",
    "aws_rds_cluster_parameter_group",
    "aws_kms_alias",
    "aws_organizations_policy_attachment",
    "aws_lb",
    "aws_alb",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_load_balancer_policy",
    "aws_load_balancer_listener_policy",
    "aws_lb_ssl_negotiation_policy",
)

AWS_MAPPERS: list[Mapper] = [
    Mapper("aws_iam_role", "aws.iam.role", _iam_role),
    Mapper("aws_cognito_user_pool", "aws.cognito.user_pool", _user_pool),
    Mapper("aws_cognito_user_pool_client", "aws.cognito.user_pool_client", _user_pool_client),
    Mapper("aws_cloudtrail", "aws.cloudtrail.trail", _trail),
    Mapper("aws_cloudwatch_log_group", "aws.logs.log_group", _log_group),
    Mapper("aws_cloudwatch_log_data_protection_policy", "aws.logs.log_group", _log_protection),
    Mapper("aws_organizations_policy", "aws.organizations.effective_policy", _org_policy),
    Mapper("aws_lb_listener", "aws.elbv2.listener", _listener),
    Mapper("aws_alb_listener", "aws.elbv2.listener", _listener),
    Mapper("aws_elb", "aws.elb.load_balancer", _classic_elb),
    Mapper("aws_s3_bucket", "aws.s3.bucket", _s3_bucket),
    Mapper("aws_db_instance", "aws.rds.db_instance", _db_instance),
    Mapper("aws_rds_cluster", "aws.rds.db_cluster", _db_cluster),
    Mapper("aws_ebs_encryption_by_default", "aws.ec2.ebs_encryption_default", _ebs_default),
    Mapper("aws_ebs_volume", "aws.ec2.volume", _volume),
    Mapper("aws_dynamodb_table", "aws.dynamodb.table", _dynamodb),
    Mapper("aws_kms_key", "aws.kms.key", _kms_key),
    Mapper("aws_cloudfront_distribution", "aws.cloudfront.distribution", _distribution),
    Mapper("aws_api_gateway_rest_api", "aws.apigateway.rest_api", _rest_api),
    Mapper("aws_api_gateway_domain_name", "aws.apigateway.domain_name", _domain_name),
]

__all__ = ["AWS_JOIN_TYPES", "AWS_MAPPERS", "build", "json_document"]
