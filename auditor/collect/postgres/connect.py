"""Connecting to PostgreSQL read-only, with the standard libpq settings and nothing on argv.

Where the connection comes from, in libpq's own order:

* ``BAA_AUDIT_PG_DSN``: a libpq connection string (``host=... dbname=...``) or URI
  (``postgresql://user@host:5432/db?sslmode=verify-full``), when set;
* the libpq environment for everything the DSN leaves out: ``PGHOST``, ``PGPORT``,
  ``PGDATABASE``, ``PGUSER``, ``PGPASSWORD`` or ``PGPASSFILE`` (``~/.pgpass`` by default),
  ``PGSSLMODE`` and the rest, read by libpq itself.

There is no password flag. The password (from the DSN or ``PGPASSWORD``) is never written
anywhere: endpoints are recorded as host, port and database only, and every message that leaves
this package passes :meth:`PgConfig.scrub`, which removes the password and anything shaped like a
credential.

Every session is made read-only before its first query: ``SET default_transaction_read_only =
on`` (so every transaction it opens is read-only), ``statement_timeout`` and ``lock_timeout`` (so
no query waits on a migration's lock for long), and ``application_name = baa-audit``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.core.errors import CollectionError
from auditor.core.redact import redact_text

DSN_ENV = "BAA_AUDIT_PG_DSN"
APPLICATION_NAME = "baa-audit"
CONNECT_TIMEOUT_SECONDS = 10
STATEMENT_TIMEOUT = "30s"
LOCK_TIMEOUT = "5s"

#: The statements every session runs first, in order (the statement-log test expects them).
SESSION_SETUP: tuple[str, ...] = (
    "SET default_transaction_read_only = on",
    f"SET statement_timeout = '{STATEMENT_TIMEOUT}'",
    f"SET lock_timeout = '{LOCK_TIMEOUT}'",
)

REDACTED = "[REDACTED:password]"


@dataclass(frozen=True)
class PgConfig:
    """The connection settings, as libpq will see them (the password only for scrubbing)."""

    dsn: str
    host: str
    port: int | None
    database: str
    user: str | None
    _secrets: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> PgConfig:
        """Read ``BAA_AUDIT_PG_DSN`` and the libpq variables; refuse a DSN libpq cannot parse."""
        from psycopg import conninfo

        env = os.environ if environ is None else environ
        dsn = env.get(DSN_ENV, "").strip()
        try:
            parsed: dict[str, Any] = conninfo.conninfo_to_dict(dsn) if dsn else {}
        except Exception:
            # libpq's message may quote the string, password included: say only what is wrong
            raise CollectionError(
                f"{DSN_ENV} is not a valid libpq connection string "
                "(key=value pairs, or a postgresql:// URI)"
            ) from None
        secrets = tuple(
            s for s in (str(parsed.get("password") or ""), env.get("PGPASSWORD", "")) if s
        )
        host = str(parsed.get("host") or parsed.get("hostaddr") or env.get("PGHOST") or "")
        port_text = str(parsed.get("port") or env.get("PGPORT") or "5432")
        try:
            port: int | None = int(port_text.split(",", maxsplit=1)[0])
        except ValueError:
            port = None
        user = str(parsed.get("user") or env.get("PGUSER") or "") or None
        database = str(parsed.get("dbname") or env.get("PGDATABASE") or user or "postgres")
        return cls(
            dsn=dsn,
            host=host or "local socket",
            port=port,
            database=database,
            user=user,
            _secrets=secrets,
        )

    def scrub(self, text: str) -> str:
        """``text`` without the password or anything shaped like a credential."""
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, REDACTED)
        return redact_text(text)

    def redacted_dsn(self) -> str:
        """The connection string with its password removed (for messages)."""
        if not self.dsn:
            return ""
        from psycopg import conninfo

        parsed = conninfo.conninfo_to_dict(self.dsn)
        if "password" in parsed:
            parsed["password"] = REDACTED
        return self.scrub(conninfo.make_conninfo("", **parsed))

    def connect(self, database: str) -> Any:
        """A session to ``database``, read-only before its first query.

        Raises psycopg's errors; the caller turns them into gaps.
        """
        import psycopg

        conn = psycopg.connect(
            self.dsn,
            dbname=database,
            application_name=APPLICATION_NAME,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            autocommit=True,
            prepare_threshold=None,
        )
        try:
            for statement in SESSION_SETUP:
                conn.execute(statement)
        except BaseException:
            conn.close()
            raise
        return conn


def configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a database connection is configured for ``--provider all`` (``BAA_AUDIT_PG_DSN``).

    The libpq variables alone do not count: a shell with ``PGHOST`` set for other work should
    not make every scan open a database session.
    """
    env = os.environ if environ is None else environ
    return bool(env.get(DSN_ENV, "").strip())


__all__ = [
    "APPLICATION_NAME",
    "DSN_ENV",
    "REDACTED",
    "SESSION_SETUP",
    "PgConfig",
    "configured",
]
