"""``collect_postgres``: read tenant isolation from each database's catalog, read-only.

For every database (the profile's ``databases``, else the connection's own), one session:
connect (:mod:`.connect`: read-only before the first query), one ``REPEATABLE READ READ ONLY``
transaction for the catalog (:mod:`.catalog`), ``ROLLBACK``; then, only with
``--probe-isolation``, the probe's own read-only transaction, rolled back (:mod:`.probe`).

Nothing is judged here. Every failure becomes a gap naming what could not be read and the
privilege that would let it be read: a connection that failed is a listing gap for each
PostgreSQL type in that database; a catalog query that failed is a listing gap (tables, role) or
a gap on the fields it would have filled (policies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg  # noqa: F401  (the registry reports the missing extra when it is absent)

from auditor.collect.base import CollectOptions
from auditor.collect.postgres.catalog import (
    MEMBERSHIP_SQL,
    POLICIES_NEEDS,
    POLICIES_SQL,
    ROLE_NEEDS,
    ROLE_SQL,
    SERVER_NEEDS,
    SERVER_SQL,
    TABLES_NEEDS,
    TABLES_SQL,
    TableRow,
    attach_policies,
    names_text,
    platform_of,
    policy_summary,
    table_rows,
)
from auditor.collect.postgres.connect import PgConfig
from auditor.collect.postgres.endpoints import parse_rds_host
from auditor.collect.postgres.errors import PgFailure, connect_failure, query_failure
from auditor.collect.postgres.probe import ProbeTarget, run_probe
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, Gap, ListingGap
from auditor.core.model.postgres import (
    PgDatabase,
    PgIsolationProbe,
    PgRole,
    PgTable,
    place_of,
)
from auditor.core.progress import Progress
from auditor.core.scope import DatabaseEndpoint, Scope

PG_TYPES = ("postgres.database", "postgres.role", "postgres.table")
OWNED_LIMIT = 100


class _QueryFailed(Exception):
    def __init__(self, failure: PgFailure, operation: str) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.operation = operation


@dataclass
class _Read:
    """Everything one database's catalog read produced, before it goes to the sink."""

    place: str
    database: PgDatabase
    role: PgRole | None = None
    tables: list[PgTable] = field(default_factory=list)
    listing_gaps: list[ListingGap] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # types whose listing succeeded


def _rows(
    conn: Any,
    query: str,
    params: dict[str, Any] | None,
    operation: str,
    needs: str,
    config: PgConfig,
) -> list[dict[str, Any]]:
    from psycopg.rows import dict_row

    try:
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return list(cur.fetchall())
    except Exception as exc:
        raise _QueryFailed(query_failure(exc, config, operation, needs), operation) from exc


def _gap(failure: PgFailure, operation: str, fields: tuple[str, ...]) -> Gap:
    return Gap(
        operation=operation, error_code=failure.error_code, message=failure.message, fields=fields
    )


def _listing_gap(place: str, rtype: str, operation: str, failure: PgFailure) -> ListingGap:
    return ListingGap(
        provider="postgres",
        account=place,
        region=None,
        resource_type=rtype,
        operation=operation,
        error_code=failure.error_code,
        message=failure.message,
    )


def _read_database(
    conn: Any, config: PgConfig, options: CollectOptions, endpoint: DatabaseEndpoint, place: str
) -> _Read:
    params = options.params
    key = params.tenant_key
    setting = params.tenant_setting
    app = params.app_role
    common: dict[str, Any] = {
        "account": place,
        "host": endpoint.host,
        "port": endpoint.port,
        "database": endpoint.database,
        "tenant_key": key,
        "tenant_setting": setting,
        "app_role": app,
    }
    rds = parse_rds_host(endpoint.host)
    database = PgDatabase(
        id=place,
        name=endpoint.database,
        instance=rds.describe() if rds else None,
        probe_requested=options.pg_probe_isolation,
        **common,
    )
    read = _Read(place=place, database=database)
    conn.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        server = _rows(
            conn, SERVER_SQL, None, "SELECT current_setting(...), pg_settings", SERVER_NEEDS, config
        )[0]
        if server["transaction_read_only"] != "on":
            raise _QueryFailed(
                PgFailure(
                    "ReadOnlyNotConfirmed",
                    "transaction_read_only is not 'on' for the audit session "
                    "(a connection pooler that drops SET?); the collector reads nothing "
                    "it cannot read read-only",
                ),
                "SHOW transaction_read_only",
            )
        database.server_version = server["server_version"]
        database.connected_as = server["connected_as"]
        database.session_read_only = True
        database.platform = platform_of(server)
        endpoint.platform = database.platform
        read.listed.add("postgres.database")
        app_known = _read_role(conn, config, read, app, common)
        if key is None:
            read.listing_gaps.append(
                _listing_gap(
                    place,
                    "postgres.table",
                    "profile tenant_key",
                    PgFailure(
                        "NotConfigured",
                        "the profile names no tenant_key column, so no tenant table can be found",
                    ),
                )
            )
            database.gaps.append(
                Gap(
                    operation="profile tenant_key",
                    error_code="NotConfigured",
                    fields=(
                        "tenant_tables",
                        "tenant_table_count",
                        "tenant_tables_without_policy",
                        "tenant_tables_without_policy_text",
                    ),
                )
            )
        else:
            _read_tables(conn, config, read, key, setting, app if app_known else None, app, common)
    except _QueryFailed as failed:
        for rtype in PG_TYPES:
            if rtype not in read.listed:
                read.listing_gaps.append(
                    _listing_gap(place, rtype, failed.operation, failed.failure)
                )
    finally:
        conn.execute("ROLLBACK")
    return read


def _read_role(
    conn: Any, config: PgConfig, read: _Read, app: str | None, common: dict[str, Any]
) -> bool:
    """Read the application role; True when it exists and was read."""
    if app is None:
        return False
    role_id = f"{read.place}/role/{app}"
    try:
        rows = _rows(conn, ROLE_SQL, {"app": app}, "SELECT pg_catalog.pg_roles", ROLE_NEEDS, config)
        if not rows:
            read.role = PgRole(
                id=role_id,
                name=app,
                **common,
                gaps=[
                    Gap(
                        operation="SELECT pg_catalog.pg_roles",
                        error_code="RoleNotFound",
                        message=f"the profile's app_role {app!r} does not exist on this server; "
                        "name the role the application connects as",
                    )
                ],
            )
            read.listed.add("postgres.role")
            return False
        row = rows[0]
        members = _rows(
            conn, MEMBERSHIP_SQL, {"app": app}, "SELECT pg_has_role(...)", ROLE_NEEDS, config
        )
    except _QueryFailed as failed:
        read.listing_gaps.append(
            _listing_gap(read.place, "postgres.role", failed.operation, failed.failure)
        )
        return False
    read.role = PgRole(
        id=role_id,
        name=app,
        **common,
        superuser=row["rolsuper"],
        bypass_rls=row["rolbypassrls"],
        can_login=row["rolcanlogin"],
        inherit=row["rolinherit"],
        member_of=[m["rolname"] for m in members],
        privileged_memberships=[
            m["rolname"] for m in members if m["rolsuper"] or m["rolbypassrls"]
        ],
    )
    read.listed.add("postgres.role")
    return True


def _read_tables(
    conn: Any,
    config: PgConfig,
    read: _Read,
    key: str,
    setting: str | None,
    app: str | None,
    configured_app: str | None,
    common: dict[str, Any],
) -> None:
    database = read.database
    # an app role the profile names but that could not be read leaves its facts unknown
    app_unknown = configured_app is not None and app is None
    try:
        rows = table_rows(
            _rows(
                conn,
                TABLES_SQL,
                {"app": app, "key": key},
                "SELECT pg_catalog.pg_class",
                TABLES_NEEDS,
                config,
            ),
            app_role_known=app is not None,
        )
    except _QueryFailed as failed:
        read.listing_gaps.append(
            _listing_gap(read.place, "postgres.table", failed.operation, failed.failure)
        )
        database.gaps.append(
            _gap(
                failed.failure,
                failed.operation,
                (
                    "tenant_tables",
                    "tenant_table_count",
                    "tenant_tables_without_policy",
                    "tenant_tables_without_policy_text",
                ),
            )
        )
        return
    read.listed.add("postgres.table")
    database.tenant_tables = [t.qualified_name for t in rows]
    database.tenant_table_count = len(rows)
    policy_gap: Gap | None = None
    try:
        attach_policies(
            rows,
            _rows(
                conn,
                POLICIES_SQL,
                {"app": app, "key": key},
                "SELECT pg_catalog.pg_policies",
                POLICIES_NEEDS,
                config,
            ),
            key,
            setting,
        )
    except _QueryFailed as failed:
        policy_gap = _gap(
            failed.failure, failed.operation, ("policies", "policy_count", "policy_summary")
        )
        database.gaps.append(
            _gap(
                failed.failure,
                failed.operation,
                ("tenant_tables_without_policy", "tenant_tables_without_policy_text"),
            )
        )
    else:
        without = [t.qualified_name for t in rows if not t.policies]
        database.tenant_tables_without_policy = without
        database.tenant_tables_without_policy_text = names_text(without)
    owned: list[str] = []
    for row in rows:
        read.tables.append(_table(read.place, row, common, policy_gap, app_unknown, configured_app))
        if row.app_role_owns:
            owned.append(row.qualified_name)
    if read.role is not None and not read.role.gaps:
        read.role.owned_tenant_tables = owned[:OWNED_LIMIT]
        read.role.owned_tenant_table_count = len(owned)


def _table(
    place: str,
    row: TableRow,
    common: dict[str, Any],
    policy_gap: Gap | None,
    app_unknown: bool,
    app: str | None,
) -> PgTable:
    gaps: list[Gap] = []
    if policy_gap is not None:
        gaps.append(policy_gap)
    if app_unknown:
        gaps.append(
            Gap(
                operation="SELECT pg_catalog.pg_roles",
                error_code="RoleUnknown",
                message=f"the application role {app!r} was not found or could not be read, so whom the "
                "policies and the ownership concern is unknown",
                fields=("app_role_owns", "policies", "policy_summary"),
            )
        )
    return PgTable(
        id=f"{place}/{row.qualified_name}",
        name=row.qualified_name,
        **common,
        schema_name=row.schema_name,
        table=row.table_name,
        qualified_name=row.qualified_name,
        kind=row.kind,
        owner=row.owner,
        tenant_key_type=row.key_type,
        rls_enabled=row.rls_enabled,
        rls_forced=row.rls_forced,
        app_role_owns=row.app_role_owns,
        policies=row.policies,
        policy_count=len(row.policies),
        policy_summary=policy_summary(row.policies, common["tenant_key"] or "", app),
        gaps=gaps,
    )


def _probe(conn: Any, config: PgConfig, read: _Read, options: CollectOptions) -> None:
    """Run the live probe over the tables read, recording each outcome or gap on the table."""
    app = options.params.app_role
    setting = options.params.tenant_setting
    if not read.tables:
        return
    missing = [
        name for name, value in (("app_role", app), ("tenant_setting", setting)) if value is None
    ]
    if missing or read.role is None or read.role.gaps:
        why = (
            f"the profile sets no {' or '.join(missing)}"
            if missing
            else "the application role could not be read"
        )
        for table in read.tables:
            table.gaps.append(
                Gap(
                    operation="probe",
                    error_code="NotConfigured",
                    message=f"the isolation probe did not run: {why}",
                    fields=("isolation_probe",),
                )
            )
        return
    assert app is not None and setting is not None
    targets = [ProbeTarget(t.schema_name, t.table, t.tenant_key_type) for t in read.tables]
    try:
        outcomes, stopped = run_probe(
            conn, config, targets, app, setting, read.database.connected_as
        )
    except Exception as exc:  # the session broke mid-probe
        stopped = query_failure(exc, config, "isolation probe", f"a stable session as {app}")
        outcomes = {}
    for table in read.tables:
        outcome = outcomes.get(table.qualified_name, stopped)
        if isinstance(outcome, PgIsolationProbe):
            table.isolation_probe = outcome
        elif outcome is not None:
            table.gaps.append(
                Gap(
                    operation=f"probe as {app}",
                    error_code=outcome.error_code,
                    message=outcome.message,
                    fields=("isolation_probe",),
                )
            )


def _emit(read: _Read, sink: InventorySink) -> None:
    if "postgres.database" in read.listed:
        sink.add_resource(read.database)
    if read.role is not None:
        sink.add_resource(read.role)
    for table in read.tables:
        sink.add_resource(table)
    for gap in read.listing_gaps:
        sink.add_listing_gap(gap)
    counts = {
        "postgres.database": 1 if "postgres.database" in read.listed else 0,
        "postgres.role": 1 if read.role is not None else 0,
        "postgres.table": len(read.tables),
    }
    for rtype in PG_TYPES:
        if rtype in read.listed:
            sink.add_coverage(
                Coverage(
                    provider="postgres",
                    account=read.place,
                    region=None,
                    resource_type=rtype,
                    count=counts[rtype],
                )
            )


def collect_postgres(options: CollectOptions, sink: InventorySink, progress: Progress) -> Scope:
    """Read every configured database; see the module docstring."""
    config = PgConfig.from_environment()
    names = list(options.params.databases or [config.database])
    endpoints: list[DatabaseEndpoint] = []
    task = progress.task("postgres databases", total=len(names))
    for name in names:
        endpoint = DatabaseEndpoint(host=config.host, port=config.port, database=name)
        place = place_of(config.host, config.port, name)
        try:
            conn = config.connect(name)
        except Exception as exc:
            failure = connect_failure(exc, config, name)
            endpoint.connected = False
            for rtype in PG_TYPES:
                sink.add_listing_gap(_listing_gap(place, rtype, f"connect {place}", failure))
            progress.note(f"postgres: {failure.message}")
        else:
            try:
                read = _read_database(conn, config, options, endpoint, place)
                if options.pg_probe_isolation:
                    _probe(conn, config, read, options)
                _emit(read, sink)
            except Exception as exc:  # the session broke between queries
                failure = query_failure(exc, config, f"session to {place}", "a stable session")
                for rtype in PG_TYPES:
                    sink.add_listing_gap(_listing_gap(place, rtype, f"read {place}", failure))
            finally:
                conn.close()
        endpoints.append(endpoint)
        progress.advance(task)
    progress.done(task)
    return Scope(providers=["postgres"], databases=endpoints)


__all__ = ["PG_TYPES", "collect_postgres"]
