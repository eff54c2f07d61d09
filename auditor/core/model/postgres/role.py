"""The application's database role: the attributes and memberships that decide whether row-level
security binds it.

Sources: ``pg_roles`` (readable by every role; ``pg_authid`` is not needed) and
``pg_has_role(role, other, 'MEMBER')`` for the roles it can become with ``SET ROLE``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.postgres.common import PgResource


class PgRole(PgResource):
    resource_type: ClassVar[str] = "postgres.role"

    superuser: bool | None = optional("rolsuper: bypasses every policy")
    bypass_rls: bool | None = optional("rolbypassrls: bypasses every row-level security policy")
    can_login: bool | None = optional("rolcanlogin")
    inherit: bool | None = optional("rolinherit")
    member_of: list[str] = Field(
        default_factory=list, description="every role it is a member of, directly or indirectly"
    )
    privileged_memberships: list[str] = Field(
        default_factory=list,
        description="roles among member_of that are superuser or BYPASSRLS: SET ROLE to one "
        "bypasses row-level security",
    )
    owned_tenant_tables: list[str] = Field(
        default_factory=list,
        description="tenant tables it owns, or whose owner it is a member of (first 100)",
    )
    owned_tenant_table_count: int = 0


__all__ = ["PgRole"]
