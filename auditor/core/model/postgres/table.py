"""A table carrying the tenant key column, with its row-level security and policies.

Sources: ``pg_class`` (``relrowsecurity``, ``relforcerowsecurity``, ``relowner``),
``pg_attribute`` (the tenant key column), ``pg_policies`` (each policy's command, roles,
permissive/restrictive, USING and WITH CHECK as PostgreSQL deparses them), and
``pg_has_role(app_role, ..., 'USAGE' | 'MEMBER')`` for whom each policy and the ownership concern.

What "filters on the tenant key" means (``using_filters_tenant``, ``check_filters_tenant``): the
expression is, or is an AND of terms one of which is, a comparison ``tenant_key = X``,
``tenant_key IN (X)`` or ``tenant_key = ANY (X)`` where ``X`` calls
``current_setting('<tenant_setting>' ...)`` and does not itself mention the tenant key column.
An OR at the top (``... OR true``), a NOT, or a filter on another setting is not such a filter.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.base import optional
from auditor.core.model.postgres.common import PgResource

PolicyCommand = Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]


class PgPolicy(BaseModel):
    """One row-level security policy on the table (``pg_policies``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    command: PolicyCommand
    permissive: Literal["PERMISSIVE", "RESTRICTIVE"]
    roles: list[str] = Field(description="role names; 'public' means every role")
    using: str | None = optional("USING expression, deparsed")
    with_check: str | None = optional("WITH CHECK expression, deparsed")
    applies_to_app_role: bool | None = optional(
        "the application role has the privileges of one of the policy's roles "
        "(or the policy is for public)"
    )
    references_tenant_key: bool = Field(
        default=False, description="the tenant key column appears in USING or WITH CHECK"
    )
    using_filters_tenant: bool | None = optional(
        "USING filters on the tenant key against the tenant setting (None: no USING)"
    )
    check_filters_tenant: bool | None = optional(
        "the effective WITH CHECK (WITH CHECK, else USING for ALL and UPDATE) does "
        "(None: the command checks no new rows)"
    )


class PgIsolationProbe(BaseModel):
    """What the live probe saw (``--probe-isolation``): never a row, only a bounded count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(description="the role the probe ran as (SET LOCAL ROLE)")
    tenant_setting: str
    probe_value: str = Field(
        description="how the probe's tenant value was made (a random value no practice holds)"
    )
    other_tenant_rows: int = Field(
        description="rows visible under the probe's tenant value: all belong to other tenants"
    )
    capped: bool = Field(default=False, description="counting stopped at the probe's row cap")
    select_denied: bool = Field(
        default=False, description="the role may not SELECT from the table at all"
    )


class PgTable(PgResource):
    resource_type: ClassVar[str] = "postgres.table"

    schema_name: str
    table: str
    qualified_name: str = Field(description="schema.table")
    kind: str = Field(default="table", description="table | partitioned table | partition")
    owner: str | None = None
    tenant_key_type: str | None = optional("type of the tenant key column")
    rls_enabled: bool | None = optional("relrowsecurity")
    rls_forced: bool | None = optional("relforcerowsecurity")
    app_role_owns: bool | None = optional(
        "the application role owns the table or is a member of its owner, so RLS "
        "does not bind it unless forced"
    )
    policies: list[PgPolicy] = Field(default_factory=list)
    policy_count: int = 0
    policy_summary: str = Field(
        default="no policy", description="one line per policy, for messages"
    )
    isolation_probe: PgIsolationProbe | None = optional(
        "set only when the live probe ran (--probe-isolation)"
    )


__all__ = ["PgIsolationProbe", "PgPolicy", "PgTable", "PolicyCommand"]
