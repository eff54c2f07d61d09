"""Cloud Asset records -> typed models: one small builder per asset type, declared as data.

A builder receives the asset's ``resource.data`` (the service's REST shape) and the fields every
GCP model shares (``id``, ``name``, ``account``, ``region``, ``tags``, ``ancestors``) and returns
the model. IAM policies and org policies are joined on by :mod:`auditor.collect.gcp.assemble`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.core.model.gcp.alloydb import AlloyDbCluster, AlloyDbInstance
from auditor.core.model.gcp.bigquery import Dataset
from auditor.core.model.gcp.common import AuditConfig, AuditLogConfig, GcpResource, IamBinding
from auditor.core.model.gcp.compute import (
    Disk,
    SslPolicy,
    TargetHttpProxy,
    TargetHttpsProxy,
    TargetSslProxy,
    UrlMap,
)
from auditor.core.model.gcp.iam import ServiceAccountKey
from auditor.core.model.gcp.kms import CryptoKey
from auditor.core.model.gcp.orgpolicy import OrgPolicy
from auditor.core.model.gcp.redis import RedisInstance
from auditor.core.model.gcp.resourcemanager import Folder, Organization, Project
from auditor.core.model.gcp.serviceusage import Service
from auditor.core.model.gcp.sql import SqlInstance
from auditor.core.model.gcp.storage import Bucket

Data = Mapping[str, Any]
Builder = Callable[[Data, dict[str, Any]], GcpResource]

CRM_PREFIX = "//cloudresourcemanager.googleapis.com/"


@dataclass(frozen=True)
class AssetKind:
    """How one Cloud Asset type becomes a model."""

    model: type[GcpResource]
    build: Builder
    group: str  # the ListAssets call (one per service) that lists it
    has_iam_policy: bool = False  # an IAM policy always exists: a missing one is a gap


def dig(data: Data, path: str) -> Any:
    """``data[a][b]...`` for ``"a.b"``, or None when any step is absent."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def strip_version(key: str | None) -> str | None:
    """A KMS key name without ``/cryptoKeyVersions/N``."""
    if key is None:
        return None
    return key.split("/cryptoKeyVersions/", 1)[0]


def tls_version(raw: Any) -> str | None:
    """``TLS_1_2`` -> ``1.2``."""
    if not isinstance(raw, str) or not raw.startswith("TLS_"):
        return None
    return raw[4:].replace("_", ".")


def duration_days(raw: Any) -> float | None:
    """A protobuf Duration string (``7776000s``) in days."""
    if not isinstance(raw, str) or not raw.endswith("s"):
        return None
    try:
        return round(float(raw[:-1]) / 86400, 4)
    except ValueError:
        return None


def iam_bindings(policy: Data) -> list[IamBinding]:
    return [
        IamBinding(
            role=str(b.get("role", "")),
            members=[str(m) for m in b.get("members", [])],
            condition=_str(dig(b, "condition.expression")),
        )
        for b in policy.get("bindings", [])
    ]


def audit_configs(policy: Data) -> list[AuditConfig]:
    return [
        AuditConfig(
            service=str(c.get("service", "")),
            audit_log_configs=[
                AuditLogConfig(
                    log_type=str(lc.get("logType", "")),
                    exempted_members=[str(m) for m in lc.get("exemptedMembers", [])],
                )
                for lc in c.get("auditLogConfigs", [])
            ],
        )
        for c in policy.get("auditConfigs", [])
    ]


def org_policy(base: dict[str, Any], attached_to: str, policy: Data) -> OrgPolicy:
    constraint = str(policy.get("constraint", ""))
    short = constraint.removeprefix("constraints/")
    list_policy = policy.get("listPolicy") or {}
    return OrgPolicy(
        **{**base, "id": f"{base['id']}/policies/{short}", "name": constraint},
        attached_to=attached_to,
        constraint=constraint,
        enforced=_bool(dig(policy, "booleanPolicy.enforced")),
        allowed_values=[str(v) for v in list_policy.get("allowedValues", [])],
        denied_values=[str(v) for v in list_policy.get("deniedValues", [])],
        all_values=_str(list_policy.get("allValues")),
        inherit_from_parent=bool(list_policy.get("inheritFromParent", False)),
        restore_default="restoreDefault" in policy,
    )


# -- builders -----------------------------------------------------------------------------


def _organization(data: Data, base: dict[str, Any]) -> GcpResource:
    return Organization(
        **{**base, "name": _str(data.get("displayName")) or base["name"]},
        path=str(data.get("name") or base["id"].removeprefix(CRM_PREFIX)),
        display_name=_str(data.get("displayName")),
        lifecycle_state=_str(data.get("lifecycleState") or data.get("state")),
        directory_customer_id=_str(
            dig(data, "owner.directoryCustomerId") or data.get("directoryCustomerId")
        ),
    )


def _folder(data: Data, base: dict[str, Any]) -> GcpResource:
    return Folder(
        **{**base, "name": _str(data.get("displayName")) or base["name"]},
        path=str(data.get("name") or base["id"].removeprefix(CRM_PREFIX)),
        display_name=_str(data.get("displayName")),
        lifecycle_state=_str(data.get("lifecycleState") or data.get("state")),
        parent=_str(data.get("parent")),
    )


def _project(data: Data, base: dict[str, Any]) -> GcpResource:
    parent = data.get("parent")
    if isinstance(parent, Mapping):  # v1: {"type": "folder", "id": "111"}
        parent = f"{parent.get('type')}s/{parent.get('id')}" if parent.get("id") else None
    number = str(data.get("projectNumber") or base["id"].rsplit("/", 1)[-1]).split(".")[0]
    return Project(
        **{**base, "name": str(data.get("projectId") or base["account"])},
        path=f"projects/{number}",
        display_name=_str(data.get("name") or data.get("displayName")),
        lifecycle_state=_str(data.get("lifecycleState") or data.get("state")),
        project_id=str(data.get("projectId") or base["account"]),
        project_number=number,
        parent=_str(parent),
    )


def _sql(data: Data, base: dict[str, Any]) -> GcpResource:
    return SqlInstance(
        **base,
        database_version=_str(data.get("databaseVersion")),
        state=_str(data.get("state")),
        instance_type=_str(data.get("instanceType")),
        ssl_mode=_str(dig(data, "settings.ipConfiguration.sslMode")),
        require_ssl=_bool(dig(data, "settings.ipConfiguration.requireSsl")),
        ipv4_enabled=_bool(dig(data, "settings.ipConfiguration.ipv4Enabled")),
        kms_key_name=strip_version(_str(dig(data, "diskEncryptionConfiguration.kmsKeyName"))),
    )


def _bucket(data: Data, base: dict[str, Any]) -> GcpResource:
    return Bucket(
        **base,
        default_kms_key_name=strip_version(_str(dig(data, "encryption.defaultKmsKeyName"))),
        uniform_bucket_level_access=_bool(
            dig(data, "iamConfiguration.uniformBucketLevelAccess.enabled")
        ),
        public_access_prevention=_str(dig(data, "iamConfiguration.publicAccessPrevention")),
    )


def _dataset(data: Data, base: dict[str, Any]) -> GcpResource:
    return Dataset(
        **base,
        default_kms_key_name=strip_version(
            _str(dig(data, "defaultEncryptionConfiguration.kmsKeyName"))
        ),
    )


def _disk(data: Data, base: dict[str, Any]) -> GcpResource:
    return Disk(
        **base,
        self_link=_str(data.get("selfLink")),
        kms_key_name=strip_version(_str(dig(data, "diskEncryptionKey.kmsKeyName"))),
        customer_supplied_key=dig(data, "diskEncryptionKey.sha256") is not None,
    )


def _ssl_policy(data: Data, base: dict[str, Any]) -> GcpResource:
    return SslPolicy(
        **base,
        self_link=_str(data.get("selfLink")),
        profile=_str(data.get("profile")),
        # minTlsVersion defaults to TLS_1_0 when unset (compute v1 SslPolicy)
        min_tls_version=tls_version(data.get("minTlsVersion") or "TLS_1_0"),
    )


def _https_proxy(data: Data, base: dict[str, Any]) -> GcpResource:
    return TargetHttpsProxy(
        **base,
        self_link=_str(data.get("selfLink")),
        ssl_policy=_str(data.get("sslPolicy")),
        url_map=_str(data.get("urlMap")),
    )


def _ssl_proxy(data: Data, base: dict[str, Any]) -> GcpResource:
    return TargetSslProxy(
        **base,
        self_link=_str(data.get("selfLink")),
        ssl_policy=_str(data.get("sslPolicy")),
        backend_service=_str(data.get("service")),
    )


def _http_proxy(data: Data, base: dict[str, Any]) -> GcpResource:
    return TargetHttpProxy(
        **base, self_link=_str(data.get("selfLink")), url_map=_str(data.get("urlMap"))
    )


def _url_map(data: Data, base: dict[str, Any]) -> GcpResource:
    return UrlMap(
        **base,
        self_link=_str(data.get("selfLink")),
        https_redirect=_bool(dig(data, "defaultUrlRedirect.httpsRedirect")),
        default_service=_str(data.get("defaultService")),
    )


def _crypto_key(data: Data, base: dict[str, Any]) -> GcpResource:
    return CryptoKey(
        **base,
        purpose=_str(data.get("purpose")),
        algorithm=_str(dig(data, "versionTemplate.algorithm") or dig(data, "primary.algorithm")),
        protection_level=_str(dig(data, "versionTemplate.protectionLevel")),
        primary_state=_str(dig(data, "primary.state")),
        rotation_period_days=duration_days(data.get("rotationPeriod")),
        next_rotation_time=_str(data.get("nextRotationTime")),
    )


def _alloydb_cluster(data: Data, base: dict[str, Any]) -> GcpResource:
    return AlloyDbCluster(
        **base,
        kms_key_name=strip_version(_str(dig(data, "encryptionConfig.kmsKeyName"))),
        database_version=_str(data.get("databaseVersion")),
    )


def _alloydb_instance(data: Data, base: dict[str, Any]) -> GcpResource:
    return AlloyDbInstance(
        **base,
        instance_type=_str(data.get("instanceType")),
        ssl_mode=_str(dig(data, "clientConnectionConfig.sslConfig.sslMode")),
        require_connectors=_bool(dig(data, "clientConnectionConfig.requireConnectors")),
    )


def _redis(data: Data, base: dict[str, Any]) -> GcpResource:
    return RedisInstance(
        **base,
        tier=_str(data.get("tier")),
        # transitEncryptionMode unset means DISABLED (redis v1 Instance)
        transit_encryption_mode=_str(data.get("transitEncryptionMode") or "DISABLED"),
        auth_enabled=_bool(data.get("authEnabled")),
        customer_managed_key=strip_version(_str(data.get("customerManagedKey"))),
    )


def _sa_key(data: Data, base: dict[str, Any]) -> GcpResource:
    name = str(data.get("name") or base["id"])
    account = (
        name.split("/serviceAccounts/", 1)[-1].split("/keys/", 1)[0]
        if "/serviceAccounts/" in name
        else None
    )
    return ServiceAccountKey(
        **base,
        service_account=account,
        key_type=_str(data.get("keyType")),
        disabled=bool(data.get("disabled", False)),
        valid_after_time=_str(data.get("validAfterTime")),
    )


def _service(data: Data, base: dict[str, Any]) -> GcpResource:
    api = dig(data, "config.name") or str(data.get("name") or base["id"]).rsplit("/", 1)[-1]
    return Service(**{**base, "name": str(api)}, service=str(api), state=_str(data.get("state")))


ASSET_KINDS: dict[str, AssetKind] = {
    "cloudresourcemanager.googleapis.com/Organization": AssetKind(
        Organization, _organization, "resourcemanager", True
    ),
    "cloudresourcemanager.googleapis.com/Folder": AssetKind(
        Folder, _folder, "resourcemanager", True
    ),
    "cloudresourcemanager.googleapis.com/Project": AssetKind(
        Project, _project, "resourcemanager", True
    ),
    "serviceusage.googleapis.com/Service": AssetKind(Service, _service, "serviceusage"),
    "sqladmin.googleapis.com/Instance": AssetKind(SqlInstance, _sql, "sql"),
    "storage.googleapis.com/Bucket": AssetKind(Bucket, _bucket, "storage", True),
    "bigquery.googleapis.com/Dataset": AssetKind(Dataset, _dataset, "bigquery"),
    "compute.googleapis.com/Disk": AssetKind(Disk, _disk, "compute"),
    "compute.googleapis.com/SslPolicy": AssetKind(SslPolicy, _ssl_policy, "compute"),
    "compute.googleapis.com/TargetHttpsProxy": AssetKind(TargetHttpsProxy, _https_proxy, "compute"),
    "compute.googleapis.com/TargetSslProxy": AssetKind(TargetSslProxy, _ssl_proxy, "compute"),
    "compute.googleapis.com/TargetHttpProxy": AssetKind(TargetHttpProxy, _http_proxy, "compute"),
    "compute.googleapis.com/UrlMap": AssetKind(UrlMap, _url_map, "compute"),
    "cloudkms.googleapis.com/CryptoKey": AssetKind(CryptoKey, _crypto_key, "kms"),
    "alloydb.googleapis.com/Cluster": AssetKind(AlloyDbCluster, _alloydb_cluster, "alloydb"),
    "alloydb.googleapis.com/Instance": AssetKind(AlloyDbInstance, _alloydb_instance, "alloydb"),
    "redis.googleapis.com/Instance": AssetKind(RedisInstance, _redis, "redis"),
    "iam.googleapis.com/ServiceAccountKey": AssetKind(ServiceAccountKey, _sa_key, "iam"),
}

#: Asset types whose IAM policy the IAM_POLICY listing reads.
IAM_ASSET_TYPES: tuple[str, ...] = tuple(t for t, k in ASSET_KINDS.items() if k.has_iam_policy)

#: Asset types that carry organization policies (ORG_POLICY content).
ORG_POLICY_ASSET_TYPES: tuple[str, ...] = (
    "cloudresourcemanager.googleapis.com/Organization",
    "cloudresourcemanager.googleapis.com/Folder",
    "cloudresourcemanager.googleapis.com/Project",
)


def resource_groups() -> dict[str, list[str]]:
    """ListAssets RESOURCE calls: group name -> asset types (one call per service)."""
    groups: dict[str, list[str]] = {}
    for asset_type, kind in ASSET_KINDS.items():
        groups.setdefault(kind.group, []).append(asset_type)
    return groups


__all__ = [
    "ASSET_KINDS",
    "CRM_PREFIX",
    "IAM_ASSET_TYPES",
    "ORG_POLICY_ASSET_TYPES",
    "AssetKind",
    "audit_configs",
    "dig",
    "duration_days",
    "iam_bindings",
    "org_policy",
    "resource_groups",
    "strip_version",
    "tls_version",
]
