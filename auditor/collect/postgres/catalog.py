"""The catalog queries, and their rows as resource models.

A fixed handful of queries per database, whatever the number of tables (``bench/postgres_bench.py``
measures it): the server, the application role and its memberships, the tenant tables, and their
policies. Every one is a SELECT on ``pg_catalog``, readable by every role unless an administrator
revoked it; each failure says which catalog to grant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.collect.postgres.expressions import filters_on_tenant, mentions_column
from auditor.core.model.postgres import PgPolicy

#: One SELECT: who we are, the server version, that the transaction is read-only, the platform.
SERVER_SQL = """\
SELECT current_user AS connected_as,
       current_setting('server_version') AS server_version,
       current_setting('transaction_read_only') AS transaction_read_only,
       to_regproc('aurora_version') IS NOT NULL AS aurora,
       EXISTS (SELECT 1 FROM pg_catalog.pg_settings WHERE name LIKE 'rds.%') AS rds,
       EXISTS (SELECT 1 FROM pg_catalog.pg_settings WHERE name LIKE 'cloudsql.%') AS cloudsql"""
SERVER_NEEDS = "SELECT on pg_catalog.pg_settings"

ROLE_SQL = """\
SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcanlogin, r.rolinherit
FROM pg_catalog.pg_roles AS r
WHERE r.rolname = %(app)s"""

MEMBERSHIP_SQL = """\
SELECT b.rolname, b.rolsuper, b.rolbypassrls
FROM pg_catalog.pg_roles AS b
WHERE b.rolname <> %(app)s AND pg_catalog.pg_has_role(%(app)s::name, b.oid, 'MEMBER')
ORDER BY b.rolname"""
ROLE_NEEDS = "SELECT on pg_catalog.pg_roles"

#: Tables and partitioned tables carrying the tenant key column. Partitions count only where the
#: application role holds a privilege on them: a partition queried directly answers with its own
#: row-level security, not its parent's.
TABLES_SQL = """\
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       c.relkind::text AS relkind,
       c.relispartition AS is_partition,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       pg_catalog.pg_has_role(%(app)s::name, c.relowner, 'MEMBER') AS app_role_owns,
       pg_catalog.has_table_privilege(%(app)s::name, c.oid,
                                      'SELECT, INSERT, UPDATE, DELETE') AS app_role_access,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS key_type
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a
  ON a.attrelid = c.oid AND a.attname = %(key)s AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p')
  AND n.nspname <> 'information_schema'
  AND n.nspname !~ '^pg_'
ORDER BY n.nspname, c.relname"""
TABLES_NEEDS = "SELECT on pg_catalog.pg_class, pg_namespace and pg_attribute"

POLICIES_SQL = """\
SELECT p.schemaname AS schema_name,
       p.tablename AS table_name,
       p.policyname AS name,
       p.permissive,
       p.roles::text[] AS roles,
       p.cmd AS command,
       p.qual AS using_expr,
       p.with_check AS check_expr,
       CASE WHEN %(app)s::name IS NULL THEN NULL
            ELSE EXISTS (SELECT 1 FROM unnest(p.roles) AS r(role_name)
                         WHERE CASE WHEN r.role_name = 'public' THEN true
                                    ELSE pg_catalog.pg_has_role(%(app)s::name, r.role_name,
                                                                'USAGE') END)
       END AS applies
FROM pg_catalog.pg_policies AS p
WHERE (p.schemaname, p.tablename) IN (
    SELECT n.nspname, c.relname
    FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute AS a
      ON a.attrelid = c.oid AND a.attname = %(key)s AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'p'))
ORDER BY p.schemaname, p.tablename, p.policyname"""
POLICIES_NEEDS = "SELECT on pg_catalog.pg_policies (granted to PUBLIC by default)"

#: Queries run per database by a catalog read (without the probe), for the benchmark and docs.
CATALOG_QUERIES = ("SERVER_SQL", "ROLE_SQL", "MEMBERSHIP_SQL", "TABLES_SQL", "POLICIES_SQL")


def platform_of(row: Mapping[str, Any]) -> str:
    if row.get("aurora"):
        return "aws-aurora"
    if row.get("rds"):
        return "aws-rds"
    if row.get("cloudsql"):
        return "gcp-cloudsql"
    return "postgresql"


@dataclass
class TableRow:
    schema_name: str
    table_name: str
    kind: str
    owner: str | None
    rls_enabled: bool
    rls_forced: bool
    app_role_owns: bool | None
    key_type: str | None
    policies: list[PgPolicy] = field(default_factory=list)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


def table_rows(rows: Iterable[Mapping[str, Any]], app_role_known: bool) -> list[TableRow]:
    tables: list[TableRow] = []
    for row in rows:
        if row["is_partition"] and app_role_known and row["app_role_access"] is False:
            continue
        kind = (
            "partition"
            if row["is_partition"]
            else ("partitioned table" if row["relkind"] == "p" else "table")
        )
        tables.append(
            TableRow(
                schema_name=row["schema_name"],
                table_name=row["table_name"],
                kind=kind,
                owner=row["owner"],
                rls_enabled=bool(row["rls_enabled"]),
                rls_forced=bool(row["rls_forced"]),
                app_role_owns=row["app_role_owns"] if app_role_known else None,
                key_type=row["key_type"],
            )
        )
    return tables


def policy_of(row: Mapping[str, Any], tenant_key: str, tenant_setting: str | None) -> PgPolicy:
    command = str(row["command"]).upper()
    using = row["using_expr"]
    check = row["check_expr"]
    # WITH CHECK defaults to USING for ALL and UPDATE policies; SELECT and DELETE check no rows
    effective_check = (
        check if check is not None else (using if command in ("ALL", "UPDATE") else None)
    )
    checks_rows = command in ("ALL", "INSERT", "UPDATE")

    def filters(expr: str | None) -> bool | None:
        if expr is None:
            return None
        if tenant_setting is None:
            return False
        return filters_on_tenant(expr, tenant_key, tenant_setting)

    return PgPolicy(
        name=row["name"],
        command=command,
        permissive=str(row["permissive"]).upper(),
        roles=list(row["roles"] or []),
        using=using,
        with_check=check,
        applies_to_app_role=row["applies"],
        references_tenant_key=mentions_column(using, tenant_key)
        or mentions_column(check, tenant_key),
        using_filters_tenant=filters(using) if command != "INSERT" else None,
        check_filters_tenant=filters(effective_check) if checks_rows else None,
    )


def attach_policies(
    tables: list[TableRow],
    rows: Iterable[Mapping[str, Any]],
    tenant_key: str,
    tenant_setting: str | None,
) -> None:
    by_table: dict[tuple[str, str], list[PgPolicy]] = defaultdict(list)
    for row in rows:
        by_table[(row["schema_name"], row["table_name"])].append(
            policy_of(row, tenant_key, tenant_setting)
        )
    for table in tables:
        table.policies = by_table.get((table.schema_name, table.table_name), [])


def policy_summary(policies: list[PgPolicy], tenant_key: str, app_role: str | None) -> str:
    """One line for messages: each policy, whom it binds, and whether it filters on the key."""
    if not policies:
        return "no policy"

    def verdict(label: str, value: bool | None) -> str | None:
        if value is None:
            return None
        return f"{label} {'filters on' if value else 'does not filter on'} {tenant_key}"

    parts: list[str] = []
    for policy in policies:
        roles = ", ".join(policy.roles) or "public"
        bits = [
            b
            for b in (
                verdict("USING", policy.using_filters_tenant),
                verdict("WITH CHECK", policy.check_filters_tenant),
            )
            if b
        ]
        if app_role is not None and policy.applies_to_app_role is False:
            bits.append(f"does not apply to {app_role}")
        parts.append(
            f"{policy.name} ({policy.command}, {policy.permissive.lower()}, to {roles}): "
            + ("; ".join(bits) or "no expression")
        )
    return " | ".join(parts)


def names_text(names: list[str], limit: int = 50) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


__all__ = [
    "CATALOG_QUERIES",
    "MEMBERSHIP_SQL",
    "POLICIES_NEEDS",
    "POLICIES_SQL",
    "ROLE_NEEDS",
    "ROLE_SQL",
    "SERVER_NEEDS",
    "SERVER_SQL",
    "TABLES_NEEDS",
    "TABLES_SQL",
    "TableRow",
    "attach_policies",
    "names_text",
    "platform_of",
    "policy_of",
    "policy_summary",
    "table_rows",
]
