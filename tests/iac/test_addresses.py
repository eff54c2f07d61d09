"""Every IaC finding names its Terraform address, for every provider and inside modules, in
result.json, SARIF, Markdown and the terminal table; the SARIF holds only what needs attention
unless --sarif-all. Through the CLI and checkov itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.iac.checkov_env import CheckovCommand
from tests.iac.conftest import REPO


@pytest.fixture
def at_repo(monkeypatch: pytest.MonkeyPatch, checkov_command: CheckovCommand) -> Path:
    if checkov_command.source == "managed":
        monkeypatch.setenv(
            "BAA_AUDIT_CHECKOV_VENV", str(Path(checkov_command.argv[0]).parent.parent)
        )
    monkeypatch.chdir(REPO)
    return REPO


def test_addresses_on_every_provider_and_sarif_for_code_scanning(
    at_repo: Path, tmp_path: Path
) -> None:
    dirs = ["tests/iac/fixtures/gcp/noncompliant", "tests/iac/fixtures/plan/aws"]
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["iac", *dirs, "--out", str(out), "--format", "json,sarif,markdown"]
    )
    assert res.exit_code == 1, res.output
    result = json.loads((out / "result.json").read_text())
    located = [f for f in result["findings"] if f["resource"].get("location")]
    assert located
    missing = [
        f["policy_id"]
        for f in located
        if not f["resource"]["location"].get("address") and f["policy_id"] != "BAA-IAC-PARSE-000"
    ]
    assert missing == []
    address = {(f["policy_id"], f["resource"]["location"]["address"]): f for f in located}
    gcp = address[("GCP-GCE-010", "google_compute_ssl_policy.compatible")]
    assert gcp["resource"]["id"] == (
        "//compute.googleapis.com/projects/phi-prod/global/sslPolicies/legacy-compatible"
    )  # the id stays the live scan's full resource name
    assert ("AWS-IAM-005", "module.edge.aws_iam_role.operator") in address

    sarif = json.loads((out / "report.sarif").read_text())
    run = sarif["runs"][0]
    statuses = {r["properties"]["status"] for r in run["results"]}
    assert statuses <= {"FAIL", "ERROR"} and "FAIL" in statuses
    assert run["properties"]["results_with_status"] == ["FAIL", "ERROR"]
    assert (
        run["properties"]["summary"]["PASS"] + run["properties"]["summary"]["NOT_APPLICABLE"] > 0
    )  # the run's counts still cover every finding
    (result_gcp,) = [r for r in run["results"] if r["ruleId"] == "GCP-GCE-010"]
    logical = result_gcp["locations"][0]["logicalLocations"]
    assert logical[0]["fullyQualifiedName"] == "google_compute_ssl_policy.compatible"
    assert logical[1]["fullyQualifiedName"] == gcp["resource"]["id"]

    markdown = (out / "report.md").read_text()
    assert (
        "google\\_compute\\_ssl\\_policy.compatible (tests/iac/fixtures/gcp/noncompliant/lb.tf:1)"
        in markdown
    )
    assert "module.edge.aws\\_iam\\_role.operator" in markdown
    assert "google_compute_ssl_policy.compatible" in res.stdout  # the table
    assert "module.edge.aws_iam_role.operator" in res.stdout

    everything = tmp_path / "all"
    res = CliRunner().invoke(
        cli, ["iac", *dirs, "--out", str(everything), "--format", "sarif", "--sarif-all", "-q"]
    )
    run = json.loads((everything / "report.sarif").read_text())["runs"][0]
    assert {"PASS", "FAIL", "NOT_APPLICABLE"} <= {r["properties"]["status"] for r in run["results"]}
    assert "results_with_status" not in run["properties"]
