"""Access Context Manager GCP user access bindings: Google Cloud session length and idle limits.

``GET v1/organizations/{org}/gcpUserAccessBindings`` (permission
``accesscontextmanager.gcpUserAccessBindings.list``, e.g.
``roles/accesscontextmanager.gcpAccessReader``
on the organization). Optional: read only when ``gcp_sources`` names ``access-bindings``.
"""

from __future__ import annotations

from typing import Any

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.rest_source import (
    SourceError,
    SourceSpec,
    Targets,
    as_extra_source,
    enabled,
    make_client,
    parse_duration,
    record_coverage,
    record_failure,
    summary_of,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Gap
from auditor.core.model.gcp.accesscontext import (
    BindingSummary,
    GcpUserAccessBinding,
    OrganizationBindings,
    ScopedAccessSettings,
    SessionSettings,
)
from auditor.core.progress import Progress

OPERATION = "accesscontextmanager.organizations.gcpUserAccessBindings.list"
TYPES = (GcpUserAccessBinding.resource_type, OrganizationBindings.resource_type)
HOW_TO_ENABLE = (
    "The Access Context Manager source (Google Cloud session length per group) is not enabled. "
    "Enable it with --gcp-source access-bindings and an organization scope (or "
    "--gcp-access-org organizations/ID), with a role holding "
    "accesscontextmanager.gcpUserAccessBindings.list on the organization."
)

SOURCE = SourceSpec("access-bindings", TYPES, OPERATION, HOW_TO_ENABLE)


def session_settings_from_api(raw: Any) -> SessionSettings | None:
    """``SessionSettings`` JSON as the model holds it; ValueError on an unreadable duration."""
    if not isinstance(raw, dict):
        return None
    method = raw.get("sessionReauthMethod")
    return SessionSettings(
        session_length_seconds=parse_duration(raw.get("sessionLength")),
        # proto3 JSON omits false booleans; the API documents unset as disabled
        session_length_enabled=bool(raw.get("sessionLengthEnabled", False)),
        max_inactivity_seconds=parse_duration(raw.get("maxInactivity")),
        session_reauth_method=str(method) if method else None,
        use_oidc_max_age=bool(raw.get("useOidcMaxAge", False)),
    )


def _principal(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return None
    for key in ("federatedPrincipal", "serviceAccount"):
        if raw.get(key):
            return str(raw[key])
    if raw.get("serviceAccountProjectNumber"):
        return f"serviceAccountProjectNumber:{raw['serviceAccountProjectNumber']}"
    return None


def _scope_label(raw: Any) -> str:
    client = raw.get("clientScope", {}) if isinstance(raw, dict) else {}
    app = client.get("restrictedClientApplication") or {}
    if app:
        return str(app.get("name") or app.get("clientId") or "application")
    project = client.get("restrictedProject") or {}
    return str(project.get("name") or "unknown scope")


def binding_from_api(item: dict[str, Any], organization: str) -> GcpUserAccessBinding:
    """A binding resource; an unreadable duration is a gap on ``session_settings``."""
    gaps: list[Gap] = []
    settings: SessionSettings | None = None
    scoped: list[ScopedAccessSettings] = []
    try:
        settings = session_settings_from_api(item.get("sessionSettings"))
        for entry in item.get("scopedAccessSettings") or []:
            active = entry.get("activeSettings") or {}
            scoped.append(
                ScopedAccessSettings(
                    scope=_scope_label(entry.get("scope")),
                    session_settings=session_settings_from_api(active.get("sessionSettings")),
                )
            )
    except ValueError as exc:
        settings, scoped = None, []
        gaps.append(
            Gap(
                operation=OPERATION,
                error_code="InvalidValue",
                message=str(exc),
                fields=("session_settings", "scoped_access_settings"),
            )
        )
    name = str(item.get("name") or "unknown")
    return GcpUserAccessBinding(
        id=name,
        name=name.rsplit("/", 1)[-1],
        account=organization,
        group_key=item.get("groupKey"),
        principal=_principal(item.get("principal")),
        access_levels=[str(a) for a in item.get("accessLevels") or []],
        session_settings=settings,
        scoped_access_settings=scoped,
        gaps=gaps,
    )


def _organization(options: CollectOptions, targets: Targets) -> str | None:
    org = options.gcp_access_org or targets.organization
    if org and not org.startswith("organizations/"):
        org = f"organizations/{org}"
    return org


def collect_access_bindings(
    options: CollectOptions, sink: InventorySink, progress: Progress, targets: Targets
) -> None:
    organization = _organization(options, targets)
    if not enabled(options, SOURCE.name) or organization is None:
        SOURCE.not_configured(sink, organization or targets.scope_label())
        return
    task = progress.task("gcp access bindings")
    bindings: list[GcpUserAccessBinding] = []
    try:
        client = make_client(options, "accesscontextmanager")
        for page in client.pages(
            f"v1/{organization}/gcpUserAccessBindings", OPERATION, "gcpUserAccessBindings"
        ):
            bindings.extend(binding_from_api(item, organization) for item in page)
            progress.advance(task, len(page))
    except SourceError as error:
        record_failure(sink, TYPES, organization, error)
        progress.done(task)
        return
    for binding in bindings:
        sink.add_resource(binding)
    org_gaps = [g for b in bindings for g in b.gaps]
    sink.add_resource(
        OrganizationBindings(
            id=organization,
            name=organization,
            account=organization,
            bindings=[summary_of(BindingSummary, b) for b in bindings],
            gaps=[g.model_copy(update={"fields": ("bindings",)}) for g in org_gaps[:1]],
        )
    )
    record_coverage(sink, GcpUserAccessBinding.resource_type, organization, len(bindings))
    record_coverage(sink, OrganizationBindings.resource_type, organization, 1)
    progress.done(task)


EXTRA_SOURCE = as_extra_source(
    SOURCE,
    collect_access_bindings,
    description="Access Context Manager GCP user access bindings: session length and idle limits",
    permissions=("accesscontextmanager.gcpUserAccessBindings.list",),
)


__all__ = [
    "EXTRA_SOURCE",
    "HOW_TO_ENABLE",
    "binding_from_api",
    "collect_access_bindings",
    "session_settings_from_api",
]
