"""PostgreSQL collector: catalog read time and queries per table on a schema of many tables.

Starts a real PostgreSQL server in a temporary directory (tests/postgres/pgserver.py: the
binaries on PATH or in /usr/lib/postgresql/*/bin), creates N tenant tables (default 1,000), each
with row-level security and one policy on the tenant key (each policy text distinct, so
nothing is read from a cache), plus N/10 tables without the key, then
runs the collector and prints: wall time of the catalog read, statements the server logged for
it (log_statement = all), statements per table, and the same with the live probe.

    python bench/postgres_bench.py [--tables 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.collect.base import CollectOptions
from auditor.collect.postgres.run import collect_postgres
from auditor.core.inventory import Inventory
from auditor.core.params import Parameters
from auditor.core.progress import NullProgress
from tests.postgres.pgserver import ServerUnavailable, start_server

APP, AUDITOR, PASSWORD = "bench_app", "bench_audit", "bench-pw"


def build(server, tables: int) -> None:
    with server.admin() as conn:
        conn.execute(
            f"CREATE ROLE {APP} LOGIN; CREATE ROLE {AUDITOR} LOGIN NOINHERIT PASSWORD '{PASSWORD}';"
            f"GRANT {APP} TO {AUDITOR}"
        )
        conn.execute("CREATE DATABASE bench")
    with server.admin("bench") as conn:
        statements = []
        for i in range(tables):
            statements.append(
                f"CREATE TABLE t{i} (id int, practice_id uuid, v text);"
                f"ALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;"
                f"CREATE POLICY p ON t{i} USING (practice_id = current_setting('app.practice_id')::uuid AND id <> {i});"
                f"GRANT SELECT ON t{i} TO {APP};"
            )
        for i in range(tables // 10):
            statements.append(f"CREATE TABLE plain{i} (id int);")
        for start in range(0, len(statements), 200):
            conn.execute("".join(statements[start : start + 200]))


def measure(server, tables: int, probe: bool) -> None:
    import os

    env = server.env(AUDITOR, PASSWORD, "bench")
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    options = CollectOptions(
        params=Parameters(tenant_key="practice_id", tenant_setting="app.practice_id", app_role=APP),
        pg_probe_isolation=probe,
    )
    before = len(server.statements())
    inventory = Inventory()
    started = time.perf_counter()
    collect_postgres(options, inventory, NullProgress())
    elapsed = time.perf_counter() - started
    statements = len(server.statements()) - before
    found = inventory.counts().get("postgres.table", 0)
    label = "catalog read + probe" if probe else "catalog read"
    print(
        f"{label:<22} {found:>5} tenant tables  {elapsed:7.2f} s  {statements:>5} statements  "
        f"{statements / max(found, 1):.3f} per table  ({found / elapsed:,.0f} tables/s)"
    )
    assert found == tables, f"expected {tables} tenant tables, read {found}"
    assert not inventory.listing_gaps, inventory.listing_gaps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=1000)
    args = parser.parse_args()
    try:
        server = start_server()
    except ServerUnavailable as exc:
        print(f"postgres_bench: PostgreSQL could not be started, nothing measured: {exc}")
        return 0
    try:
        print(
            f"PostgreSQL {server.version}; {args.tables} tenant tables + {args.tables // 10} others"
        )
        started = time.perf_counter()
        build(server, args.tables)
        print(f"schema built in {time.perf_counter() - started:.1f} s")
        measure(server, args.tables, probe=False)
        measure(server, args.tables, probe=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
