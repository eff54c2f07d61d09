"""An AWS-only Terraform tree: no warnings about GCP, and a scope that names the configuration
(issue 16: six GCP warnings and the scope "aws ? (all regions)")."""

from __future__ import annotations

from auditor.iac.checkov_env import CheckovCommand
from auditor.iac.run import IacRequest, run_iac

from .conftest import FIXTURES, REPO


def test_aws_only_terraform_hears_nothing_about_gcp(checkov_command: CheckovCommand) -> None:
    run = run_iac(
        IacRequest(paths=(FIXTURES / "aws" / "noncompliant",), relative_to=REPO),
        command=checkov_command,
    )
    assert run.result.findings
    assert {f.resource.provider for f in run.result.findings} == {"aws"}
    assert not [w for w in run.result.warnings if "GCP-" in w or "gcp" in w.lower()]
    scope = run.result.scope
    assert scope.terraform == ["tests/iac/fixtures/aws/noncompliant"]
    assert scope.label() == "terraform tests/iac/fixtures/aws/noncompliant (aws)"
