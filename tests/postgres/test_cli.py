"""The stages one by one for PostgreSQL (collect, then evaluate offline), the flags' errors, and
the LittleClouds profile against its BAA's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from auditor.cli import cli

from . import schemas
from .conftest import PROFILE

BAA = Path(__file__).parents[3] / "shared" / "baa" / "littleclouds-baa.txt"


@pytest.mark.e2e
def test_collect_then_evaluate_offline(pg_server, tmp_path) -> None:
    snapshot = tmp_path / "snap.jsonl"
    env = pg_server.env(schemas.AUDITOR, schemas.AUDITOR_PASSWORD, "rls_missing")
    collected = CliRunner().invoke(
        cli,
        [
            "collect",
            "--provider",
            "postgres",
            "--profile",
            "littleclouds",
            "--snapshot",
            str(snapshot),
            "--quiet",
        ],
        env=env,
        catch_exceptions=False,
    )
    assert collected.exit_code == 0, collected.output
    lines = [json.loads(line) for line in snapshot.read_text().splitlines()]
    types = {line["type"] for line in lines if line["kind"] == "resource"}
    assert types == {"postgres.database", "postgres.role", "postgres.table"}
    assert schemas.AUDITOR_PASSWORD not in snapshot.read_text()
    # evaluate needs no database: the snapshot is the evidence
    out = tmp_path / "out"
    evaluated = CliRunner().invoke(
        cli,
        ["evaluate", str(snapshot), "--profile", "littleclouds", "--out", str(out), "--no-history"],
        env={"PGHOST": "192.0.2.1", "PGPORT": "1"},
        catch_exceptions=False,
    )
    assert evaluated.exit_code == 1
    result = json.loads((out / "result.json").read_text())
    failing = {
        f["resource"]["id"].rsplit("/", 1)[-1]
        for f in result["findings"]
        if f["policy_id"] == "PG-RLS-001" and f["status"] == "FAIL"
    }
    assert failing == {"public.invoices"}
    assert result["scope"]["providers"] == ["postgres"]
    assert result["schema_version"] == "1.1"


def test_probe_isolation_needs_the_postgres_provider(tmp_path) -> None:
    outcome = CliRunner().invoke(
        cli,
        ["scan", "--provider", "aws", "--probe-isolation", "--out", str(tmp_path / "o")],
    )
    assert outcome.exit_code == 2
    assert "--probe-isolation" in outcome.output
    assert not (tmp_path / "o").exists()


def test_postgres_is_a_provider_choice() -> None:
    outcome = CliRunner().invoke(cli, ["scan", "--help"])
    assert "postgres" in outcome.output and "--probe-isolation" in outcome.output
    listed = CliRunner().invoke(cli, ["policies", "list", "--provider", "postgres"])
    assert listed.exit_code == 0
    assert "PG-RLS-001" in listed.output and "AWS-" not in listed.output


def test_littleclouds_quotes_its_baa_verbatim() -> None:
    if not BAA.is_file():
        pytest.skip(f"the LittleClouds BAA text is not beside the repository ({BAA})")
    text = BAA.read_text()
    profile = yaml.safe_load(PROFILE.read_text())
    for promise in profile["promises"]:
        assert promise["clause"] in text, promise["id"]
    isolation = next(p for p in profile["promises"] if p["id"] == "tenant-isolation")
    assert set(isolation["parameters"]) == {"tenant_key", "tenant_setting", "app_role"}
    # what the BAA does not promise, the profile does not either
    params = {k for p in profile["promises"] for k in p.get("parameters", {})}
    assert not params & {
        "mfa_required",
        "session_absolute_max_seconds",
        "session_idle_max_seconds",
        "encryption_algorithm",
    }
