"""Organization policies (Cloud Asset ORG_POLICY content, ``GoogleCloudOrgpolicyV1Policy``).

One model per (resource, constraint) where a policy is set. Inheritance through the hierarchy is
resolved by predicates, which read the policies of a project's ancestors.
"""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class OrgPolicy(GcpResource):
    resource_type = "gcp.orgpolicy.policy"
    asset_type = "orgpolicy"  # not an asset type: the ORG_POLICY content of a hierarchy node

    attached_to: str = Field(description="organizations/N, folders/N or projects/N")
    constraint: str = Field(description="e.g. constraints/gcp.restrictNonCmekServices")
    enforced: bool | None = optional("booleanPolicy.enforced")
    allowed_values: list[str] = Field(default_factory=list)
    denied_values: list[str] = Field(default_factory=list)
    all_values: str | None = optional("listPolicy.allValues: ALLOW | DENY")
    inherit_from_parent: bool = False
    restore_default: bool = False


__all__ = ["OrgPolicy"]
