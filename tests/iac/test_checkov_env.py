"""Where checkov lives and how it is started (unit tests, no install)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from auditor.iac import checkov_env
from auditor.iac.checkov_env import (
    CHECKOV_VERSION,
    CheckovCommand,
    CheckovUnavailable,
    auditor_path_shim,
    default_venv_dir,
    ensure_checkov,
)
from auditor.iac.checkov_runner import CheckovTarget, checkov_argv


def test_default_dir_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BAA_AUDIT_CHECKOV_VENV", str(tmp_path / "v"))
    assert default_venv_dir() == tmp_path / "v"
    monkeypatch.delenv("BAA_AUDIT_CHECKOV_VENV")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_venv_dir() == tmp_path / "cache" / "baa-audit" / "checkov"


def test_explicit_checkov_must_be_executable(tmp_path: Path) -> None:
    with pytest.raises(CheckovUnavailable, match="not an executable"):
        ensure_checkov(tmp_path / "nope")
    exe = tmp_path / "checkov"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    command = ensure_checkov(exe)
    assert command.argv == (str(exe),) and command.source == "explicit"


def test_existing_managed_env_is_reused_without_install(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / "baa-audit-checkov.json").write_text(json.dumps({"checkov": CHECKOV_VERSION}))
    command = ensure_checkov(venv=venv, install=False)
    assert command.argv == (str(venv / "bin" / "python"), "-m", "checkov.main")
    assert command.install_seconds is None


def test_missing_env_without_install_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CheckovUnavailable, match="--checkov PATH"):
        ensure_checkov(venv=tmp_path / "absent", install=False)


def test_wrong_version_marker_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / "baa-audit-checkov.json").write_text(json.dumps({"checkov": "0.0.1"}))
    built: list[Path] = []
    monkeypatch.setattr(checkov_env, "create_venv", lambda v, version: built.append(v) or 1.0)
    ensure_checkov(venv=venv)
    assert built == [venv]


def test_shim_exposes_only_auditor(tmp_path: Path) -> None:
    shim = auditor_path_shim(tmp_path / "shim")
    assert [p.name for p in shim.iterdir()] == ["auditor"]
    assert (shim / "auditor" / "iac" / "checks" / "baa_policy_checks.py").is_file()
    assert auditor_path_shim(tmp_path / "shim") == shim  # idempotent


def test_argv_offline_json_and_check_filter() -> None:
    command = CheckovCommand(
        argv=("py", "-m", "checkov.main"), version=CHECKOV_VERSION, source="managed"
    )
    argv = checkov_argv(
        command, CheckovTarget(directories=(Path("/infra"),)), ["AWS-ELB-001", "GCP-SQL-001"]
    )
    assert argv[:5] == ["py", "-m", "checkov.main", "-d", "/infra"]
    for flag in ("--skip-download", "--external-checks-dir"):
        assert flag in argv
    assert argv[argv.index("--framework") + 1] == "terraform"
    assert argv[argv.index("--check") + 1] == "AWS-ELB-001,GCP-SQL-001"
    plan = checkov_argv(command, CheckovTarget(plan=Path("/p.json")), None)
    assert plan[3:5] == ["-f", "/p.json"] and "--check" not in plan
    assert plan[plan.index("--framework") + 1] == "terraform_plan"
