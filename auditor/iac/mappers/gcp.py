"""Terraform ``google_*`` resources -> the GCP models the live scan builds.

Each mapper rewrites the Terraform arguments into the REST shape Cloud Asset Inventory returns
in ``resource.data`` (camelCase, the service's own JSON) and hands it to the live collector's own
builder (:data:`auditor.collect.gcp.mapping.ASSET_KINDS`). The model is therefore built by the
same code as the live one; only the translation Terraform -> REST lives here. Where Terraform
leaves an argument out, the provider's documented default (which is the API's default) is
written in, so a value is judged as it will be after apply.
"""

from __future__ import annotations

from typing import Any

from auditor.core.model.base import Gap, Resource
from auditor.core.provider_defaults import load_provider_defaults
from auditor.iac.mappers.base import IAC_ACCOUNT, Mapper, unknown_gap
from auditor.iac.tf import (
    TfIndex,
    TfResource,
    as_bool,
    as_map,
    as_str,
    block,
    blocks,
    first,
    is_unresolved,
)

COMPUTE = "https://www.googleapis.com/compute/v1/"


def _project(res: TfResource) -> str:
    project = as_str(res.get("project"))
    return project if project and not is_unresolved(project) else IAC_ACCOUNT


def _name(res: TfResource) -> str:
    name = as_str(res.get("name"))
    return name if name and not is_unresolved(name) else res.name


def _build(
    asset_type: str, data: dict[str, Any], base: dict[str, Any], gaps: list[Gap]
) -> Resource:
    from auditor.collect.gcp.mapping import ASSET_KINDS

    model = ASSET_KINDS[asset_type].build(data, base)
    model.gaps.extend(gaps)
    return model


def _base(res: TfResource, full_name: str, region: str | None = None) -> dict[str, Any]:
    labels = as_map(res.get("labels"))
    return {
        "id": full_name,
        "name": _name(res),
        "account": _project(res),
        "region": region,
        "tags": labels,
        "ancestors": [],
    }


def _tls(value: Any) -> str | None:
    return as_str(value)


def ssl_policy_self_link(res: TfResource) -> str:
    return f"{COMPUTE}projects/{_project(res)}/global/sslPolicies/{_name(res)}"


def _ssl_policy(res: TfResource, index: TfIndex) -> Resource:
    link = ssl_policy_self_link(res)
    data = {
        "name": _name(res),
        "selfLink": link,
        "profile": as_str(res.get("profile")) or "COMPATIBLE",
        "minTlsVersion": _tls(res.get("min_tls_version")) or "TLS_1_0",
    }
    gaps = [
        unknown_gap([field], f"{arg} of {res.address}")
        for field, arg in (("profile", "profile"), ("min_tls_version", "min_tls_version"))
        if is_unresolved(res.get(arg))
    ]
    return _build(
        "compute.googleapis.com/SslPolicy",
        data,
        _base(res, link.replace(COMPUTE, "//compute.googleapis.com/")),
        gaps,
    )


def _ssl_policy_ref(value: Any, index: TfIndex) -> tuple[str | None, bool]:
    """The self link a proxy's ``ssl_policy`` points at, and whether it could be resolved."""
    if value is None:
        return None, True
    target = index.resolve(value, "google_compute_ssl_policy", by="name")
    if target is not None:
        return ssl_policy_self_link(target), True
    text = str(value)
    if is_unresolved(text):
        return None, False
    return text if text.startswith("https://") else COMPUTE + text.lstrip("/"), True


def _https_proxy(res: TfResource, index: TfIndex) -> Resource:
    link = f"{COMPUTE}projects/{_project(res)}/global/targetHttpsProxies/{_name(res)}"
    ssl_policy, resolved = _ssl_policy_ref(res.get("ssl_policy"), index)
    data = {
        "name": _name(res),
        "selfLink": link,
        "sslPolicy": ssl_policy,
        "urlMap": as_str(res.get("url_map")),
    }
    gaps = [] if resolved else [unknown_gap(["ssl_policy"], f"ssl_policy of {res.address}")]
    return _build(
        "compute.googleapis.com/TargetHttpsProxy",
        data,
        _base(res, link.replace(COMPUTE, "//compute.googleapis.com/")),
        gaps,
    )


def _crypto_key_id(res: TfResource, index: TfIndex) -> str:
    ring = res.get("key_ring")
    ring_res = index.resolve(ring, "google_kms_key_ring", by="name")
    if ring_res is not None:
        ring = f"projects/{_project(ring_res)}/locations/{as_str(ring_res.get('location'))}/keyRings/{_name(ring_res)}"
    return f"{ring}/cryptoKeys/{_name(res)}"


def _kms_key_ref(value: Any, index: TfIndex) -> str | None:
    target = index.resolve(value, "google_kms_crypto_key")
    if target is not None:
        return _crypto_key_id(target, index)
    return as_str(value)


def _crypto_key(res: TfResource, index: TfIndex) -> Resource:
    key_id = _crypto_key_id(res, index)
    template = block(res.conf, "version_template") or {}
    rotation = as_str(res.get("rotation_period"))
    data = {
        "name": key_id,
        "purpose": as_str(res.get("purpose")) or "ENCRYPT_DECRYPT",
        "versionTemplate": {
            "algorithm": as_str(first(template, "algorithm")) or "GOOGLE_SYMMETRIC_ENCRYPTION",
            "protectionLevel": as_str(first(template, "protection_level")) or "SOFTWARE",
        },
        "primary": {"state": "ENABLED"},  # a new key's first version is enabled
        "rotationPeriod": rotation,
    }
    gaps = (
        [unknown_gap(["rotation_period_days"], f"rotation_period of {res.address}")]
        if is_unresolved(rotation)
        else []
    )
    base = _base(res, f"//cloudkms.googleapis.com/{key_id}")
    if base["account"] == IAC_ACCOUNT and key_id.startswith("projects/"):
        base["account"] = key_id.split("/")[1]
    return _build("cloudkms.googleapis.com/CryptoKey", data, base, gaps)


def _sql(res: TfResource, index: TfIndex) -> Resource:
    settings = block(res.conf, "settings") or {}
    ip = block(settings, "ip_configuration") or {}
    ipv4 = as_bool(first(ip, "ipv4_enabled"))
    ip_data: dict[str, Any] = {"ipv4Enabled": True if ipv4 is None else ipv4}
    ssl_mode = as_str(first(ip, "ssl_mode"))
    require_ssl = as_bool(first(ip, "require_ssl"))
    if ssl_mode:
        ip_data["sslMode"] = ssl_mode
    elif require_ssl is None:
        # neither set: Cloud SQL applies its documented default (policies/data/provider_defaults.yaml)
        documented = load_provider_defaults().cloudsql("ssl_mode")
        if documented is not None:
            ip_data["sslMode"] = documented.value
    if require_ssl is not None:
        ip_data["requireSsl"] = require_ssl
    data: dict[str, Any] = {
        "name": _name(res),
        "databaseVersion": as_str(res.get("database_version")),
        "instanceType": "CLOUD_SQL_INSTANCE",
        "settings": {"ipConfiguration": ip_data},
    }
    key = res.get("encryption_key_name")
    if key is not None:
        data["diskEncryptionConfiguration"] = {"kmsKeyName": _kms_key_ref(key, index)}
    gaps: list[Gap] = []
    if is_unresolved(ssl_mode):
        gaps.append(
            unknown_gap(["ssl_mode"], f"settings.ip_configuration.ssl_mode of {res.address}")
        )
    region = as_str(res.get("region"))
    base = _base(
        res, f"//cloudsql.googleapis.com/projects/{_project(res)}/instances/{_name(res)}", region
    )
    return _build("sqladmin.googleapis.com/Instance", data, base, gaps)


def _bucket(res: TfResource, index: TfIndex) -> Resource:
    encryption = block(res.conf, "encryption") or {}
    key = first(encryption, "default_kms_key_name")
    ubla = as_bool(res.get("uniform_bucket_level_access"))
    data: dict[str, Any] = {
        "name": _name(res),
        "iamConfiguration": {
            "uniformBucketLevelAccess": {"enabled": bool(ubla)},
            "publicAccessPrevention": as_str(res.get("public_access_prevention")) or "inherited",
        },
    }
    if key is not None:
        data["encryption"] = {"defaultKmsKeyName": _kms_key_ref(key, index)}
    base = _base(
        res,
        f"//storage.googleapis.com/{_name(res)}",
        (as_str(res.get("location")) or "").lower() or None,
    )
    gaps = [
        Gap(
            operation="terraform:configuration",
            error_code="NotInResource",
            message="bucket IAM is granted by other resources (google_storage_bucket_iam_*), not read here",
            fields=("iam_bindings",),
        )
    ]
    return _build("storage.googleapis.com/Bucket", data, base, gaps)


def _audit_configs(resources: list[TfResource]) -> list[dict[str, Any]]:
    configs: list[dict[str, Any]] = []
    for res in resources:
        log_configs = [
            {
                "logType": as_str(first(b, "log_type")) or "",
                "exemptedMembers": [str(m) for m in (first(b, "exempted_members") or [])],
            }
            for b in blocks(res.conf, "audit_log_config")
        ]
        configs.append(
            {"service": as_str(res.get("service")) or "", "auditLogConfigs": log_configs}
        )
    return configs


_IAM_GAP = Gap(
    operation="terraform:configuration",
    error_code="NotInResource",
    message="IAM bindings are granted by other resources (google_*_iam_*), not read here",
    fields=("iam_bindings",),
)


def _owner_group(res: TfResource, index: TfIndex, key_arg: str) -> list[TfResource] | None:
    """All audit-config resources of the same project/org, or None when ``res`` is not the first."""
    key = res.get(key_arg)
    group = sorted(
        (r for r in index.of_type(res.type) if r.get(key_arg) == key), key=lambda r: r.address
    )
    if not group:
        return [res]
    return group if group[0].address == res.address else None


def _project_audit(res: TfResource, index: TfIndex) -> Resource | None:
    group = _owner_group(res, index, "project")
    if group is None:
        return None  # judged once, with every audit config of this project, on the first one
    from auditor.collect.gcp.mapping import audit_configs

    project = _project(res)
    data = {"projectId": project, "projectNumber": project, "lifecycleState": "ACTIVE"}
    base = _base(res, f"//cloudresourcemanager.googleapis.com/projects/{project}")
    base["name"] = project
    model = _build("cloudresourcemanager.googleapis.com/Project", data, base, [_IAM_GAP])
    model.audit_configs = audit_configs({"auditConfigs": _audit_configs(group)})  # type: ignore[attr-defined]
    return model


def _org_audit(res: TfResource, index: TfIndex) -> Resource | None:
    group = _owner_group(res, index, "org_id")
    if group is None:
        return None
    from auditor.collect.gcp.mapping import audit_configs

    org = as_str(res.get("org_id")) or IAC_ACCOUNT
    data = {"name": f"organizations/{org}", "lifecycleState": "ACTIVE"}
    base = _base(res, f"//cloudresourcemanager.googleapis.com/organizations/{org}")
    base.update(account=f"organizations/{org}", name=f"organizations/{org}")
    model = _build("cloudresourcemanager.googleapis.com/Organization", data, base, [_IAM_GAP])
    model.audit_configs = audit_configs({"auditConfigs": _audit_configs(group)})  # type: ignore[attr-defined]
    return model


def _service(res: TfResource, index: TfIndex) -> Resource:
    service = as_str(res.get("service")) or ""
    project = _project(res)
    data = {
        "name": f"projects/{project}/services/{service}",
        "config": {"name": service},
        "state": "ENABLED",
    }
    base = _base(res, f"//serviceusage.googleapis.com/projects/{project}/services/{service}")
    gaps = [unknown_gap(["service"], f"service of {res.address}")] if is_unresolved(service) else []
    return _build("serviceusage.googleapis.com/Service", data, base, gaps)


#: Types read only through joins from a mapped resource.
GCP_JOIN_TYPES: tuple[str, ...] = ("google_kms_key_ring",)

GCP_MAPPERS: list[Mapper] = [
    Mapper("google_compute_ssl_policy", "gcp.compute.ssl_policy", _ssl_policy),
    Mapper("google_compute_target_https_proxy", "gcp.compute.target_https_proxy", _https_proxy),
    Mapper("google_kms_crypto_key", "gcp.kms.crypto_key", _crypto_key),
    Mapper("google_sql_database_instance", "gcp.sql.instance", _sql),
    Mapper("google_storage_bucket", "gcp.storage.bucket", _bucket, unreadable=("iam_bindings",)),
    Mapper(
        "google_project_iam_audit_config",
        "gcp.resourcemanager.project",
        _project_audit,
        unreadable=("iam_bindings",),
    ),
    Mapper(
        "google_organization_iam_audit_config",
        "gcp.resourcemanager.organization",
        _org_audit,
        unreadable=("iam_bindings",),
    ),
    Mapper("google_project_service", "gcp.serviceusage.service", _service),
]

__all__ = ["GCP_JOIN_TYPES", "GCP_MAPPERS", "ssl_policy_self_link"]
