"""``baa-audit iac --var-file``: terraform's semantics (terraform.tfvars loaded first, then each
``--var-file`` in order, a later file winning), through the CLI and checkov itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.iac.checkov_env import CheckovCommand

MAIN = """\
provider "aws" {
  region = "us-east-1"
}

variable "session" {
  type    = number
  default = 3600
}

resource "aws_iam_role" "operator" {
  name                 = "operator"
  max_session_duration = var.session
  assume_role_policy   = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }]
  })
}
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkov_command: CheckovCommand) -> Path:
    if checkov_command.source == "managed":
        monkeypatch.setenv(
            "BAA_AUDIT_CHECKOV_VENV", str(Path(checkov_command.argv[0]).parent.parent)
        )
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(MAIN)
    (stack / "terraform.tfvars").write_text("session = 7200\n")  # loaded by terraform itself
    vars_dir = tmp_path / "vars"
    vars_dir.mkdir()
    (vars_dir / "long.tfvars").write_text("session = 43200\n")
    (vars_dir / "short.tfvars.json").write_text(json.dumps({"session": 28800}) + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(out: str, *var_files: str) -> tuple[int, dict[str, object], str]:
    args = ["iac", "stack", "--checks", "AWS-IAM-005", "--out", out, "-q"]
    for var_file in var_files:
        args += ["--var-file", var_file]
    res = CliRunner().invoke(cli, args)
    result = json.loads(Path(out, "result.json").read_text()) if res.exit_code != 2 else {}
    return res.exit_code, result, res.stdout + res.stderr


def _seconds(result: dict[str, object]) -> object:
    (finding,) = [
        f
        for f in result["findings"]  # type: ignore[attr-defined]
        if f["resource"]["id"] == "aws_iam_role.operator"
    ]
    return finding["status"], finding["evidence"]["max_session_duration"]


def test_later_var_file_wins_as_with_terraform(work: Path) -> None:
    code, auto, _ = _run("auto")
    assert (code, _seconds(auto)) == (0, ("PASS", 7200))  # terraform.tfvars
    code, long, output = _run("long", "vars/long.tfvars")
    assert (code, _seconds(long)) == (1, ("FAIL", 43200))  # -var-file beats terraform.tfvars
    assert "aws_iam_role.operator" in output and "max_session_duration=43200" in output
    code, both, _ = _run("both", "vars/long.tfvars", "vars/short.tfvars.json")
    assert (code, _seconds(both)) == (0, ("PASS", 28800))  # the later file wins
    code, reverse, _ = _run("reverse", "vars/short.tfvars.json", "vars/long.tfvars")
    assert (code, _seconds(reverse)) == (1, ("FAIL", 43200))
    # the variable files are part of what was judged: the digest says which, in which order
    digests = {r["inputs"]["terraform"] for r in (auto, long, both, reverse)}  # type: ignore[index]
    assert len(digests) == 4


def test_bad_var_files_are_input_errors(work: Path) -> None:
    (work / "vars" / "x.txt").write_text("session = 1\n")
    for args, message in (
        (["--var-file", "vars/missing.tfvars"], "vars/missing.tfvars: variable file not found"),
        (
            ["--var-file", "vars/x.txt"],
            "vars/x.txt: a variable file ends in .tfvars or .tfvars.json",
        ),
    ):
        res = CliRunner().invoke(cli, ["iac", "stack", "--out", "bad", *args])
        assert res.exit_code == 2 and message in res.stderr, res.stderr
    plan = work / "plan.json"
    plan.write_text("{}")
    res = CliRunner().invoke(
        cli, ["iac", "--plan", str(plan), "--var-file", "vars/long.tfvars", "--out", "bad"]
    )
    assert res.exit_code == 2 and "--var-file does not apply to --plan" in res.stderr
    assert not (work / "bad").exists()
