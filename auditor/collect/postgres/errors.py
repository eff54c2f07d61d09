"""psycopg errors as gaps: the SQLSTATE, what failed, and the privilege that would fix it."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.collect.postgres.connect import PgConfig

#: SQLSTATE classes and codes whose cause is a missing grant or login, and what to grant.
_CONNECT_HINTS = {
    "28P01": "a valid password for the audit role (PGPASSWORD, PGPASSFILE or the DSN)",
    "28000": "a pg_hba.conf entry admitting the audit role from this host",
    "3D000": "an existing database (check the profile's databases parameter or PGDATABASE)",
    "42501": "CONNECT on the database for the audit role",
    "53300": "a free connection slot",
}


#: libpq reports a failed connection without a SQLSTATE; its message says which it was.
_CONNECT_MESSAGES: tuple[tuple[str, str], ...] = (
    ("password authentication failed", "28P01"),
    ("no password supplied", "28P01"),
    ("no pg_hba.conf entry", "28000"),
    ("does not exist", "3D000"),
    ("permission denied for database", "42501"),
    ("too many clients", "53300"),
    ("connection refused", "ConnectionRefused"),
    ("could not translate host name", "UnknownHost"),
    ("timeout expired", "Timeout"),
    ("server does not support ssl", "SSLUnsupported"),
    ("certificate", "SSLCertificate"),
)


@dataclass(frozen=True)
class PgFailure:
    """What a failed connection or query tells a gap: code, name and message."""

    error_code: str
    message: str


def sqlstate_of(exc: BaseException) -> str | None:
    return getattr(exc, "sqlstate", None)


def _name(exc: BaseException) -> str:
    code = sqlstate_of(exc)
    if code:
        return code
    return type(exc).__name__


def _first_line(exc: BaseException, config: PgConfig) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    # "connection failed: connection to server at ... failed: FATAL:  ..." -> keep the tail
    return config.scrub(" ".join(line.split()))[:300]


def connect_failure(exc: BaseException, config: PgConfig, database: str) -> PgFailure:
    code = sqlstate_of(exc)
    if code is None:
        lowered = str(exc).lower()
        code = next((c for text, c in _CONNECT_MESSAGES if text in lowered), None)
    need = _CONNECT_HINTS.get(code or "")
    message = f"could not connect to {database} as {config.user or 'the default user'}: {_first_line(exc, config)}"
    if need:
        message += f"; needs {need}"
    return PgFailure(error_code=code or "ConnectionFailed", message=message)


def query_failure(exc: BaseException, config: PgConfig, what: str, needs: str) -> PgFailure:
    """A failed catalog query: permission errors name ``needs`` (e.g. SELECT on pg_policies)."""
    code = sqlstate_of(exc)
    detail = _first_line(exc, config)
    if code == "42501":
        return PgFailure("42501", f"{what}: permission denied ({detail}); needs {needs}")
    if code == "57014":
        return PgFailure("57014", f"{what}: cancelled by statement_timeout ({detail})")
    return PgFailure(_name(exc), f"{what}: {detail}")


__all__ = ["PgFailure", "connect_failure", "query_failure", "sqlstate_of"]
