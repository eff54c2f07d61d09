"""Starting checkov as a subprocess and reading its report.

Checkov always runs offline: ``--skip-download`` and ``BC_SKIP_MAPPING=TRUE`` keep it from
calling the Prisma Cloud API (without them it tries, fails at DNS and carries on, a second
slower). Its exit code says only whether some check failed, so it is not used: the JSON report
is the result, and a run that printed none is an error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.core.errors import BaaAuditError
from auditor.iac.checkov_env import CheckovCommand, auditor_path_shim
from auditor.iac.checkov_report import CheckovReport, parse_checkov_json

CONTEXT_ENV = "BAA_AUDIT_IAC_CONTEXT"
CHECKS_DIR = Path(__file__).resolve().parent / "checks"


class CheckovFailed(BaaAuditError):
    """Checkov did not run to the end, or our checks did not load."""


@dataclass(frozen=True)
class CheckovTarget:
    """What to scan: Terraform directories (with variable files), or one plan JSON file."""

    directories: tuple[Path, ...] = ()
    plan: Path | None = None
    #: ``--var-file`` values, in order (later files win, as with terraform)
    var_files: tuple[Path, ...] = ()

    @property
    def framework(self) -> str:
        return "terraform_plan" if self.plan is not None else "terraform"

    def args(self) -> list[str]:
        if self.plan is not None:
            return ["-f", str(self.plan)]
        out: list[str] = []
        for directory in self.directories:
            out += ["-d", str(directory)]
        for var_file in self.var_files:
            out += ["--var-file", str(var_file)]
        return out


def checkov_argv(
    command: CheckovCommand,
    target: CheckovTarget,
    check_ids: Sequence[str] | None,
    external_checks_dir: Path = CHECKS_DIR,
) -> list[str]:
    """The full command line. ``check_ids=None`` keeps checkov's built-in checks too."""
    argv = [
        *command.argv,
        *target.args(),
        "--framework",
        target.framework,
        "--external-checks-dir",
        str(external_checks_dir),
        "--output",
        "json",
        "--skip-download",
        "--compact",
    ]
    if check_ids is not None:
        argv += ["--check", ",".join(check_ids)]
    return argv


def run_checkov(
    command: CheckovCommand,
    target: CheckovTarget,
    context: dict[str, Any],
    check_ids: Sequence[str] | None,
    *,
    timeout: float | None = 1800,
) -> CheckovReport:
    """Run checkov with our checks registered from ``context``; parse its JSON report.

    Checkov 3.3 given several ``-d`` reports the first directory once per ``-d`` (checked with
    3.3.30), so each directory gets its own checkov process, run side by side.
    """
    if len(target.directories) <= 1:
        return _run_one(command, target, context, check_ids, timeout)
    parts = [
        CheckovTarget(directories=(d,), var_files=target.var_files) for d in target.directories
    ]
    workers = max(1, min(len(parts), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = list(pool.map(lambda t: _run_one(command, t, context, check_ids, timeout), parts))
    merged = CheckovReport()
    for report in reports:
        merged.records.extend(report.records)
        merged.parsing_errors.extend(report.parsing_errors)
        merged.resource_count += report.resource_count
        merged.checkov_version = merged.checkov_version or report.checkov_version
    return merged


def _run_one(
    command: CheckovCommand,
    target: CheckovTarget,
    context: dict[str, Any],
    check_ids: Sequence[str] | None,
    timeout: float | None,
) -> CheckovReport:
    with tempfile.TemporaryDirectory(prefix="baa-audit-iac-") as tmp:
        work = Path(tmp)
        context_file = work / "context.json"
        context_file.write_text(json.dumps(context), encoding="utf-8")
        shim = auditor_path_shim(work / "pythonpath")
        env = dict(os.environ)
        env.update(
            {
                CONTEXT_ENV: str(context_file),
                "BC_SKIP_MAPPING": "TRUE",
                "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(shim), env.get("PYTHONPATH", "")) if p
                ),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        argv = checkov_argv(command, target, check_ids)
        try:
            proc = subprocess.run(
                argv, capture_output=True, text=True, env=env, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise CheckovFailed(f"checkov did not finish within {timeout:.0f} s") from None
        except OSError as exc:
            raise CheckovFailed(f"could not start checkov ({argv[0]}): {exc.strerror}") from None
    stderr = proc.stderr or ""
    if proc.returncode not in (0, 1):
        raise CheckovFailed(f"checkov exited with {proc.returncode}:\n{_tail(stderr)}")
    ours = {str(c.get("id")) for c in context.get("checks", ())}
    failed = {m.group(1) for m in re.finditer(r"Failed to run check (\S+)", stderr)} & ours
    if "Cannot load external check" in stderr or failed:
        raise CheckovFailed(
            f"baa-audit's checks did not load or run inside checkov:\n{_tail(stderr, 30)}"
        )
    stdout = proc.stdout.strip()
    if not stdout:
        raise CheckovFailed(f"checkov printed no report:\n{_tail(stderr)}")
    return parse_checkov_json(stdout)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


__all__ = [
    "CHECKS_DIR",
    "CONTEXT_ENV",
    "CheckovFailed",
    "CheckovTarget",
    "checkov_argv",
    "run_checkov",
]
