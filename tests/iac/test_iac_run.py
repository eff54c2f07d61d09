"""``baa-audit iac`` end to end: checkov in its own environment, our checks, our engine.

The policies here are two user policies in tests/iac/policies (passed with --policies, as a user
would), so these tests do not depend on which shipped policies exist; test_shipped_policies.py
runs the shipped ones over the same fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core.result import Finding
from auditor.iac.checkov_env import CheckovCommand
from auditor.iac.run import BUILTIN_SAFEGUARD, IacRequest, IacRun, run_iac
from tests.iac.conftest import FIXTURES, REPO, TEST_POLICIES


def _rows(findings: list[Finding]) -> list[tuple[str, str, str, int | None, int | None]]:
    """The findings of the two test policies (the shipped ones run too: test_shipped_policies)."""
    return sorted(
        (
            f.policy_id,
            f.status,
            f.resource.location.file if f.resource.location else f.resource.id,
            f.resource.location.line_start if f.resource.location else None,
            f.resource.location.line_end if f.resource.location else None,
        )
        for f in findings
        if f.policy_id.startswith("IACT-")
    )


def _request(*dirs: str, **kw: object) -> IacRequest:
    return IacRequest(
        paths=tuple(FIXTURES / d for d in dirs),
        policy_dirs=(TEST_POLICIES,),
        relative_to=REPO,
        **kw,  # type: ignore[arg-type]
    )


def test_findings_with_file_and_line(fixture_run: IacRun) -> None:
    run = fixture_run
    assert {"IACT-AWS-001", "IACT-GCP-001"} <= set(run.policy_ids)
    assert _rows(run.result.findings) == [
        ("IACT-AWS-001", "FAIL", "tests/iac/fixtures/aws/noncompliant/iam.tf", 1, 12),
        ("IACT-AWS-001", "PASS", "tests/iac/fixtures/aws/compliant/iam.tf", 1, 13),
        ("IACT-GCP-001", "FAIL", "tests/iac/fixtures/gcp/noncompliant/lb.tf", 1, 6),
        ("IACT-GCP-001", "PASS", "tests/iac/fixtures/gcp/compliant/lb.tf", 1, 6),
    ]
    fail = next(
        f for f in run.result.findings if f.policy_id == "IACT-AWS-001" and f.status == "FAIL"
    )
    assert (
        fail.message
        == "Role long-sessions allows 43200 s sessions; the BAA promises at most 28800 s."
    )
    assert fail.evidence == {"max_session_duration": 43200}
    assert (
        fail.resource.id == "aws_iam_role.long_sessions" and fail.safeguard == "session-management"
    )
    assert not [w for w in run.result.warnings if "IACT-" in w]
    assert run.result.inputs["terraform"] and run.result.inputs["policies"]


def test_plan_judges_values_hcl_cannot_resolve(checkov_command: CheckovCommand) -> None:
    hcl = run_iac(_request("plan/aws", profile="strict"), command=checkov_command)
    plan = run_iac(
        IacRequest(
            plan=FIXTURES / "plan" / "aws.plan.json", policy_dirs=(TEST_POLICIES,), relative_to=REPO
        ),
        command=checkov_command,
    )
    assert _rows(hcl.result.findings) == [
        ("IACT-AWS-001", "FAIL", "tests/iac/fixtures/plan/aws/modules/edge/main.tf", 26, 33),
    ]
    assert _rows(plan.result.findings) == [
        ("IACT-AWS-001", "FAIL", "tests/iac/fixtures/plan/aws.plan.json", 56, 65),
    ]
    assert "terraform_plan" in plan.result.inputs

    def shipped(run: IacRun, policy: str) -> list[tuple[str, int | None]]:
        return [
            (f.status, f.resource.location.line_start if f.resource.location else None)
            for f in run.result.findings
            if f.policy_id == policy
        ]

    # ssl_policy = lookup(local.map, var.env) in a module: unresolved in HCL, TLS 1.3 in the plan
    assert shipped(hcl, "AWS-ELB-001") == [("ERROR", 13)]
    assert shipped(plan, "AWS-ELB-001") == [("PASS", 79)]
    # DataIdentifier = a for expression over a local: unresolved in HCL, all ten in the plan
    assert shipped(hcl, "AWS-LOGS-001") == [("ERROR", 28)]
    assert shipped(plan, "AWS-LOGS-001") == [("PASS", 34)]
    hcl_gap = next(f for f in hcl.result.findings if f.policy_id == "AWS-ELB-001").gap
    assert hcl_gap is not None and hcl_gap.error_code == "UnknownBeforeApply"


def test_hand_written_gcp_plan(checkov_command: CheckovCommand) -> None:
    """A module's SSL policy and a proxy whose ssl_policy is known only after apply (a reference
    to the policy's id): the plan joins them as the live scan would."""
    run = run_iac(
        IacRequest(plan=FIXTURES / "plan" / "gcp.plan.json", relative_to=REPO),
        command=checkov_command,
    )
    located = sorted(
        (f.policy_id, f.status, f.resource.location.line_start)
        for f in run.result.findings
        if f.resource.location is not None
    )
    assert located == [
        ("GCP-GCE-010", "PASS", 58),
        ("GCP-GCE-011", "PASS", 76),
        ("GCP-GCE-014", "MANUAL", 76),
        ("GCP-SQL-001", "MANUAL", 21),
        ("GCP-SQL-010", "FAIL", 21),
        ("GCP-SQL-011", "FAIL", 21),
    ]


def test_builtins_off_by_default_and_kept_on_request(
    checkov_command: CheckovCommand, fixture_run: IacRun
) -> None:
    assert not [f for f in fixture_run.result.findings if f.policy_id.startswith("CKV")]
    on = run_iac(_request("aws/noncompliant", with_builtins=True), command=checkov_command)
    builtin = [f for f in on.result.findings if f.safeguard == BUILTIN_SAFEGUARD]
    assert builtin and all(f.policy_id.startswith("CKV") for f in builtin)
    assert all(f.severity == "info" and f.resource.location is not None for f in builtin)
    assert any("not BAA promises" in w for w in on.result.warnings)
    ours = [f for f in on.result.findings if f.safeguard != BUILTIN_SAFEGUARD]
    assert _rows(ours) == [
        ("IACT-AWS-001", "FAIL", "tests/iac/fixtures/aws/noncompliant/iam.tf", 1, 12)
    ]


def test_cli_writes_reports_and_exit_codes(
    checkov_command: CheckovCommand, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    if checkov_command.source == "managed":
        monkeypatch.setenv(
            "BAA_AUDIT_CHECKOV_VENV", str(Path(checkov_command.argv[0]).parent.parent)
        )
    runner = CliRunner()
    base_args = ["iac", "--policies", str(TEST_POLICIES), "--format", "json,markdown,sarif", "-q"]
    ok = runner.invoke(
        cli, [*base_args, "tests/iac/fixtures/aws/compliant", "--out", str(tmp_path / "ok")]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(
        cli,
        [*base_args, "tests/iac/fixtures/aws/noncompliant/iam.tf", "--out", str(tmp_path / "bad")],
    )
    assert bad.exit_code == 1, bad.output
    result = json.loads((tmp_path / "bad" / "result.json").read_text())
    (finding,) = [f for f in result["findings"] if f["policy_id"] == "IACT-AWS-001"]
    assert finding["resource"]["location"] == {
        "file": "tests/iac/fixtures/aws/noncompliant/iam.tf",
        "line_start": 1,
        "line_end": 12,
        "address": "aws_iam_role.long_sessions",
    }
    assert (tmp_path / "bad" / "report.md").is_file()
    sarif = json.loads((tmp_path / "bad" / "report.sarif").read_text())
    (located,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "IACT-AWS-001"]
    physical = located["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "tests/iac/fixtures/aws/noncompliant/iam.tf"
    assert (physical["region"]["startLine"], physical["region"]["endLine"]) == (1, 12)
    # the same failure already in the baseline does not fail the run
    again = runner.invoke(
        cli,
        [
            *base_args,
            "tests/iac/fixtures/aws/noncompliant",
            "--out",
            str(tmp_path / "again"),
            "--baseline",
            str(tmp_path / "bad" / "result.json"),
        ],
    )
    assert again.exit_code == 0, again.output
    usage = runner.invoke(cli, ["iac", "--out", str(tmp_path / "x")])
    assert usage.exit_code == 2 and "Terraform directory" in usage.output


def test_a_file_checkov_cannot_parse_is_an_error_not_a_clean_run(
    checkov_command: CheckovCommand, tmp_path: Path
) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role" "x" {\n  name = "a"\n  max_session_duration =\n'
    )
    run = run_iac(IacRequest(paths=(tmp_path,), relative_to=tmp_path), command=checkov_command)
    assert [(f.policy_id, f.status, f.resource.id) for f in run.result.findings] == [
        ("BAA-IAC-PARSE-000", "ERROR", "main.tf")
    ]
    assert run.result.summary["ERROR"] == 1
