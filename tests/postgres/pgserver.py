"""A real PostgreSQL server for the tests and the benchmark, started in a temporary directory.

``find_binaries()`` looks for ``initdb``/``pg_ctl``/``postgres`` on PATH, then in Debian's
``/usr/lib/postgresql/<version>/bin`` (highest version first), where the ``postgresql`` package
puts them without touching PATH. ``PostgresServer.start()`` runs ``initdb`` and ``pg_ctl start``
on a free loopback port, with password authentication for every connection, no Unix socket, and
``log_statement = all`` into a log file the tests read back (:meth:`PostgresServer.statements`).

PostgreSQL refuses to run as root; under root (CI) the server runs as the ``postgres`` user the
Debian package creates (or ``nobody``), through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADMIN = "baa_admin"
ADMIN_PASSWORD = "admin-pw-8d1f0c"  # a test server's, on loopback only
BINARIES = ("initdb", "pg_ctl", "postgres")


class ServerUnavailable(RuntimeError):
    """PostgreSQL could not be found or started here (the message says why)."""


def find_binaries() -> Path:
    """The directory holding initdb, pg_ctl and postgres."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        directory = Path(os.path.realpath(on_path)).parent
        if all((directory / b).exists() for b in BINARIES):
            return directory
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0],
        reverse=True,
    )
    for directory in candidates:
        if all((directory / b).exists() for b in BINARIES):
            return directory
    raise ServerUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in "
        "/usr/lib/postgresql/*/bin; install them (Debian: apt-get install postgresql)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", user, "--"]
    raise ServerUnavailable("running as root with no 'postgres' user and no runuser")


@dataclass
class PostgresServer:
    bindir: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="baa-audit-pg-")))
    port: int = field(default_factory=free_port)
    version: str = ""

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def _cmd(self, *args: str) -> list[str]:
        return [*_run_as(), *args]

    def start(self) -> PostgresServer:
        prefix = _run_as()
        self.root.chmod(0o755)
        pwfile = self.root / "pw"
        pwfile.write_text(ADMIN_PASSWORD + "\n")
        if prefix:
            user = prefix[2]
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        init = subprocess.run(
            self._cmd(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                ADMIN,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if init.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
        options = " ".join(
            f"-c {o}"
            for o in (
                "listen_addresses=127.0.0.1",
                f"port={self.port}",
                "unix_socket_directories=''",
                "log_statement=all",
                "log_line_prefix='%m [%p] app=%a user=%u db=%d '",
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
                "shared_buffers=16MB",
                "max_connections=40",
            )
        )
        started = subprocess.run(
            self._cmd(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ),
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        if started.returncode != 0:
            tail = self.log.read_text()[-400:] if self.log.exists() else started.stderr
            raise ServerUnavailable(f"pg_ctl start failed: {tail.strip()}")
        with self.admin("postgres") as conn:
            self.version = str(conn.execute("SHOW server_version").fetchone()[0])
        return self

    def stop(self) -> None:
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self, user: str, password: str, database: str) -> dict[str, str | None]:
        """libpq environment for a session as ``user`` (and nothing else from the caller's)."""
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": user,
            "PGPASSWORD": password,
            "PGDATABASE": database,
            "PGPASSFILE": os.devnull,
            "PGSSLMODE": "disable",
            "PGSERVICE": None,
            "PGOPTIONS": None,
            "BAA_AUDIT_PG_DSN": None,
        }

    @contextmanager
    def admin(self, database: str = "postgres") -> Iterator[Any]:
        import psycopg

        conn = psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=ADMIN,
            password=ADMIN_PASSWORD,
            dbname=database,
            autocommit=True,
            application_name="baa-audit-tests",
        )
        try:
            yield conn
        finally:
            conn.close()

    def statements(self, application: str = "baa-audit") -> list[str]:
        """Every statement the server logged for sessions of ``application``, in order."""
        pattern = re.compile(
            rf"app={re.escape(application)} user=\S* db=\S* LOG:  (?:statement|execute [^:]*): (.*)"
        )
        found: list[str] = []
        for line in self.log.read_text(errors="replace").splitlines():
            match = pattern.search(line)
            if match:
                found.append(match.group(1))
        return found


def start_server() -> PostgresServer:
    return PostgresServer(find_binaries()).start()


__all__ = [
    "ADMIN",
    "ADMIN_PASSWORD",
    "PostgresServer",
    "ServerUnavailable",
    "find_binaries",
    "start_server",
]
