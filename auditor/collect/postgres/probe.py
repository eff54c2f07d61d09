"""The live isolation probe (``--probe-isolation``, off by default).

What it runs, in one transaction on the audit session (see docs/postgres.md, which quotes it):

1. ``BEGIN TRANSACTION READ ONLY`` (the session is read-only already);
2. ``SET LOCAL ROLE <app_role>``, unless the audit session already is that role;
3. per tenant table, inside ``SAVEPOINT baa_audit_probe``:
   ``SELECT set_config(<tenant_setting>, <probe value>, true),
   has_table_privilege(<table>::regclass, 'SELECT')``, then, when that is true,
   ``SELECT count(*) FROM (SELECT 1 FROM <table> LIMIT 1000) AS visible``,
   and ``RELEASE SAVEPOINT`` (or ``ROLLBACK TO SAVEPOINT`` when the count failed);
4. ``ROLLBACK``, always.

The probe value is a random value of the tenant key's type that no practice holds (a random UUID,
a random integer near the top of the type's range, a random string), so every row the role sees
under it belongs to another practice. Only the count leaves the database; no row, no column value.
The count is capped at 1,000 rows, so the probe reads at most that many rows per table.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from auditor.collect.postgres.connect import PgConfig
from auditor.collect.postgres.errors import PgFailure, query_failure
from auditor.core.model.postgres import PgIsolationProbe

PROBE_ROW_CAP = 1000


@dataclass(frozen=True)
class ProbeTarget:
    schema_name: str
    table_name: str
    key_type: str | None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.table_name}"


def probe_value(key_type: str | None) -> tuple[str, str]:
    """``(value, description)``: a value of ``key_type`` that no tenant holds, in practice."""
    kind = (key_type or "").lower()
    if kind == "uuid":
        return str(uuid.uuid4()), "a random UUID"
    if kind == "smallint":
        return str(16384 + secrets.randbelow(16383)), "a random smallint above 16383"
    if kind == "integer":
        return str(2**30 + secrets.randbelow(2**30 - 1)), "a random integer above 2^30"
    if kind in ("bigint", "numeric") or kind.startswith("numeric("):
        return str(2**62 + secrets.randbelow(2**62 - 1)), "a random integer above 2^62"
    return f"baa-audit-probe-{secrets.token_hex(8)}", "a random string baa-audit-probe-<hex>"


def run_probe(
    conn: Any,
    config: PgConfig,
    targets: list[ProbeTarget],
    app_role: str,
    tenant_setting: str,
    connected_as: str | None,
) -> tuple[dict[str, PgIsolationProbe | PgFailure], PgFailure | None]:
    """Probe every target; returns per-table outcomes, or a failure that stopped the whole probe."""
    from psycopg import sql

    outcomes: dict[str, PgIsolationProbe | PgFailure] = {}
    conn.execute("BEGIN TRANSACTION READ ONLY")
    try:
        if connected_as != app_role:
            try:
                conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(app_role)))
            except Exception as exc:
                return {}, query_failure(
                    exc,
                    config,
                    f"SET LOCAL ROLE {app_role}",
                    f"membership in role {app_role} for the audit role, so that it may SET ROLE "
                    f"(GRANT {app_role} TO <audit role>, with the audit role NOINHERIT)",
                )
        for target in targets:
            table = sql.Identifier(target.schema_name, target.table_name)
            value, described = probe_value(target.key_type)
            conn.execute("SAVEPOINT baa_audit_probe")
            try:
                row = conn.execute(
                    sql.SQL(
                        "SELECT set_config(%s, %s, true), has_table_privilege({}::regclass, 'SELECT')"
                    ).format(sql.Literal(table.as_string(conn))),
                    (tenant_setting, value),
                ).fetchone()
                may_select = bool(row[1]) if row is not None else False
                visible = 0
                if may_select:
                    counted = conn.execute(
                        sql.SQL(
                            "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {}) AS visible"
                        ).format(table, sql.Literal(PROBE_ROW_CAP))
                    ).fetchone()
                    visible = int(counted[0]) if counted is not None else 0
                conn.execute("RELEASE SAVEPOINT baa_audit_probe")
                outcomes[target.qualified_name] = PgIsolationProbe(
                    role=app_role,
                    tenant_setting=tenant_setting,
                    probe_value=described,
                    other_tenant_rows=visible,
                    capped=visible >= PROBE_ROW_CAP,
                    select_denied=not may_select,
                )
            except Exception as exc:
                conn.execute("ROLLBACK TO SAVEPOINT baa_audit_probe")
                outcomes[target.qualified_name] = query_failure(
                    exc,
                    config,
                    f"probe of {target.qualified_name} as {app_role}",
                    f"SELECT on {target.qualified_name} for {app_role}",
                )
        return outcomes, None
    finally:
        conn.execute("ROLLBACK")


__all__ = ["PROBE_ROW_CAP", "ProbeTarget", "probe_value", "run_probe"]
