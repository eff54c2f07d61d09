"""Where checkov lives: its own virtual environment, apart from the live scanner's.

Checkov pins an old boto3 (``boto3==1.35.49`` in 3.3.30) while the live scanner wants a current
one, so the two never share an environment. :func:`ensure_checkov` returns the command that runs
checkov, in this order of preference:

1. an explicit executable (``--checkov PATH``), used as it is;
2. a managed virtual environment under ``$BAA_AUDIT_CHECKOV_VENV`` or, by default,
   ``~/.cache/baa-audit/checkov`` (``$XDG_CACHE_HOME`` is honoured), created on first use with
   ``python -m venv`` and ``pip install checkov==CHECKOV_VERSION``.

Our custom checks import :mod:`auditor` inside checkov's interpreter. Rather than installing a
second copy of baa-audit into checkov's environment (which could drift from the version the CLI
runs), each run puts a small directory on ``PYTHONPATH`` that holds only a link to this very
``auditor`` package (:func:`auditor_path_shim`). Checkov already depends on pydantic 2 and
PyYAML, which is all the core package needs; ``pip install`` names them anyway so a future checkov
that drops them still works.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from auditor.core.errors import BaaAuditError

#: The checkov release our checks are written and tested against.
CHECKOV_VERSION = "3.3.30"
#: What the managed environment installs besides checkov (the core package's own needs).
EXTRA_REQUIREMENTS: tuple[str, ...] = ("pydantic>=2.7,<3", "PyYAML>=6.0")
VENV_ENV_VAR = "BAA_AUDIT_CHECKOV_VENV"
_MARKER = "baa-audit-checkov.json"


class CheckovUnavailable(BaaAuditError):
    """Checkov could not be found or installed. The message says what to do instead."""


@dataclass(frozen=True)
class CheckovCommand:
    """How to start checkov: ``argv`` followed by checkov's own arguments."""

    argv: tuple[str, ...]
    version: str | None
    source: str  # "explicit" | "managed"
    install_seconds: float | None = None


def default_venv_dir() -> Path:
    """``$BAA_AUDIT_CHECKOV_VENV``, else ``$XDG_CACHE_HOME/baa-audit/checkov`` (``~/.cache``)."""
    override = os.environ.get(VENV_ENV_VAR)
    if override:
        return Path(override).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "baa-audit" / "checkov"


def _venv_python(venv: Path) -> Path:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _marker_ok(venv: Path, version: str) -> bool:
    marker = venv / _MARKER
    if not marker.is_file() or not _venv_python(venv).exists():
        return False
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("checkov") == version)


def _run_quiet(argv: list[str], what: str) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise CheckovUnavailable(
            f"{what} failed (exit {proc.returncode}). Install checkov yourself in its own "
            f"environment (pipx install checkov=={CHECKOV_VERSION}) and pass --checkov PATH.\n{tail}"
        )


def create_venv(venv: Path, version: str = CHECKOV_VERSION) -> float:
    """Build the managed environment at ``venv``; returns the seconds it took.

    The environment is built beside its final place and renamed into it, so an interrupted
    install never leaves a half-built environment that looks usable. Checkov is always started as
    ``python -m checkov.main``, which does not depend on the environment's path on disk.
    """
    started = time.monotonic()
    venv.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{venv.name}-build-", dir=venv.parent))
    try:
        _run_quiet(
            [sys.executable, "-m", "venv", str(staging)], "creating checkov's virtual environment"
        )
        _run_quiet(
            [
                str(_venv_python(staging)),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                f"checkov=={version}",
                *EXTRA_REQUIREMENTS,
            ],
            f"pip install checkov=={version}",
        )
        (staging / _MARKER).write_text(
            json.dumps({"checkov": version, "python": sys.version.split()[0]}), encoding="utf-8"
        )
        if venv.exists() and not _marker_ok(venv, version):
            shutil.rmtree(venv)
        try:
            staging.rename(venv)
        except OSError:
            if not _marker_ok(venv, version):  # someone else finished first: fine if it is good
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return time.monotonic() - started


def ensure_checkov(
    explicit: str | Path | None = None,
    venv: Path | None = None,
    *,
    install: bool = True,
    version: str = CHECKOV_VERSION,
) -> CheckovCommand:
    """The command that runs checkov, creating the managed environment when needed."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        found = shutil.which(str(path)) if not path.exists() else str(path)
        if not found or not os.access(found, os.X_OK):
            raise CheckovUnavailable(f"--checkov {explicit}: not an executable file")
        return CheckovCommand(argv=(found,), version=None, source="explicit")
    target = venv or default_venv_dir()
    seconds: float | None = None
    if not _marker_ok(target, version):
        if not install:
            raise CheckovUnavailable(
                f"checkov is not installed in {target}; run once with network access, or pass "
                "--checkov PATH"
            )
        seconds = create_venv(target, version)
    return CheckovCommand(
        argv=(str(_venv_python(target)), "-m", "checkov.main"),
        version=version,
        source="managed",
        install_seconds=seconds,
    )


def auditor_path_shim(directory: Path) -> Path:
    """A directory holding only a link to this ``auditor`` package, for checkov's PYTHONPATH.

    Only ``auditor`` becomes importable in checkov's interpreter: none of the live scanner's
    other packages (boto3 above all) can shadow checkov's pinned ones.
    """
    import auditor

    package_dir = Path(auditor.__file__).resolve().parent
    directory.mkdir(parents=True, exist_ok=True)
    link = directory / "auditor"
    if link.is_symlink() and link.resolve() == package_dir:
        return directory
    if link.is_symlink() or link.exists():
        link.unlink()
    try:
        link.symlink_to(package_dir, target_is_directory=True)
    except OSError:  # pragma: no cover - file systems without symlinks
        shutil.copytree(package_dir, link, ignore=shutil.ignore_patterns("__pycache__"))
    return directory


__all__ = [
    "CHECKOV_VERSION",
    "VENV_ENV_VAR",
    "CheckovCommand",
    "CheckovUnavailable",
    "auditor_path_shim",
    "create_venv",
    "default_venv_dir",
    "ensure_checkov",
]
