"""A ``.tf.json`` file is not read by checkov's terraform framework (checked with 3.3.30): its
resources are reported as not assessed (ERROR, exit 3), never passed over in silence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.iac.checkov_env import CheckovCommand


def test_tf_json_is_not_assessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkov_command: CheckovCommand
) -> None:
    if checkov_command.source == "managed":
        monkeypatch.setenv(
            "BAA_AUDIT_CHECKOV_VENV", str(Path(checkov_command.argv[0]).parent.parent)
        )
    monkeypatch.chdir(tmp_path)
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n')
    volume = {
        "aws_ebs_volume": {"v": {"availability_zone": "us-east-1a", "size": 8, "encrypted": False}}
    }
    (stack / "volume.tf.json").write_text(json.dumps({"resource": volume}))
    res = CliRunner().invoke(
        cli, ["iac", "stack", "--checks", "AWS-EBS-002", "--out", "out", "--format", "sarif"]
    )
    assert res.exit_code == 3, res.output
    result = json.loads(Path("out/result.json").read_text())
    errors = [f for f in result["findings"] if f["status"] == "ERROR"]
    assert [(f["policy_id"], f["resource"]["id"]) for f in errors] == [
        ("BAA-IAC-PARSE-000", "stack/volume.tf.json")
    ]
    assert "Terraform JSON syntax" in errors[0]["message"]
    assert "stack/volume.tf.json" in res.stdout  # the ERROR row
    sarif = json.loads(Path("out/report.sarif").read_text())
    assert [r["properties"]["status"] for r in sarif["runs"][0]["results"]] == ["ERROR"]
