"""The pre-commit hook, run by pre-commit itself on a sample git repository.

``pre-commit try-repo`` installs this checkout's hook exactly as a user's ``repo:`` entry would
(``.pre-commit-hooks.yaml``: the package and its ``additional_dependencies`` in a fresh virtual
environment), then runs it on the sample repository's Terraform. The hook finds checkov's own
managed environment (``BAA_AUDIT_CHECKOV_VENV``, as a user's cache would be found).

The hook's environment is built once per version of this checkout in ``PRE_COMMIT_HOME``
(default ``~/.cache/baa-audit/pre-commit-tests``; ``$BAA_AUDIT_PRE_COMMIT_HOME`` overrides): the
first run needs PyPI and takes about a minute on 2 cores, later runs reuse it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.iac.checkov_env import CheckovCommand
from tests.iac.conftest import REPO

PARAMETER_GROUP = """\
provider "aws" {
  region = "us-east-1"
}

resource "aws_db_parameter_group" "pg" {
  name   = "reporting-pg16"
  family = "postgres16"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "ssl_min_protocol_version"
    value = "TLSv1.3"
  }
}
"""

DB = """
resource "aws_db_instance" "reporting" {{
  identifier           = "reporting"
  engine               = "postgres"
  instance_class       = "db.t4g.micro"
  allocated_storage    = 20
  storage_encrypted    = {encrypted}
  parameter_group_name = aws_db_parameter_group.pg.name
}}
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "infra-repo"
    (repo / "rds").mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "dev")
    (repo / ".gitignore").write_text(".baa-audit-iac/\n")
    return repo


def _hook(repo: Path, checkov: CheckovCommand, *files: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = os.environ.get("BAA_AUDIT_PRE_COMMIT_HOME") or str(
        Path.home() / ".cache" / "baa-audit" / "pre-commit-tests"
    )
    if checkov.source == "managed":
        env["BAA_AUDIT_CHECKOV_VENV"] = str(Path(checkov.argv[0]).parent.parent)
    env.pop("VIRTUAL_ENV", None)
    _git(repo, "add", "-A")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(REPO),
            "baa-audit-iac",
            "--files",
            *files,
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def test_hook_fails_on_a_noncompliant_tf_and_names_the_resource(
    sample_repo: Path, checkov_command: CheckovCommand
) -> None:
    main = sample_repo / "rds" / "main.tf"
    main.write_text(PARAMETER_GROUP + DB.format(encrypted="false"))
    failing = _hook(sample_repo, checkov_command, "rds/main.tf")
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "baa-audit (BAA safeguards on Terraform)" in output and "Failed" in output
    # the failing resource, its policy and file:line are printed (the findings table)
    row = next(line for line in output.splitlines() if line.startswith("FAIL"))
    assert row.split()[:4] == ["FAIL", "AWS-RDS-001", "high", "aws_db_instance.reporting"]
    assert "storage_encrypted=false" in row
    assert "rds/main.tf:" in output
    # the RDS checks are judged (the hook installs what the AWS mappings need), not ERROR
    assert not [line for line in output.splitlines() if line.startswith("ERROR")]
    assert "FAIL 1, ERROR 0," in output and "could not be mapped" not in output
    result = sample_repo / ".baa-audit-iac" / "result.json"
    assert result.is_file() and (sample_repo / ".baa-audit-iac" / "report.sarif").is_file()

    main.write_text(PARAMETER_GROUP + DB.format(encrypted="true"))
    passing = _hook(sample_repo, checkov_command, "rds/main.tf")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
