"""Access Context Manager GCP user access bindings: the Google Cloud session length policy.

Not in Cloud Asset Inventory: ``GET v1/organizations/{org}/gcpUserAccessBindings``
(``accesscontextmanager.v1 organizations.gcpUserAccessBindings.list``). Field names follow the
``GcpUserAccessBinding``, ``SessionSettings`` and ``ScopedAccessSettings`` schemas of the
discovery document; durations (``"28800s"``) are held as seconds.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.base import Resource
from auditor.core.model.gcp.common import GcpApiResource, OrganizationSummary


class SessionSettings(BaseModel):
    """``SessionSettings``: how long a Google Cloud session lasts before reauthentication.

    Per the API, ``session_length_enabled`` false (or unset) means sessions never expire, and a
    zero ``session_length`` means sessions are active indefinitely.
    """

    model_config = ConfigDict(extra="forbid")

    session_length_seconds: int | None = None
    session_length_enabled: bool | None = None
    max_inactivity_seconds: int | None = None
    session_reauth_method: str | None = None
    use_oidc_max_age: bool | None = None


class ScopedAccessSettings(BaseModel):
    """One ``scopedAccessSettings`` entry: settings restricted to one application or project."""

    model_config = ConfigDict(extra="forbid")

    scope: str = Field(description="restricted client application or project the entry covers")
    session_settings: SessionSettings | None = None


class GcpUserAccessBinding(GcpApiResource):
    """One binding of a group (or principal) to access levels and session settings.

    ``account`` is ``organizations/ID``.
    """

    resource_type = "gcp.accesscontextmanager.gcp_user_access_binding"

    group_key: str | None = None
    principal: str | None = None
    access_levels: list[str] = Field(default_factory=list)
    session_settings: SessionSettings | None = None
    scoped_access_settings: list[ScopedAccessSettings] = Field(default_factory=list)


class BindingSummary(OrganizationSummary):
    """What the organization-level view keeps of each binding."""

    group_key: str | None = None
    principal: str | None = None
    session_settings: SessionSettings | None = None


class OrganizationBindings(GcpApiResource):
    """The result of listing an organization's GCP user access bindings.

    It exists so that "no binding at all" is a finding (no Google Cloud session limit anywhere),
    not an empty listing. ``id`` and ``account`` are ``organizations/ID``.
    """

    resource_type = "gcp.accesscontextmanager.organization_bindings"

    bindings: list[BindingSummary] = Field(default_factory=list)


ACCESSCONTEXT_TYPES: tuple[type[Resource], ...] = (GcpUserAccessBinding, OrganizationBindings)

__all__ = [
    "ACCESSCONTEXT_TYPES",
    "BindingSummary",
    "GcpUserAccessBinding",
    "OrganizationBindings",
    "ScopedAccessSettings",
    "SessionSettings",
]
