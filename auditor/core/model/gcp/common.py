"""Pieces shared by GCP resource models: the provider and Cloud Asset bases, IAM policy parts."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.base import Provider, Resource, optional


class IamBinding(BaseModel):
    """One ``bindings[]`` entry of an IAM policy (``role`` granted to ``members``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    members: list[str] = Field(default_factory=list)
    condition: str | None = optional("condition.expression, if any")


class AuditLogConfig(BaseModel):
    """``auditConfigs[].auditLogConfigs[]``: one log type turned on, with its exemptions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    log_type: str = Field(description="ADMIN_READ | DATA_READ | DATA_WRITE")
    exempted_members: list[str] = Field(default_factory=list)


class AuditConfig(BaseModel):
    """``auditConfigs[]`` of an IAM policy: the Data Access logs turned on for ``service``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str = Field(description="'allServices' or an API such as storage.googleapis.com")
    audit_log_configs: list[AuditLogConfig] = Field(default_factory=list)


class OrganizationSummary(BaseModel):
    """Base of what an organization-level view keeps of each resource it lists: ``name`` is the
    resource's full name (its ``id``), the other fields are the resource's own of that name."""

    model_config = ConfigDict(extra="forbid")

    name: str


class GcpApiResource(Resource):
    """Base of every GCP model: those read from a Google API outside Cloud Asset Inventory
    (Directory, Access Context Manager, IAP, Vertex AI, Logging) derive from it directly."""

    provider: ClassVar[Provider] = "gcp"


class GcpResource(GcpApiResource):
    """Base of every GCP model read from Cloud Asset Inventory.

    ``id`` is the asset's full resource name (``//storage.googleapis.com/bucket``), ``account``
    the project id (for organizations and folders: ``organizations/N`` / ``folders/N``), and
    ``ancestors`` the hierarchy from the project up (``projects/N``, ``folders/N``...,
    ``organizations/N``) as Cloud Asset Inventory reports it.
    """

    asset_type: ClassVar[str]

    ancestors: list[str] = Field(default_factory=list)


__all__ = [
    "AuditConfig",
    "AuditLogConfig",
    "GcpApiResource",
    "GcpResource",
    "IamBinding",
    "OrganizationSummary",
]
