"""The pre-commit hook and the example CI workflow name commands and flags that exist."""

from __future__ import annotations

import shlex

import yaml
from click.testing import CliRunner

from auditor.cli import cli
from tests.iac.conftest import REPO


def _iac_options() -> set[str]:
    help_text = CliRunner().invoke(cli, ["iac", "--help"]).output
    return {word.rstrip(",") for word in help_text.split() if word.startswith("--")}


def test_pre_commit_hook_runs_baa_audit_iac() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    argv = shlex.split(hook["entry"])
    assert argv[:2] == ["baa-audit", "iac"] and hook["pass_filenames"]
    assert hook["files"] == r"\.tf(\.json)?$"
    assert {a for a in argv if a.startswith("--")} <= _iac_options()


def test_pre_commit_hook_installs_what_the_aws_mappings_need() -> None:
    """The AWS mappers reuse the live collectors' readers (botocore): the hook's environment
    gets the aws extra's requirements, kept equal to pyproject's."""
    import tomllib

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert hook["additional_dependencies"] == extras["aws"]


def test_ci_workflow_fails_only_on_new_failures() -> None:
    workflow = yaml.safe_load((REPO / "deploy" / "ci" / "github-actions-iac.yml").read_text())
    steps = workflow["jobs"]["iac"]["steps"]
    commands = " ".join(s.get("run", "") for s in steps)
    assert "--baseline" in commands and "--fail-on" in commands
    used = {
        w for w in shlex.split(commands.replace("\\\n", " ")) if w.startswith("--") and "=" not in w
    }
    assert used - {"--detach"} <= _iac_options()
    sarif = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    assert sarif["with"]["sarif_file"] == "baa-audit-iac/report.sarif"
