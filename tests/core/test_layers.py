"""The architecture as a test: stages import only downward, and no module imports itself back.

The layers are declared once, in pyproject.toml ([tool.importlinter]); ``nox -s lint`` runs the
same contracts with ``lint-imports``. See docs/architecture.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    run = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("auditor", "baa_audit_sample")
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert cycles == []


def test_a_broken_layer_is_caught(tmp_path: Path) -> None:
    """The contract can fail: a core module importing the judge is reported as broken."""
    config = tmp_path / "contracts.ini"
    config.write_text(
        "[importlinter]\nroot_package = auditor\n\n"
        "[importlinter:contract:demo]\nname = inverted\ntype = layers\n"
        "layers =\n    auditor.core\n    auditor.judge\n"
    )
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("lint-imports")),
            "--config",
            str(config),
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "auditor.judge is not allowed to import auditor.core" in run.stdout
