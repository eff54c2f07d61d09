"""policies/ and reports/ ship inside the wheel and are found through package resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_policies_and_reports(tmp_path: Path) -> None:
    # hatchling's own CLI builds the wheel exactly as pip would (the build backend of pyproject.toml)
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("baa_audit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "auditor/_data/policies/profiles/strict.yaml" in names
    assert "auditor/_data/policies/profiles/hipaa-baseline.yaml" in names
    assert "auditor/_data/policies/frameworks/hipaa.yaml" in names
    assert "auditor/_data/policies/baa-rules/encryption-in-transit.yaml" in names
    assert any(n.startswith("auditor/_data/reports/") for n in names)
    assert "auditor/py.typed" in names
    policy_files = [
        n for n in names if n.startswith("auditor/_data/policies/aws/") and n.endswith(".yaml")
    ]
    source_files = list((ROOT / "policies" / "aws").rglob("*.yaml"))
    assert len(policy_files) == len(source_files)
    # the sample environment ships beside the product, not inside it
    assert "baa_audit_sample/gcp/emulator.py" in names
    assert not [n for n in names if n.startswith("auditor/") and "emulator" in n]
    assert not [n for n in names if n.startswith("auditor/demo/")]


def test_data_dir_is_found_without_the_working_directory(tmp_path: Path) -> None:
    code = "from auditor.core.resources import policies_dir; print(policies_dir())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert Path(out.stdout.strip(), "profiles", "strict.yaml").is_file()
