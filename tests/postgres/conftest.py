"""A real PostgreSQL server for tests/postgres, started once per test process.

Where PostgreSQL cannot be started the tests here are skipped with the reason as the skip
message (``-ra`` prints it in the summary, and ``nox -s tests`` prints one line before the run).
Set ``BAA_AUDIT_REQUIRE_POSTGRES=1`` (CI does) to make that a failure instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import schemas
from .pgserver import PostgresServer, ServerUnavailable, start_server

REQUIRE_ENV = "BAA_AUDIT_REQUIRE_POSTGRES"
PROFILE = Path(__file__).parents[2] / "policies" / "profiles" / "littleclouds.yaml"

pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    try:
        server = start_server()
    except ServerUnavailable as exc:
        message = f"PostgreSQL could not be started, tests/postgres not run: {exc}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        schemas.build(server)
        yield server
    finally:
        server.stop()


@dataclass
class ScanRun:
    exit_code: int
    output: str
    out: Path
    result: dict[str, Any]

    def statuses(self, policy: str) -> dict[str, str]:
        """resource id -> status for one policy."""
        return {
            f["resource"]["id"]: f["status"]
            for f in self.result["findings"]
            if f["policy_id"] == policy
        }

    def findings(self, policy: str) -> list[dict[str, Any]]:
        return [f for f in self.result["findings"] if f["policy_id"] == policy]

    def text_of_every_file(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.out.rglob("*")) if p.is_file()
        )


def write_profile(path: Path, **tenant: Any) -> Path:
    """The LittleClouds profile with the tenant-isolation promise's parameters overridden."""
    data = yaml.safe_load(PROFILE.read_text())
    data["id"] = "littleclouds-test"
    for promise in data["promises"]:
        if promise["id"] == "tenant-isolation":
            promise["parameters"].update(tenant)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def scan(pg_server: PostgresServer, tmp_path: Path):
    """Run ``baa-audit scan --provider postgres`` through the CLI against one scenario."""
    from click.testing import CliRunner

    from auditor.cli import cli

    counter = iter(range(1000))

    def run(
        database: str,
        *extra: str,
        profile: str | Path = "littleclouds",
        user: str = schemas.AUDITOR,
        password: str = schemas.AUDITOR_PASSWORD,
        env: dict[str, str | None] | None = None,
    ) -> ScanRun:
        out = tmp_path / f"out-{next(counter)}"
        environ = pg_server.env(user, password, database) | (env or {})
        outcome = CliRunner().invoke(
            cli,
            [
                "scan",
                "--provider",
                "postgres",
                "--profile",
                str(profile),
                "--out",
                str(out),
                "--no-history",
                "--format",
                "json,markdown,html",
                *extra,
            ],
            env=environ,
            catch_exceptions=False,
        )
        result_file = out / "result.json"
        result = json.loads(result_file.read_text()) if result_file.is_file() else {}
        return ScanRun(outcome.exit_code, outcome.output, out, result)

    return run
