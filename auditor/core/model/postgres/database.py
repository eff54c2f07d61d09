"""One PostgreSQL database the collector connected to, and what its catalog held as a whole.

Sources: ``current_user``, ``current_setting(...)`` and ``pg_settings`` (platform); the tenant
tables come from ``pg_class`` / ``pg_attribute`` and their policies from ``pg_policies``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.postgres.common import PgResource


class PgDatabase(PgResource):
    resource_type: ClassVar[str] = "postgres.database"

    server_version: str | None = None
    platform: str | None = optional(
        "postgresql | aws-rds | aws-aurora | gcp-cloudsql, from the server's settings"
    )
    instance: str | None = optional(
        "the RDS/Aurora instance or cluster (ARN when matched in the same snapshot) "
        "or Cloud SQL instance the endpoint belongs to, when known"
    )
    connected_as: str | None = optional("current_user of the audit session")
    session_read_only: bool | None = optional(
        "transaction_read_only was 'on' for the catalog read (the collector refuses "
        "to read otherwise)"
    )
    tenant_table_count: int = Field(
        default=0, description="tables (and partitioned tables) carrying the tenant key column"
    )
    tenant_tables: list[str] = Field(
        default_factory=list, description="schema.table of every tenant table"
    )
    tenant_tables_without_policy: list[str] = Field(
        default_factory=list,
        description="tenant tables on which no row-level security policy exists at all",
    )
    tenant_tables_without_policy_text: str = Field(
        default="none", description="the same list for messages (first 50, then a count)"
    )
    probe_requested: bool = Field(
        default=False, description="whether the live isolation probe was asked for"
    )


__all__ = ["PgDatabase"]
