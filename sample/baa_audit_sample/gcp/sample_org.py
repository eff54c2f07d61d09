"""The sample organization the demo, the tests and the benchmark scan.

Every asset is held as Cloud Asset Inventory returns it (and ``gcloud asset export`` writes it):
``name``, ``assetType``, ``ancestors``, ``resource`` (``resource.data`` in the service's REST
shape), ``iamPolicy`` and ``orgPolicy``. Field names follow Google's discovery documents
(sqladmin v1, storage v1, bigquery v2, compute v1, cloudkms v1, alloydb v1, redis v1, iam v1,
serviceusage v1, cloudresourcemanager v1, cloudasset v1 ``GoogleCloudOrgpolicyV1Policy``).

The organization ``organizations/123456789012`` ("example-health.org"):

* folder ``folders/111111111111`` "clinical", holding
  * ``phi-prod`` (1001): the compliant project: CMEK everywhere, TLS 1.2+ policies, redirects;
  * ``phi-analytics`` (1002): the non-compliant one: weak TLS, public bucket, primitive roles,
    a deleted member, a user-managed key, the Generative Language API enabled;
* folder ``folders/222222222222`` "sandbox", whose audit config exempts a user from DATA_READ,
  which grants a user a primitive role and restores the default CMEK policy, holding
  ``sandbox-dev`` (1003), readable by allAuthenticatedUsers.

The organization's IAM policy turns on Data Access logs for ``allServices``, so every project
below inherits them.
"""

from __future__ import annotations

from typing import Any

ORG_ID = "123456789012"
ORG = f"organizations/{ORG_ID}"
CLINICAL = "folders/111111111111"
SANDBOX = "folders/222222222222"
CUSTOMER_ID = "C0abc123"

PROJECTS: dict[str, tuple[str, str]] = {
    # project id: (project number, parent folder)
    "phi-prod": ("1001", CLINICAL),
    "phi-analytics": ("1002", CLINICAL),
    "sandbox-dev": ("1003", SANDBOX),
}

_DISCOVERY = {
    "cloudresourcemanager": "https://cloudresourcemanager.googleapis.com/$discovery/rest",
    "sqladmin": "https://sqladmin.googleapis.com/$discovery/rest",
    "storage": "https://www.googleapis.com/discovery/v1/apis/storage/v1/rest",
    "bigquery": "https://www.googleapis.com/discovery/v1/apis/bigquery/v2/rest",
    "compute": "https://www.googleapis.com/discovery/v1/apis/compute/v1/rest",
    "cloudkms": "https://cloudkms.googleapis.com/$discovery/rest",
    "alloydb": "https://alloydb.googleapis.com/$discovery/rest",
    "redis": "https://redis.googleapis.com/$discovery/rest",
    "iam": "https://iam.googleapis.com/$discovery/rest",
    "serviceusage": "https://serviceusage.googleapis.com/$discovery/rest",
}

ALL_DATA_ACCESS = {
    "service": "allServices",
    "auditLogConfigs": [
        {"logType": "ADMIN_READ"},
        {"logType": "DATA_READ"},
        {"logType": "DATA_WRITE"},
    ],
}


def _ancestors(project_id: str | None = None, folder: str | None = None) -> list[str]:
    chain: list[str] = []
    if project_id is not None:
        number, folder = PROJECTS[project_id]
        chain.append(f"projects/{number}")
    if folder is not None:
        chain.append(folder)
    chain.append(ORG)
    return chain


def asset(
    name: str,
    asset_type: str,
    data: dict[str, Any] | None,
    *,
    project_id: str | None = None,
    folder: str | None = None,
    version: str = "v1",
    location: str | None = None,
    iam_policy: dict[str, Any] | None = None,
    org_policy: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One asset record in the shape ListAssets returns and ``gcloud asset export`` writes."""
    service = asset_type.split(".", 1)[0]
    ancestors = _ancestors(project_id, folder)
    record: dict[str, Any] = {
        "name": name,
        "assetType": asset_type,
        "ancestors": ancestors,
        "updateTime": "2026-11-20T08:00:00Z",
    }
    if data is not None:
        resource: dict[str, Any] = {
            "version": version,
            "discoveryDocumentUri": _DISCOVERY.get(service, ""),
            "discoveryName": asset_type.rsplit("/", 1)[1],
            "data": data,
        }
        if project_id is not None:
            resource["parent"] = f"//cloudresourcemanager.googleapis.com/{ancestors[0]}"
        if location is not None:
            resource["location"] = location
        record["resource"] = resource
    if iam_policy is not None:
        record["iamPolicy"] = iam_policy
    if org_policy:
        record["orgPolicy"] = org_policy
    return record


def _crm(kind: str, ref: str) -> str:
    return f"//cloudresourcemanager.googleapis.com/{ref}" if kind else ref


def hierarchy() -> list[dict[str, Any]]:
    """The organization, its folders and projects, with IAM and org policies."""
    records = [
        asset(
            _crm("o", ORG),
            "cloudresourcemanager.googleapis.com/Organization",
            {
                "name": ORG,
                "displayName": "example-health.org",
                "lifecycleState": "ACTIVE",
                "owner": {"directoryCustomerId": CUSTOMER_ID},
                "creationTime": "2019-03-01T10:00:00Z",
            },
            iam_policy={
                "version": 3,
                "bindings": [
                    {
                        "role": "roles/resourcemanager.organizationAdmin",
                        "members": ["group:gcp-admins@example-health.org"],
                    },
                    {
                        "role": "roles/securityReviewer",
                        "members": ["group:auditors@example-health.org"],
                    },
                ],
                "auditConfigs": [ALL_DATA_ACCESS],
            },
            org_policy=[
                {
                    "constraint": "constraints/gcp.restrictNonCmekServices",
                    "listPolicy": {
                        "deniedValues": [
                            "sqladmin.googleapis.com",
                            "storage.googleapis.com",
                            "bigquery.googleapis.com",
                            "compute.googleapis.com",
                        ]
                    },
                    "updateTime": "2026-01-10T00:00:00Z",
                },
                {
                    "constraint": "constraints/vertexai.allowedModels",
                    "listPolicy": {
                        "allowedValues": ["publishers/google/models/gemini-2.5-pro:predict"]
                    },
                    "updateTime": "2026-01-10T00:00:00Z",
                },
                {
                    "constraint": "constraints/iam.disableServiceAccountKeyCreation",
                    "booleanPolicy": {"enforced": False},
                },
            ],
        ),
        asset(
            _crm("f", CLINICAL),
            "cloudresourcemanager.googleapis.com/Folder",
            {
                "name": CLINICAL,
                "displayName": "clinical",
                "parent": ORG,
                "lifecycleState": "ACTIVE",
            },
            folder=CLINICAL,
            iam_policy={
                "bindings": [
                    {"role": "roles/viewer", "members": ["group:clinical-eng@example-health.org"]}
                ]
            },
        ),
        asset(
            _crm("f", SANDBOX),
            "cloudresourcemanager.googleapis.com/Folder",
            {"name": SANDBOX, "displayName": "sandbox", "parent": ORG, "lifecycleState": "ACTIVE"},
            folder=SANDBOX,
            iam_policy={
                "bindings": [
                    {"role": "roles/editor", "members": ["group:developers@example-health.org"]},
                    {"role": "roles/owner", "members": ["user:dev-lead@example-health.org"]},
                ],
                "auditConfigs": [
                    {
                        "service": "allServices",
                        "auditLogConfigs": [
                            {
                                "logType": "DATA_READ",
                                "exemptedMembers": ["user:load-tester@example-health.org"],
                            }
                        ],
                    }
                ],
            },
            org_policy=[
                {"constraint": "constraints/gcp.restrictNonCmekServices", "restoreDefault": {}},
            ],
        ),
    ]
    project_iam = {
        "phi-prod": {
            "bindings": [
                {"role": "roles/owner", "members": ["group:gcp-admins@example-health.org"]},
                {
                    "role": "roles/cloudsql.client",
                    "members": ["serviceAccount:app@phi-prod.iam.gserviceaccount.com"],
                },
            ]
        },
        "phi-analytics": {
            "bindings": [
                {"role": "roles/owner", "members": ["user:alice@example-health.org"]},
                {
                    "role": "roles/editor",
                    "members": ["user:bob@example-health.org", "group:analysts@example-health.org"],
                },
                {
                    "role": "roles/bigquery.dataViewer",
                    "members": ["deleted:user:carol@example-health.org?uid=123456789"],
                },
            ]
        },
        "sandbox-dev": {
            "bindings": [
                {"role": "roles/owner", "members": ["group:developers@example-health.org"]},
                {"role": "roles/viewer", "members": ["allAuthenticatedUsers"]},
            ],
        },
    }
    project_org_policies = {
        # someone opened Vertex AI to every model in the analytics project
        "phi-analytics": [
            {
                "constraint": "constraints/vertexai.allowedModels",
                "listPolicy": {"allValues": "ALLOW"},
            }
        ],
    }
    for project_id, (number, folder) in PROJECTS.items():
        records.append(
            asset(
                _crm("p", f"projects/{number}"),
                "cloudresourcemanager.googleapis.com/Project",
                {
                    "projectNumber": number,
                    "projectId": project_id,
                    "lifecycleState": "ACTIVE",
                    "name": project_id,
                    "parent": {"type": "folder", "id": folder.split("/", 1)[1]},
                    "labels": {"data-classification": "phi"}
                    if project_id.startswith("phi")
                    else {},
                    "createTime": "2024-05-01T00:00:00Z",
                },
                project_id=project_id,
                iam_policy=project_iam[project_id],
                org_policy=project_org_policies.get(project_id),
            )
        )
    return records


def _key(project: str, ring: str, key: str) -> str:
    return f"projects/{project}/locations/us/keyRings/{ring}/cryptoKeys/{key}"


def services() -> list[dict[str, Any]]:
    enabled = {
        "phi-prod": [
            "sqladmin.googleapis.com",
            "storage.googleapis.com",
            "bigquery.googleapis.com",
            "compute.googleapis.com",
            "cloudkms.googleapis.com",
            "aiplatform.googleapis.com",
            "alloydb.googleapis.com",
            "redis.googleapis.com",
            "logging.googleapis.com",
        ],
        "phi-analytics": [
            "sqladmin.googleapis.com",
            "storage.googleapis.com",
            "bigquery.googleapis.com",
            "compute.googleapis.com",
            "generativelanguage.googleapis.com",
            "redis.googleapis.com",
            "aiplatform.googleapis.com",
        ],
        "sandbox-dev": [
            "compute.googleapis.com",
            "storage.googleapis.com",
            "exampleunknown.googleapis.com",
        ],
    }
    records: list[dict[str, Any]] = []
    for project_id, apis in enabled.items():
        number = PROJECTS[project_id][0]
        for api in apis:
            records.append(
                asset(
                    f"//serviceusage.googleapis.com/projects/{number}/services/{api}",
                    "serviceusage.googleapis.com/Service",
                    {
                        "name": f"projects/{number}/services/{api}",
                        "parent": f"projects/{number}",
                        "state": "ENABLED",
                        "config": {"name": api, "title": api.split(".")[0]},
                    },
                    project_id=project_id,
                )
            )
    records.append(
        asset(
            "//serviceusage.googleapis.com/projects/1001/services/generativelanguage.googleapis.com",
            "serviceusage.googleapis.com/Service",
            {
                "name": "projects/1001/services/generativelanguage.googleapis.com",
                "parent": "projects/1001",
                "state": "DISABLED",
                "config": {"name": "generativelanguage.googleapis.com"},
            },
            project_id="phi-prod",
        )
    )
    return records


def storage_assets() -> list[dict[str, Any]]:
    prod_key = _key("phi-prod", "phi", "storage")
    return [
        asset(
            "//storage.googleapis.com/phi-prod-records",
            "storage.googleapis.com/Bucket",
            {
                "name": "phi-prod-records",
                "id": "phi-prod-records",
                "location": "US",
                "storageClass": "STANDARD",
                "encryption": {"defaultKmsKeyName": prod_key},
                "iamConfiguration": {
                    "uniformBucketLevelAccess": {"enabled": True},
                    "publicAccessPrevention": "enforced",
                },
                "labels": {"data-classification": "phi"},
            },
            project_id="phi-prod",
            location="us",
            iam_policy={
                "bindings": [
                    {
                        "role": "roles/storage.objectViewer",
                        "members": ["serviceAccount:app@phi-prod.iam.gserviceaccount.com"],
                    }
                ]
            },
        ),
        asset(
            "//storage.googleapis.com/phi-analytics-exports",
            "storage.googleapis.com/Bucket",
            {
                "name": "phi-analytics-exports",
                "id": "phi-analytics-exports",
                "location": "US",
                "storageClass": "STANDARD",
                "iamConfiguration": {
                    "uniformBucketLevelAccess": {"enabled": False},
                    "publicAccessPrevention": "inherited",
                },
                "labels": {"data-classification": "phi"},
            },
            project_id="phi-analytics",
            location="us",
            iam_policy={
                "bindings": [
                    {"role": "roles/storage.objectViewer", "members": ["allUsers"]},
                    {
                        "role": "roles/storage.legacyBucketReader",
                        "members": ["allAuthenticatedUsers"],
                    },
                ]
            },
        ),
    ]


def sql_assets() -> list[dict[str, Any]]:
    def instance(
        project: str, name: str, ssl_mode: str, require_ssl: bool, kms: str | None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": name,
            "project": project,
            "region": "us-central1",
            "databaseVersion": "POSTGRES_16",
            "backendType": "SECOND_GEN",
            "instanceType": "CLOUD_SQL_INSTANCE",
            "state": "RUNNABLE",
            "settings": {
                "tier": "db-custom-2-7680",
                "ipConfiguration": {
                    "ipv4Enabled": False,
                    "privateNetwork": f"projects/{project}/global/networks/default",
                    "requireSsl": require_ssl,
                    "sslMode": ssl_mode,
                },
                "userLabels": {"data-classification": "phi"},
            },
        }
        if kms:
            data["diskEncryptionConfiguration"] = {
                "kmsKeyName": kms,
                "kind": "sql#diskEncryptionConfiguration",
            }
            data["diskEncryptionStatus"] = {
                "kmsKeyVersionName": kms + "/cryptoKeyVersions/1",
                "kind": "sql#diskEncryptionStatus",
            }
        return asset(
            f"//cloudsql.googleapis.com/projects/{project}/instances/{name}",
            "sqladmin.googleapis.com/Instance",
            data,
            project_id=project,
            version="v1beta4",
            location="us-central1",
        )

    return [
        instance("phi-prod", "records-db", "ENCRYPTED_ONLY", True, _key("phi-prod", "phi", "sql")),
        instance("phi-analytics", "warehouse-db", "ALLOW_UNENCRYPTED_AND_ENCRYPTED", False, None),
    ]


def bigquery_assets() -> list[dict[str, Any]]:
    def dataset(project: str, name: str, kms: str | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": f"{project}:{name}",
            "datasetReference": {"projectId": project, "datasetId": name},
            "location": "US",
            "labels": {"data-classification": "phi"},
        }
        if kms:
            data["defaultEncryptionConfiguration"] = {"kmsKeyName": kms}
        return asset(
            f"//bigquery.googleapis.com/projects/{project}/datasets/{name}",
            "bigquery.googleapis.com/Dataset",
            data,
            project_id=project,
            version="v2",
            location="US",
        )

    return [
        dataset("phi-prod", "claims", _key("phi-prod", "phi", "bigquery")),
        dataset("phi-analytics", "cohorts", None),
    ]


def compute_assets() -> list[dict[str, Any]]:
    def c(
        project: str, kind: str, path: str, data: dict[str, Any], location: str = "global"
    ) -> dict[str, Any]:
        self_link = f"https://www.googleapis.com/compute/v1/projects/{project}/{path}"
        data = {"selfLink": self_link, "kind": f"compute#{kind[0].lower()}{kind[1:]}", **data}
        return asset(
            f"//compute.googleapis.com/projects/{project}/{path}",
            f"compute.googleapis.com/{kind}",
            data,
            project_id=project,
            location=location,
        )

    def link(project: str, path: str) -> str:
        return f"https://www.googleapis.com/compute/v1/projects/{project}/{path}"

    return [
        c(
            "phi-prod",
            "Disk",
            "zones/us-central1-a/disks/app-1",
            {
                "name": "app-1",
                "id": "9001",
                "sizeGb": "50",
                "zone": link("phi-prod", "zones/us-central1-a"),
                "diskEncryptionKey": {
                    "kmsKeyName": _key("phi-prod", "phi", "disk") + "/cryptoKeyVersions/1"
                },
                "status": "READY",
            },
            "us-central1-a",
        ),
        c(
            "phi-analytics",
            "Disk",
            "zones/us-central1-a/disks/etl-1",
            {
                "name": "etl-1",
                "id": "9002",
                "sizeGb": "100",
                "zone": link("phi-analytics", "zones/us-central1-a"),
                "status": "READY",
            },
            "us-central1-a",
        ),
        c(
            "phi-prod",
            "SslPolicy",
            "global/sslPolicies/tls13-only",
            {
                "name": "tls13-only",
                "id": "7001",
                "profile": "RESTRICTED",
                "minTlsVersion": "TLS_1_3",
            },
        ),
        c(
            "phi-prod",
            "SslPolicy",
            "global/sslPolicies/tls12-modern",
            {"name": "tls12-modern", "id": "7002", "profile": "MODERN", "minTlsVersion": "TLS_1_2"},
        ),
        c(
            "phi-analytics",
            "SslPolicy",
            "global/sslPolicies/legacy-compat",
            {
                "name": "legacy-compat",
                "id": "7003",
                "profile": "COMPATIBLE",
                "minTlsVersion": "TLS_1_0",
            },
        ),
        c(
            "phi-prod",
            "TargetHttpsProxy",
            "global/targetHttpsProxies/portal-https",
            {
                "name": "portal-https",
                "id": "6001",
                "urlMap": link("phi-prod", "global/urlMaps/portal"),
                "sslPolicy": link("phi-prod", "global/sslPolicies/tls13-only"),
                "sslCertificates": [link("phi-prod", "global/sslCertificates/portal")],
            },
        ),
        c(
            "phi-analytics",
            "TargetHttpsProxy",
            "global/targetHttpsProxies/reports-https",
            {
                "name": "reports-https",
                "id": "6002",
                "urlMap": link("phi-analytics", "global/urlMaps/reports"),
                "sslCertificates": [link("phi-analytics", "global/sslCertificates/reports")],
            },
        ),
        c(
            "phi-prod",
            "TargetSslProxy",
            "global/targetSslProxies/mllp-ssl",
            {
                "name": "mllp-ssl",
                "id": "6006",
                "service": link("phi-prod", "global/backendServices/mllp"),
                "sslPolicy": link("phi-prod", "global/sslPolicies/tls13-only"),
                "sslCertificates": [link("phi-prod", "global/sslCertificates/mllp")],
            },
        ),
        c(
            "phi-analytics",
            "TargetSslProxy",
            "global/targetSslProxies/hl7-ssl",
            {
                "name": "hl7-ssl",
                "id": "6003",
                "service": link("phi-analytics", "global/backendServices/hl7"),
                "sslPolicy": link("phi-analytics", "global/sslPolicies/legacy-compat"),
                "sslCertificates": [link("phi-analytics", "global/sslCertificates/hl7")],
            },
        ),
        c(
            "phi-prod",
            "TargetHttpProxy",
            "global/targetHttpProxies/portal-http",
            {
                "name": "portal-http",
                "id": "6004",
                "urlMap": link("phi-prod", "global/urlMaps/portal-redirect"),
            },
        ),
        c(
            "phi-analytics",
            "TargetHttpProxy",
            "global/targetHttpProxies/reports-http",
            {
                "name": "reports-http",
                "id": "6005",
                "urlMap": link("phi-analytics", "global/urlMaps/reports"),
            },
        ),
        c(
            "phi-prod",
            "UrlMap",
            "global/urlMaps/portal-redirect",
            {
                "name": "portal-redirect",
                "id": "5001",
                "defaultUrlRedirect": {
                    "httpsRedirect": True,
                    "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT",
                    "stripQuery": False,
                },
            },
        ),
        c(
            "phi-prod",
            "UrlMap",
            "global/urlMaps/portal",
            {
                "name": "portal",
                "id": "5002",
                "defaultService": link("phi-prod", "global/backendServices/portal"),
            },
        ),
        c(
            "phi-analytics",
            "UrlMap",
            "global/urlMaps/reports",
            {
                "name": "reports",
                "id": "5003",
                "defaultService": link("phi-analytics", "global/backendServices/reports"),
            },
        ),
    ]


def kms_assets() -> list[dict[str, Any]]:
    def key(
        project: str,
        name: str,
        rotation: str | None,
        algorithm: str = "GOOGLE_SYMMETRIC_ENCRYPTION",
    ) -> dict[str, Any]:
        full = _key(project, "phi", name)
        data: dict[str, Any] = {
            "name": full,
            "purpose": "ENCRYPT_DECRYPT",
            "createTime": "2025-01-01T00:00:00Z",
            "primary": {
                "name": full + "/cryptoKeyVersions/1",
                "state": "ENABLED",
                "algorithm": algorithm,
                "protectionLevel": "SOFTWARE",
            },
            "versionTemplate": {"algorithm": algorithm, "protectionLevel": "SOFTWARE"},
        }
        if rotation:
            data["rotationPeriod"] = rotation
            data["nextRotationTime"] = "2027-01-01T00:00:00Z"
        return asset(
            f"//cloudkms.googleapis.com/{full}",
            "cloudkms.googleapis.com/CryptoKey",
            data,
            project_id=project,
            location="us",
        )

    return [
        key("phi-prod", "storage", "7776000s"),
        key("phi-prod", "sql", "7776000s"),
        key("phi-prod", "bigquery", "7776000s"),
        key("phi-prod", "disk", "31536000s"),
        key("phi-analytics", "legacy", None),
        key("phi-analytics", "aes128", "7776000s", "AES_128_GCM"),
    ]


def database_assets() -> list[dict[str, Any]]:
    loc = "locations/us-central1"
    return [
        asset(
            f"//alloydb.googleapis.com/projects/phi-analytics/{loc}/clusters/warehouse",
            "alloydb.googleapis.com/Cluster",
            {
                "name": f"projects/phi-analytics/{loc}/clusters/warehouse",
                "state": "READY",
                "databaseVersion": "POSTGRES_15",
            },
            project_id="phi-analytics",
            location="us-central1",
        ),
        asset(
            f"//alloydb.googleapis.com/projects/phi-prod/{loc}/clusters/ehr",
            "alloydb.googleapis.com/Cluster",
            {
                "name": f"projects/phi-prod/{loc}/clusters/ehr",
                "state": "READY",
                "databaseVersion": "POSTGRES_16",
                "encryptionConfig": {"kmsKeyName": _key("phi-prod", "phi", "sql")},
            },
            project_id="phi-prod",
            location="us-central1",
        ),
        asset(
            f"//alloydb.googleapis.com/projects/phi-prod/{loc}/clusters/ehr/instances/primary",
            "alloydb.googleapis.com/Instance",
            {
                "name": f"projects/phi-prod/{loc}/clusters/ehr/instances/primary",
                "instanceType": "PRIMARY",
                "state": "READY",
                "clientConnectionConfig": {
                    "requireConnectors": False,
                    "sslConfig": {"sslMode": "ENCRYPTED_ONLY", "caSource": "CA_SOURCE_MANAGED"},
                },
            },
            project_id="phi-prod",
            location="us-central1",
        ),
        asset(
            f"//alloydb.googleapis.com/projects/phi-prod/{loc}/clusters/ehr/instances/reporting",
            "alloydb.googleapis.com/Instance",
            {
                "name": f"projects/phi-prod/{loc}/clusters/ehr/instances/reporting",
                "instanceType": "READ_POOL",
                "state": "READY",
                "clientConnectionConfig": {
                    "requireConnectors": False,
                    "sslConfig": {
                        "sslMode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                        "caSource": "CA_SOURCE_MANAGED",
                    },
                },
            },
            project_id="phi-prod",
            location="us-central1",
        ),
        asset(
            f"//redis.googleapis.com/projects/phi-prod/{loc}/instances/sessions",
            "redis.googleapis.com/Instance",
            {
                "name": f"projects/phi-prod/{loc}/instances/sessions",
                "tier": "STANDARD_HA",
                "redisVersion": "REDIS_7_2",
                "state": "READY",
                "authEnabled": True,
                "transitEncryptionMode": "SERVER_AUTHENTICATION",
                "customerManagedKey": _key("phi-prod", "phi", "storage"),
            },
            project_id="phi-prod",
            location="us-central1",
        ),
        asset(
            f"//redis.googleapis.com/projects/phi-analytics/{loc}/instances/cache",
            "redis.googleapis.com/Instance",
            {
                "name": f"projects/phi-analytics/{loc}/instances/cache",
                "tier": "BASIC",
                "redisVersion": "REDIS_6_X",
                "state": "READY",
                "authEnabled": False,
                "transitEncryptionMode": "DISABLED",
            },
            project_id="phi-analytics",
            location="us-central1",
        ),
    ]


def iam_assets() -> list[dict[str, Any]]:
    def sa_key(
        project: str, account: str, key_id: str, key_type: str, disabled: bool = False
    ) -> dict[str, Any]:
        email = f"{account}@{project}.iam.gserviceaccount.com"
        name = f"projects/{project}/serviceAccounts/{email}/keys/{key_id}"
        return asset(
            f"//iam.googleapis.com/{name}",
            "iam.googleapis.com/ServiceAccountKey",
            {
                "name": name,
                "keyType": key_type,
                "keyAlgorithm": "KEY_ALG_RSA_2048",
                "keyOrigin": "GOOGLE_PROVIDED",
                "validAfterTime": "2025-06-01T00:00:00Z",
                "validBeforeTime": "9999-12-31T23:59:59Z",
                "disabled": disabled,
            },
            project_id=project,
        )

    return [
        sa_key("phi-prod", "app", "a1b2c3", "SYSTEM_MANAGED"),
        sa_key("phi-analytics", "etl", "d4e5f6", "USER_MANAGED"),
        sa_key("sandbox-dev", "ci", "0a0b0c", "USER_MANAGED", disabled=True),
    ]


def sample_assets() -> list[dict[str, Any]]:
    """Every asset of the sample organization, in a stable order."""
    return [
        *hierarchy(),
        *services(),
        *storage_assets(),
        *sql_assets(),
        *bigquery_assets(),
        *compute_assets(),
        *kms_assets(),
        *database_assets(),
        *iam_assets(),
    ]


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def export_lines(assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The assets as ``gcloud asset export`` writes them: one record per content type, with
    protobuf (snake_case) field names outside ``resource.data``; concatenated RESOURCE, then
    IAM_POLICY, then ORG_POLICY, as ``cat resource.json iam.json org.json`` gives."""
    lines: list[dict[str, Any]] = []
    for content in ("resource", "iamPolicy", "orgPolicy"):
        for record in assets:
            if not record.get(content):
                continue
            line = {_snake(k): record[k] for k in ("name", "assetType", "ancestors", "updateTime")}
            if content == "resource":
                res = record["resource"]
                line["resource"] = {_snake(k): v for k, v in res.items() if k != "data"}
                line["resource"]["data"] = res["data"]
            elif content == "iamPolicy":
                line["iam_policy"] = record["iamPolicy"]
            else:
                line["org_policy"] = [
                    {_snake(k): v for k, v in policy.items()} for policy in record["orgPolicy"]
                ]
            lines.append(line)
    return lines


__all__ = [
    "CLINICAL",
    "CUSTOMER_ID",
    "ORG",
    "ORG_ID",
    "PROJECTS",
    "SANDBOX",
    "asset",
    "sample_assets",
]
