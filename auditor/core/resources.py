"""Find the data that ships with the package: policies/ and reports/.

In a wheel they live under ``auditor/_data/``; in a source checkout (editable install, tests
run from the repository) they are the top-level ``policies/`` and ``reports/`` directories.
Nothing here depends on the current working directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir(name: str) -> Path:
    """The directory of shipped data ``name`` ('policies' or 'reports')."""
    packaged = Path(str(files("auditor"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / name
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(f"baa-audit data directory {name!r} is missing from this installation")


def policies_dir() -> Path:
    return data_dir("policies")


def reports_dir() -> Path:
    return data_dir("reports")


__all__ = ["data_dir", "policies_dir", "reports_dir"]
