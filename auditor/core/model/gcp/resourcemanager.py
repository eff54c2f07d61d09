"""Resource Manager: the organization, folders and projects, with their IAM policies.

``iam_bindings`` and ``audit_configs`` come from the asset's IAM_POLICY content; when that
listing fails they are gaps, never empty lists.
"""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import AuditConfig, GcpResource, IamBinding


class _Node(GcpResource):
    path: str = Field(description="organizations/N, folders/N or projects/N")
    display_name: str | None = None
    lifecycle_state: str | None = optional("ACTIVE | DELETE_REQUESTED")
    iam_bindings: list[IamBinding] = Field(default_factory=list)
    audit_configs: list[AuditConfig] = Field(default_factory=list)


class Organization(_Node):
    resource_type = "gcp.resourcemanager.organization"
    asset_type = "cloudresourcemanager.googleapis.com/Organization"

    directory_customer_id: str | None = None


class Folder(_Node):
    resource_type = "gcp.resourcemanager.folder"
    asset_type = "cloudresourcemanager.googleapis.com/Folder"

    parent: str | None = optional("organizations/N or folders/N")


class Project(_Node):
    resource_type = "gcp.resourcemanager.project"
    asset_type = "cloudresourcemanager.googleapis.com/Project"

    project_id: str
    project_number: str
    parent: str | None = optional("organizations/N or folders/N")


__all__ = ["Folder", "Organization", "Project"]
