"""Classic Load Balancers (``aws_elb``) judged on Terraform like live: AWS-CLB-001's PASS, FAIL,
ERROR and NOT_APPLICABLE through ``baa-audit iac`` and checkov itself.

The fixtures' own CLBs (tests/iac/fixtures/aws/noncompliant/classic_elb.tf) are in
test_mappings.py, test_shipped_policies.py and, against moto, test_parity.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.iac.checkov_env import CheckovCommand

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'

LISTENER = """
  listener {{
    instance_port      = 443
    instance_protocol  = "https"
    lb_port            = {port}
    lb_protocol        = "{protocol}"
    ssl_certificate_id = "arn:aws:acm:us-east-1:123456789012:certificate/phi"
  }}
"""

CLBS = (
    PROVIDER
    + """
resource "aws_elb" "tls12" {
  name               = "tls12"
  availability_zones = ["us-east-1a"]
"""
    + LISTENER.format(port=443, protocol="https")
    + """}

resource "aws_lb_ssl_negotiation_policy" "tls12" {
  name          = "tls12"
  load_balancer = aws_elb.tls12.id
  lb_port       = 443
  attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-2-2017-01"
  }
}

resource "aws_elb" "tls11" {
  name               = "tls11"
  availability_zones = ["us-east-1a"]
"""
    + LISTENER.format(port=443, protocol="https")
    + """}

resource "aws_lb_ssl_negotiation_policy" "tls11" {
  name          = "tls11"
  load_balancer = aws_elb.tls11.id
  lb_port       = 443
  attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-1-2017-01"
  }
}

resource "aws_elb" "elsewhere" {
  name               = "elsewhere"
  availability_zones = ["us-east-1a"]
"""
    + LISTENER.format(port=443, protocol="https")
    + """}

resource "aws_load_balancer_listener_policy" "elsewhere" {
  load_balancer_name = aws_elb.elsewhere.name
  load_balancer_port = 443
  policy_names       = ["policy-from-another-stack"]
}

resource "aws_elb" "ancient" {
  name               = "ancient"
  availability_zones = ["us-east-1a"]
"""
    + LISTENER.format(port=443, protocol="https")
    + """}

resource "aws_lb_ssl_negotiation_policy" "ancient" {
  name          = "ancient"
  load_balancer = aws_elb.ancient.id
  lb_port       = 443
  attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-2011-08"
  }
}
"""
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkov_command: CheckovCommand) -> Path:
    if checkov_command.source == "managed":
        monkeypatch.setenv(
            "BAA_AUDIT_CHECKOV_VENV", str(Path(checkov_command.argv[0]).parent.parent)
        )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _iac(directory: str, out: str) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(
        cli,
        ["iac", directory, "--checks", "AWS-CLB-001", "--profile", "hipaa-baseline", "--out", out],
    )
    assert res.exit_code != 2, res.stderr
    return res.exit_code, json.loads(Path(out, "result.json").read_text())


def test_classic_elb_statuses(env: Path) -> None:
    (env / "clbs").mkdir()
    (env / "clbs" / "main.tf").write_text(CLBS)
    code, result = _iac("clbs", "out")
    findings = {
        f["resource"]["id"]: f
        for f in result["findings"]  # type: ignore[attr-defined]
        if f["policy_id"] == "AWS-CLB-001"
    }
    assert {k: f["status"] for k, f in findings.items()} == {
        "aws_elb.tls12": "PASS",
        "aws_elb.tls11": "FAIL",
        "aws_elb.elsewhere": "ERROR",
        "aws_elb.ancient": "ERROR",
    }
    assert code == 1
    assert findings["aws_elb.tls11"]["evidence"]["listeners"][0]["ssl_protocols"] == [
        "TLSv1.1",
        "TLSv1.2",
    ]
    assert findings["aws_elb.tls11"]["resource"]["location"]["address"] == "aws_elb.tls11"
    gaps = {k: f["gap"] for k, f in findings.items() if f["gap"]}
    assert gaps["aws_elb.elsewhere"]["error_code"] == "NotInConfiguration"
    assert "policy-from-another-stack" in gaps["aws_elb.elsewhere"]["message"]
    assert gaps["aws_elb.ancient"]["error_code"] == "SSLPolicyNotInTable"


def test_no_classic_elb_is_not_applicable(env: Path) -> None:
    (env / "none").mkdir()
    (env / "none" / "main.tf").write_text(
        PROVIDER + 'resource "aws_ebs_volume" "v" {\n  availability_zone = "us-east-1a"\n'
        "  size = 8\n  encrypted = true\n}\n"
    )
    code, result = _iac("none", "out")
    (finding,) = result["findings"]  # type: ignore[misc]
    assert (finding["policy_id"], finding["status"]) == ("AWS-CLB-001", "NOT_APPLICABLE")
    assert finding["message"] == "0 aws.elb.load_balancer in none."
    assert code == 0
