"""Fixtures for the iac tests.

``checkov_command`` (session scope) makes sure checkov's own virtual environment exists, exactly
as ``baa-audit iac`` does on first use: under ``$BAA_AUDIT_CHECKOV_VENV`` or
``~/.cache/baa-audit/checkov``. On a fresh machine (CI) that installs checkov once, about 26 s on
2 cores; afterwards it is reused. The time is printed in the test summary.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.iac.checkov_env import CheckovCommand, CheckovUnavailable, ensure_checkov
from auditor.iac.run import IacRequest, IacRun, run_iac

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
TEST_POLICIES = HERE / "policies"
REPO = HERE.parent.parent

_timing: dict[str, float | str] = {}


@pytest.fixture(scope="session")
def checkov_command() -> CheckovCommand:
    started = time.monotonic()
    try:
        command = ensure_checkov(os.environ.get("BAA_AUDIT_CHECKOV") or None)
    except CheckovUnavailable as exc:  # no network and no cache: say so, loudly
        pytest.fail(f"checkov's environment could not be created: {exc}")
    _timing["seconds"] = time.monotonic() - started
    _timing["how"] = (
        f"installed checkov {command.version}"
        if command.install_seconds
        else f"reused ({command.source})"
    )
    return command


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _timing:
        terminalreporter.write_line(
            f"iac: checkov environment {_timing['how']} in {float(_timing['seconds']):.1f} s"
        )


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from the repository root, so finding paths read tests/iac/fixtures/..."""
    monkeypatch.chdir(REPO)
    yield REPO


FIXTURE_DIRS = ("aws/compliant", "aws/noncompliant", "gcp/compliant", "gcp/noncompliant")


@pytest.fixture(scope="session")
def fixture_run(checkov_command: CheckovCommand) -> IacRun:
    """One checkov run over the four fixture directories, strict profile, shipped policies plus
    the two test policies; several test modules read it (checkov starts in ~2.5 s each time)."""
    paths = tuple(FIXTURES / d for d in FIXTURE_DIRS)
    return run_iac(
        IacRequest(paths=paths, profile="strict", policy_dirs=(TEST_POLICIES,), relative_to=REPO),
        command=checkov_command,
    )
