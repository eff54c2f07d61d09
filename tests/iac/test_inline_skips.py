"""Inline skips (``# baa-audit:skip=ID reason``): the comment reader, and the flag end to end
through ``baa-audit iac`` with checkov itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.iac.checkov_env import CheckovCommand
from auditor.iac.skips import read_skips

# -- the comment reader ----------------------------------------------------------------------

HCL = """\
# baa-audit:skip=AWS-RDS-001 above the block
# another comment line keeps the block adjacent
resource "aws_db_instance" "a" {
  storage_encrypted = false # baa-audit:skip=AWS-RDS-010: trailing, checkov's colon
  // baa-audit:skip=AWS-RDS-011 slashes inside
  name = "# baa-audit:skip=AWS-S3-001 inside a string is not a comment"
  policy = <<EOF
# baa-audit:skip=AWS-S3-002 inside a heredoc is not a comment
EOF
}

# baa-audit:skip=AWS-EBS-002 a blank line below: not above any block

resource "aws_ebs_volume" "v" {}
"""


def test_reader_finds_comments_not_strings_or_heredocs(tmp_path: Path) -> None:
    main = tmp_path / "main.tf"
    main.write_text(HCL)
    skips, problems = read_skips([main])
    assert problems == []
    assert [(s.line, s.policy_id, s.reason, s.above) for s in skips] == [
        (1, "AWS-RDS-001", "above the block", 3),
        (4, "AWS-RDS-010", "trailing, checkov's colon", None),
        (5, "AWS-RDS-011", "slashes inside", 6),  # inside the block: its lines cover it
        (12, "AWS-EBS-002", "a blank line below: not above any block", None),
    ]


def test_reader_reports_every_skip_without_a_reason_or_id(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text(
        'resource "x" "y" {\n  # baa-audit:skip=AWS-S3-001\n  # baa-audit:skip= why\n}\n'
    )
    (tmp_path / "b.tf").write_text('resource "x" "z" { // baa-audit:skip=AWS-S3-001:\n}\n')
    _, problems = read_skips([tmp_path / "a.tf", tmp_path / "b.tf"])
    assert [(Path(p.file).name, p.line) for p in problems] == [
        ("a.tf", 2),
        ("a.tf", 3),
        ("b.tf", 1),
    ]
    assert "has no reason" in problems[0].message and "id is missing" in problems[1].message


# -- end to end ------------------------------------------------------------------------------

MAIN = """\
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

# baa-audit:skip=AWS-RDS-001 reporting replica holds no PHI (SEC-12)
resource "aws_db_instance" "reporting" {
  identifier           = "reporting"
  engine               = "postgres"
  instance_class       = "db.t4g.micro"
  allocated_storage    = 20
  storage_encrypted    = false
  parameter_group_name = aws_db_parameter_group.pg.name
}

resource "aws_iam_role" "break_glass" {
  name                 = "break-glass"
  max_session_duration = 43200 # baa-audit:skip=AWS-IAM-005: break-glass role, reviewed quarterly
  assume_role_policy   = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "long" {
  #checkov:skip=AWS-IAM-005:checkov's own comment is not a baa-audit waiver
  name                 = "long"
  max_session_duration = 43200
  assume_role_policy   = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_s3_bucket" "logs" {
  bucket = "reporting-logs" # baa-audit:skip=AWS-S3-001 passes anyway
}
"""

VOLUME = """\
resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 8
  encrypted         = false
  // baa-audit:skip=AWS-EBS-002 scratch space, wiped nightly
}
"""

CHECKS = "AWS-RDS-001,AWS-IAM-005,AWS-EBS-002,AWS-S3-001"


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkov_command: CheckovCommand) -> Path:
    if checkov_command.source == "managed":
        monkeypatch.setenv(
            "BAA_AUDIT_CHECKOV_VENV", str(Path(checkov_command.argv[0]).parent.parent)
        )
    root = tmp_path / "stack"
    root.mkdir()
    (root / "main.tf").write_text(MAIN)
    (root / "volume.tf").write_text(VOLUME)
    monkeypatch.chdir(tmp_path)
    return root


def _iac(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, ["iac", "stack", "--checks", CHECKS, *args])
    return res.exit_code, res.stdout, res.stderr


def test_inline_skips_waive_with_reason_and_file_line(stack: Path) -> None:
    code, stdout, _ = _iac("--out", "out", "--format", "json,sarif,markdown")
    result = json.loads(Path("out/result.json").read_text())
    status = {(f["policy_id"], f["resource"]["id"]): f for f in result["findings"]}
    rds = status[("AWS-RDS-001", "aws_db_instance.reporting")]
    assert rds["status"] == "WAIVED"
    assert rds["waiver"] == {
        "id": "inline:stack/main.tf:18",
        "reason": "reporting replica holds no PHI (SEC-12)",
        "approver": "inline skip comment at stack/main.tf:18",
        "expires": None,
        "policy": "AWS-RDS-001",
        "resource": "aws_db_instance.reporting",
        "expired": False,
        "kind": "inline-skip",
        "location": "stack/main.tf:18",
    }
    glass = status[("AWS-IAM-005", "aws_iam_role.break_glass")]
    assert glass["status"] == "WAIVED" and glass["waiver"]["location"] == "stack/main.tf:30"
    assert glass["waiver"]["reason"] == "break-glass role, reviewed quarterly"
    volume = status[("AWS-EBS-002", "aws_ebs_volume.scratch")]
    assert volume["status"] == "WAIVED" and volume["waiver"]["location"] == "stack/volume.tf:5"
    # a skip covers only its own resource and policy; checkov's own comment is no waiver
    assert status[("AWS-IAM-005", "aws_iam_role.long")]["status"] == "FAIL"
    assert any(
        "AWS-IAM-005 on aws_iam_role.long is suppressed with a checkov:skip comment; baa-audit "
        "judges it anyway" in w
        for w in result["warnings"]
    )
    assert code == 1
    # the unused skip (the bucket passes) is named
    assert any(
        f"inline skip of AWS-S3-001 at stack/main.tf:{line_of(MAIN, 'passes anyway')} is unused: "
        "the finding is PASS" in w
        for w in result["warnings"]
    )
    # reports show the skip as the approver's record; SARIF as an accepted suppression
    assert (
        "Skipped inline at stack/main.tf:18: reporting replica holds no PHI"
        in Path("out/report.md").read_text()
    )
    sarif = json.loads(Path("out/report.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["AWS-IAM-005"]  # FAIL only
    assert "aws_iam_role.long" in stdout and "aws_db_instance.reporting" not in stdout


def test_no_inline_skips_turns_them_off(stack: Path) -> None:
    code, stdout, _ = _iac("--out", "audit", "--no-inline-skips")
    result = json.loads(Path("audit/result.json").read_text())
    assert code == 1
    assert result["summary"]["WAIVED"] == 0
    assert {f["resource"]["id"] for f in result["findings"] if f["status"] == "FAIL"} == {
        "aws_db_instance.reporting",
        "aws_iam_role.break_glass",
        "aws_iam_role.long",
        "aws_ebs_volume.scratch",
    }
    assert any("were not honoured (--no-inline-skips)" in w for w in result["warnings"])
    assert "aws_db_instance.reporting" in stdout


def test_skip_without_reason_or_unknown_id_is_an_input_error(stack: Path) -> None:
    text = (
        MAIN.replace(
            "# baa-audit:skip=AWS-RDS-001 reporting replica holds no PHI (SEC-12)",
            "# baa-audit:skip=AWS-RDS-001",
        )
        + '\nresource "aws_ebs_volume" "x" { # baa-audit:skip=AWS-EBS-02 typo\n}\n'
    )
    (stack / "main.tf").write_text(text)
    typo = line_of(text, "AWS-EBS-02 typo")
    code, _, stderr = _iac("--out", "bad")
    assert code == 2
    lines = stderr.splitlines()
    assert len(lines) == 2, stderr
    assert lines[0] == (
        "baa-audit: error: stack/main.tf:18: baa-audit:skip=AWS-RDS-001 has no reason; write why "
        "it is accepted after the id (baa-audit:skip=AWS-RDS-001 <reason>)"
    )
    assert lines[1].startswith(
        f"baa-audit: error: stack/main.tf:{typo}: baa-audit:skip=AWS-EBS-02: unknown policy id; did you "
        "mean AWS-EBS-00"
    )
    assert not Path("bad").exists()
    # turned off, the same comments do not stop an audit
    code, _, _ = _iac("--out", "audit", "--no-inline-skips")
    assert code == 1
