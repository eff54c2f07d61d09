"""Sessions: tests, lint, typecheck, demo, bench.

Run them with ``pipx run nox -s demo`` and ``pipx run nox -s tests`` (or ``nox -s ...`` after
``pipx install nox``); every session builds its own virtual environment (with uv when it is
installed, else virtualenv) from the Python that runs nox (3.11 or newer).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

#: The sessions use the Python that runs nox (pyproject.toml asks for 3.11 or newer): a fresh
#: machine has one Python, not necessarily a given minor version.
PYTHON = None
ROOT = Path(__file__).parent
#: long runs (Prowler scans for minutes; the CLI bench replicates snapshots to 300,000 resources)
EXPLICIT_ONLY = frozenset({"prowler_bench.py", "cli_bench.py"})
#: tests/conftest.py writes here the one line about tests that need system packages
SKIPPED_REPORT_ENV = "BAA_AUDIT_SKIPPED_REPORT"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole suite: unit, policy cases, end-to-end over HTTP against local emulators.

    Tests that need a system package (chromium, poppler-utils, Pango) run where it is installed;
    where it is not, one line at the end says which did not run and the apt-get line to enable
    them.
    """
    session.install("-e", ".[all,test]")
    session.log(_postgres_line())
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "skipped.txt"
        try:
            session.run(
                "pytest",
                *(session.posargs or ["-q", "-n", "auto"]),
                env={"MOTO_EC2_LOAD_DEFAULT_AMIS": "false", SKIPPED_REPORT_ENV: str(report)},
            )
        finally:
            line = report.read_text(encoding="utf-8").strip() if report.is_file() else ""
            if line:
                session.warn(line)


def _postgres_line() -> str:
    """One line saying whether tests/postgres can start a real PostgreSQL server here."""
    import shutil

    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    found = shutil.which("pg_ctl") or (str(debian[-1]) if debian else None)
    if found:
        return f"postgres: tests/postgres start a real server with {found}"
    return (
        "postgres: NO PostgreSQL server binaries (pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: "
        "tests/postgres will be SKIPPED (install: apt-get install postgresql)"
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff lint and format check, and the layer contracts (import-linter, pyproject.toml)."""
    session.install("ruff>=0.6", "import-linter>=2.1")
    session.install("--no-deps", "-e", ".")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports", "--no-cache")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy, strict on auditor/."""
    session.install("-e", ".[all]", "mypy>=1.11", "types-PyYAML")
    session.run("mypy")


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The full audit on the bundled sample environment: no cloud account, no network."""
    session.install("-e", ".[all]")
    out = session.posargs[0] if session.posargs else "demo-out"
    session.run("baa-audit", "demo", "--out", out, env={"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"})


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: each prints its figures (throughput, API calls per resource, peak memory)."""
    session.install("-e", ".[all,test]")
    scripts = sorted((ROOT / "bench").glob("*_bench.py"))
    if session.posargs:
        chosen = [s for s in scripts if any(a in s.name for a in session.posargs)]
    else:
        # the Prowler comparison installs Prowler and scans for minutes, the CLI bench runs
        # evaluate and report at 100,000 and 300,000 resources: run them by name
        chosen = [s for s in scripts if s.name not in EXPLICIT_ONLY]
        session.log(
            f"skipping {', '.join(sorted(EXPLICIT_ONLY))}: name one to run it (-- prowler, -- cli)"
        )
    for script in chosen:
        session.log(f"== {script.name}")
        session.run(
            "python", str(script), env={"MOTO_EC2_LOAD_DEFAULT_AMIS": "false", **_bench_env()}
        )


def _bench_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("BAA_AUDIT_BENCH_")}
