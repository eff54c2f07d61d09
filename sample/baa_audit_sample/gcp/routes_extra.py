"""Emulated REST routes, and sample data, for the GCP sources outside Cloud Asset Inventory.

Routes (paths and JSON shapes as in each API's discovery document):

* Admin SDK Directory ``GET /admin/directory/v1/users?customer=&projection=&maxResults=&pageToken=``
* Access Context Manager ``GET /v1/organizations/{org}/gcpUserAccessBindings``
* IAP ``GET /v1/{name}:iapSettings``
* Vertex AI ``GET /v1/projects/{project}/cacheConfig``
* Logging ``GET /v2/{parent}/sinks``, ``/v2/{parent}/locations/{location}/buckets``,
  ``/v2/{parent}/exclusions``

The sample data gives every policy over these sources a PASS and a FAIL in the sample
organization of :mod:`baa_audit_sample.gcp.sample_org`. Tests may pass their own
:class:`ExtraData`.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field
from typing import Any

from baa_audit_sample.gcp.emulator import (
    EmulatorRequest,
    EmulatorResponse,
    GcpEmulator,
    google_error,
)
from baa_audit_sample.gcp.sample_org import CUSTOMER_ID, ORG, ORG_ID, PROJECTS

JsonObject = dict[str, Any]


@dataclass
class ExtraData:
    """What the emulated non-CAI APIs answer. Keys are API resource names."""

    customer_id: str = CUSTOMER_ID
    users: list[JsonObject] = field(default_factory=list)
    #: organizations/ID -> bindings
    access_bindings: dict[str, list[JsonObject]] = field(default_factory=dict)
    #: IAP settings name (projects/NUMBER/iap_web...) -> IapSettings
    iap_settings: dict[str, JsonObject] = field(default_factory=dict)
    #: project id -> CacheConfig; a project listed in vertex_disabled answers SERVICE_DISABLED
    cache_configs: dict[str, JsonObject] = field(default_factory=dict)
    vertex_disabled: set[str] = field(default_factory=set)
    #: parent (organizations/ID, folders/ID, projects/ID) -> items
    sinks: dict[str, list[JsonObject]] = field(default_factory=dict)
    buckets: dict[str, list[JsonObject]] = field(default_factory=dict)
    exclusions: dict[str, list[JsonObject]] = field(default_factory=dict)


def _user(
    uid: str, email: str, *, enrolled: bool, enforced: bool, suspended: bool = False
) -> JsonObject:
    return {
        "kind": "admin#directory#user",
        "id": uid,
        "primaryEmail": email,
        "name": {"fullName": email.split("@", 1)[0].title()},
        "isAdmin": False,
        "isDelegatedAdmin": False,
        "lastLoginTime": "2026-11-20T09:00:00.000Z",
        "creationTime": "2024-01-10T09:00:00.000Z",
        "agreedToTerms": True,
        "suspended": suspended,
        "archived": False,
        "changePasswordAtNextLogin": False,
        "ipWhitelisted": False,
        "isMailboxSetup": True,
        "isEnrolledIn2Sv": enrolled,
        "isEnforcedIn2Sv": enforced,
        "includeInGlobalAddressList": True,
        "customerId": CUSTOMER_ID,
        "orgUnitPath": "/Clinical",
    }


def _built_in_sinks(project: str) -> list[JsonObject]:
    """The ``_Required`` and ``_Default`` sinks every project has, with Google's filters."""
    audit = [
        'LOG_ID("cloudaudit.googleapis.com/activity")',
        'LOG_ID("externalaudit.googleapis.com/activity")',
        'LOG_ID("cloudaudit.googleapis.com/system_event")',
        'LOG_ID("externalaudit.googleapis.com/system_event")',
        'LOG_ID("cloudaudit.googleapis.com/access_transparency")',
        'LOG_ID("externalaudit.googleapis.com/access_transparency")',
    ]
    base = f"logging.googleapis.com/projects/{project}/locations/global/buckets"
    return [
        {
            "name": "_Required",
            "destination": f"{base}/_Required",
            "filter": " OR ".join(audit),
            "writerIdentity": "serviceAccount:service-org@gcp-sa-logging.iam.gserviceaccount.com",
            "createTime": "2024-01-10T09:00:00Z",
            "updateTime": "2024-01-10T09:00:00Z",
        },
        {
            "name": "_Default",
            "destination": f"{base}/_Default",
            "filter": " AND ".join(f"NOT {term}" for term in audit),
            "writerIdentity": "serviceAccount:service-org@gcp-sa-logging.iam.gserviceaccount.com",
            "createTime": "2024-01-10T09:00:00Z",
            "updateTime": "2024-01-10T09:00:00Z",
        },
    ]


_LOGGING_SA_DOMAIN = "gcp-sa-logging.iam.gserviceaccount.com"


def _bucket(project: str, bucket_id: str, days: int, *, locked: bool = False) -> JsonObject:
    body: JsonObject = {
        "name": f"projects/{project}/locations/global/buckets/{bucket_id}",
        "retentionDays": days,
        "lifecycleState": "ACTIVE",
        "createTime": "2024-01-10T09:00:00Z",
        "updateTime": "2024-01-10T09:00:00Z",
    }
    if locked:  # proto3 JSON: false booleans are omitted
        body["locked"] = True
    if bucket_id == "_Required":
        body["description"] = "Audit bucket"
    return body


def sample_extra_data() -> ExtraData:
    """Data that gives each policy over these sources a PASS and a FAIL in the sample org."""
    phi_prod, phi_analytics, sandbox = "phi-prod", "phi-analytics", "sandbox-dev"
    number = {pid: PROJECTS[pid][0] for pid in PROJECTS}
    data = ExtraData()
    data.users = [
        _user("100000000000000000001", "alice@example-health.org", enrolled=True, enforced=True),
        _user("100000000000000000002", "bob@example-health.org", enrolled=True, enforced=False),
        _user("100000000000000000003", "carol@example-health.org", enrolled=False, enforced=False),
        _user(
            "100000000000000000004",
            "dan@example-health.org",
            enrolled=False,
            enforced=False,
            suspended=True,
        ),
    ]
    data.access_bindings[ORG] = [
        {
            "name": f"{ORG}/gcpUserAccessBindings/phi-users",
            "groupKey": "01phiusers0000",
            "sessionSettings": {
                "sessionLength": "28800s",
                "sessionLengthEnabled": True,
                "maxInactivity": "900s",
                "sessionReauthMethod": "LOGIN",
            },
        },
        {
            "name": f"{ORG}/gcpUserAccessBindings/contractors",
            "groupKey": "01contractors0",
            "accessLevels": ["accessPolicies/555/accessLevels/corp_devices"],
            "sessionSettings": {
                "sessionLength": "86400s",
                "sessionLengthEnabled": True,
                "sessionReauthMethod": "PASSWORD",
            },
        },
    ]
    data.iap_settings = {
        f"projects/{number[phi_prod]}/iap_web": {
            "name": f"projects/{number[phi_prod]}/iap_web",
            "accessSettings": {
                "reauthSettings": {"maxAge": "28800s", "method": "LOGIN", "policyType": "MINIMUM"}
            },
        },
        f"projects/{number[phi_analytics]}/iap_web": {
            "name": f"projects/{number[phi_analytics]}/iap_web",
            "accessSettings": {
                "reauthSettings": {"maxAge": "86400s", "method": "LOGIN", "policyType": "DEFAULT"}
            },
        },
        f"projects/{number[sandbox]}/iap_web": {"name": f"projects/{number[sandbox]}/iap_web"},
    }
    data.cache_configs = {
        phi_prod: {
            "name": f"projects/{number[phi_prod]}/cacheConfig",
            "disableCache": True,
        },
        phi_analytics: {
            "name": f"projects/{number[phi_analytics]}/cacheConfig",
            "retentionConfig": {"retentionType": "DURABLE"},
        },
    }
    data.vertex_disabled = {sandbox}
    archive = f"logging.googleapis.com/projects/{phi_prod}/locations/global/buckets/audit-archive"
    data.sinks = {
        ORG: [
            {
                "name": "audit-archive",
                "destination": archive,
                "filter": 'logName:"cloudaudit.googleapis.com"',
                "includeChildren": True,
                "writerIdentity": f"serviceAccount:o{ORG_ID}-1@{_LOGGING_SA_DOMAIN}",
                "createTime": "2024-02-01T09:00:00Z",
                "updateTime": "2024-02-01T09:00:00Z",
            }
        ],
        f"projects/{phi_prod}": _built_in_sinks(phi_prod),
        f"projects/{phi_analytics}": [
            *_built_in_sinks(phi_analytics),
            {
                "name": "analytics-audit",
                "destination": (
                    f"logging.googleapis.com/projects/{phi_analytics}/locations/global/buckets/audit-short"
                ),
                "filter": 'logName:"cloudaudit.googleapis.com"',
                "writerIdentity": "serviceAccount:p1002-2@gcp-sa-logging.iam.gserviceaccount.com",
            },
        ],
        f"projects/{sandbox}": _built_in_sinks(sandbox),
    }
    data.sinks[f"projects/{phi_analytics}"][1]["exclusions"] = [
        {
            "name": "drop-data-access",
            "filter": 'LOG_ID("cloudaudit.googleapis.com/data_access")',
            "description": "cost saving",
        }
    ]
    data.sinks[f"projects/{sandbox}"][1]["exclusions"] = [
        {"name": "debug-noise", "filter": f'logName:"projects/{sandbox}/logs/app-debug"'},
        {"name": "quiet", "filter": "severity<INFO", "description": "drop debug noise"},
    ]
    data.buckets = {
        f"projects/{phi_prod}": [
            _bucket(phi_prod, "_Required", 400, locked=True),
            _bucket(phi_prod, "_Default", 30),
            _bucket(phi_prod, "audit-archive", 2190, locked=True),
        ],
        f"projects/{phi_analytics}": [
            _bucket(phi_analytics, "_Required", 400, locked=True),
            _bucket(phi_analytics, "_Default", 30),
            _bucket(phi_analytics, "audit-short", 365),
        ],
        f"projects/{sandbox}": [
            _bucket(sandbox, "_Required", 400, locked=True),
            _bucket(sandbox, "_Default", 30),
        ],
    }
    data.exclusions = {
        f"projects/{phi_analytics}": list(data.sinks[f"projects/{phi_analytics}"][1]["exclusions"]),
        # exclusions.list answers the _Default sink's exclusions
        f"projects/{sandbox}": [
            *data.sinks[f"projects/{sandbox}"][1]["exclusions"],
        ],
    }
    return data


# -- paging ------------------------------------------------------------------------------------


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode()


def _offset(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return int(raw[1:]) if raw.startswith("o") and raw[1:].isdigit() else None


def _page(
    request: EmulatorRequest, items: list[JsonObject], key: str, size_param: str = "pageSize"
) -> EmulatorResponse:
    offset = _offset(request.param("pageToken"))
    if offset is None:
        return google_error(400, "Invalid page token")
    try:
        size = int(request.param(size_param) or 100)
    except ValueError:
        return google_error(400, f"{size_param} must be an integer")
    size = max(1, min(size, 1000))
    body: JsonObject = {}
    chunk = items[offset : offset + size]
    if chunk:  # proto3 JSON: an empty repeated field is omitted
        body[key] = copy.deepcopy(chunk)
    if offset + size < len(items):
        body["nextPageToken"] = _token(offset + size)
    return EmulatorResponse.json(body)


# -- routes ------------------------------------------------------------------------------------


def _project_ids() -> dict[str, str]:
    """Project number -> id, so that either spelling of a project resolves."""
    return {number: pid for pid, (number, _folder) in PROJECTS.items()}


def _parent(raw: str) -> str:
    kind, _, ref = raw.partition("/")
    if kind == "projects":
        return f"projects/{_project_ids().get(ref, ref)}"
    return raw


class _Routes:
    def __init__(self, data: ExtraData) -> None:
        self.data = data

    def users(self, request: EmulatorRequest) -> EmulatorResponse:
        customer = request.param("customer")
        if customer is None and request.param("domain") is None:
            return google_error(400, "Bad Request: customer or domain is required")
        if customer not in ("my_customer", self.data.customer_id):
            return google_error(404, "Resource Not Found: customer")
        response = _page(request, self.data.users, "users", size_param="maxResults")
        return response

    def bindings(self, request: EmulatorRequest) -> EmulatorResponse:
        org = f"organizations/{request.match.group('org')}"
        if org not in self.data.access_bindings and org != ORG:
            return google_error(403, f"Permission denied on {org}")
        return _page(request, self.data.access_bindings.get(org, []), "gcpUserAccessBindings")

    def iap(self, request: EmulatorRequest) -> EmulatorResponse:
        name = request.match.group("name")
        kind, _, rest = name.partition("/")
        ref, _, tail = rest.partition("/")
        if kind == "projects" and ref in PROJECTS:  # a project id where the API wants the number
            name = f"projects/{PROJECTS[ref][0]}/{tail}"
        settings = self.data.iap_settings.get(name)
        if settings is None:
            return google_error(404, f"IAP settings {name} not found")
        return EmulatorResponse.json(settings)

    def cache_config(self, request: EmulatorRequest) -> EmulatorResponse:
        ref = request.match.group("project")
        project = _project_ids().get(ref, ref)
        if project in self.data.vertex_disabled:
            return EmulatorResponse.json(
                {
                    "error": {
                        "code": 403,
                        "message": (
                            f"Vertex AI API has not been used in project {project} "
                            "before or it is disabled."
                        ),
                        "status": "PERMISSION_DENIED",
                        "details": [
                            {
                                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                "reason": "SERVICE_DISABLED",
                                "domain": "googleapis.com",
                                "metadata": {"service": "aiplatform.googleapis.com"},
                            }
                        ],
                    }
                },
                status=403,
            )
        if project not in PROJECTS and project not in self.data.cache_configs:
            return google_error(403, f"Permission denied on projects/{ref}")
        number = PROJECTS[project][0] if project in PROJECTS else ref
        return EmulatorResponse.json(
            self.data.cache_configs.get(project, {"name": f"projects/{number}/cacheConfig"})
        )

    def sinks(self, request: EmulatorRequest) -> EmulatorResponse:
        parent = _parent(request.match.group("parent"))
        return _page(request, self.data.sinks.get(parent, []), "sinks")

    def buckets(self, request: EmulatorRequest) -> EmulatorResponse:
        parent = _parent(request.match.group("parent"))
        location = request.match.group("location")
        items = [
            b
            for b in self.data.buckets.get(parent, [])
            if location == "-" or f"/locations/{location}/" in str(b.get("name"))
        ]
        return _page(request, items, "buckets")

    def exclusions(self, request: EmulatorRequest) -> EmulatorResponse:
        parent = _parent(request.match.group("parent"))
        return _page(request, self.data.exclusions.get(parent, []), "exclusions")


_PARENT = r"(?P<parent>(?:organizations|folders|projects|billingAccounts)/[^/]+)"


def install_extra_routes(emulator: GcpEmulator, data: ExtraData | None = None) -> ExtraData:
    """Register the routes on ``emulator``; returns the (mutable) data they serve."""
    served = data if data is not None else sample_extra_data()
    routes = _Routes(served)
    emulator.add_route("GET", r"/admin/directory/v1/users", routes.users)
    emulator.add_route(
        "GET", r"/v1/organizations/(?P<org>[^/]+)/gcpUserAccessBindings", routes.bindings
    )
    emulator.add_route("GET", r"/v1/(?P<name>.+):iapSettings", routes.iap)
    emulator.add_route("GET", r"/v1/projects/(?P<project>[^/]+)/cacheConfig", routes.cache_config)
    emulator.add_route("GET", rf"/v2/{_PARENT}/sinks", routes.sinks)
    emulator.add_route(
        "GET", rf"/v2/{_PARENT}/locations/(?P<location>[^/]+)/buckets", routes.buckets
    )
    emulator.add_route("GET", rf"/v2/{_PARENT}/exclusions", routes.exclusions)
    return served


def install_sample_routes(emulator: GcpEmulator) -> None:
    """The installer the sample organization uses (see ``route_installers``)."""
    install_extra_routes(emulator)


__all__ = ["ExtraData", "install_extra_routes", "install_sample_routes", "sample_extra_data"]
