"""Proof that the PostgreSQL collector only reads.

The server runs with ``log_statement = all``; every statement the collector's sessions sent
(application_name ``baa-audit``), catalog read and live probe together, must be a read
(SELECT), a session or transaction-local setting (SET, SET LOCAL), SHOW, or transaction control
(BEGIN ... READ ONLY, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK TO SAVEPOINT). Each session must be
read-only before its first query, and a write attempted on such a session is refused by the
server itself.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from auditor.collect.postgres.connect import SESSION_SETUP, PgConfig

from . import schemas

pytestmark = pytest.mark.e2e

ALLOWED = re.compile(
    r"^(SELECT\b|SET (LOCAL )?[a-z_]+ = |SET LOCAL ROLE |SHOW |BEGIN TRANSACTION (ISOLATION LEVEL REPEATABLE READ )?READ ONLY$"
    r"|ROLLBACK$|SAVEPOINT baa_audit_probe$|RELEASE SAVEPOINT baa_audit_probe$"
    r"|ROLLBACK TO SAVEPOINT baa_audit_probe$)"
)


def _sessions(statements: list[str]) -> list[list[str]]:
    """Split the logged statements at each session's first SET."""
    sessions: list[list[str]] = []
    for statement in statements:
        if statement == SESSION_SETUP[0]:
            sessions.append([])
        assert sessions, f"a statement before the read-only setup: {statement!r}"
        sessions[-1].append(statement)
    return sessions


def test_the_check_itself_rejects_writes() -> None:
    for statement in (
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET a = 1",
        "DELETE FROM t",
        "CREATE TABLE t (a int)",
        "BEGIN",
        "COMMIT",
        "SET ROLE postgres",
        "SELECT 1; DROP TABLE t",
    ):
        assert not ALLOWED.match(statement) or ";" in statement, statement


def test_the_collector_sends_only_reads(scan, pg_server) -> None:
    before = len(pg_server.statements())
    run = scan("rls_owner", "--probe-isolation")
    assert run.statuses("PG-RLS-007"), "the probe ran"
    run = scan("rls_revoked", "--probe-isolation")  # failed queries and savepoint rollbacks too
    statements = pg_server.statements()[before:]
    assert statements, "the server logged the collector's statements"
    offending = [s for s in statements if not ALLOWED.match(s) or ";" in s]
    assert not offending, offending
    sessions = _sessions(statements)
    assert len(sessions) == 2
    for session in sessions:
        assert tuple(session[: len(SESSION_SETUP)]) == SESSION_SETUP
        # every transaction it opened is read-only and ends in ROLLBACK
        begins = [s for s in session if s.startswith("BEGIN")]
        assert begins and all(s.endswith("READ ONLY") for s in begins)
        assert session.count("ROLLBACK") == len(begins)
        assert session[-1] == "ROLLBACK"


def test_a_write_on_the_collectors_session_is_refused(pg_server, monkeypatch) -> None:
    for key, value in pg_server.env(schemas.AUDITOR, schemas.AUDITOR_PASSWORD, "rls_good").items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    conn = PgConfig.from_environment().connect("rls_good")
    try:
        assert conn.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE should_not_exist (id int)")
    finally:
        conn.close()
    with pg_server.admin("rls_good") as admin:
        assert admin.execute("SELECT to_regclass('should_not_exist')").fetchone()[0] is None
