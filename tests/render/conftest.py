"""Fixtures for the report tests: the fixed result and the golden-file check."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.core.result import RunResult
from tests.render.report_sample import build_result

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def result() -> RunResult:
    return build_result()


def check_golden(name: str, data: bytes, update: bool) -> None:
    """Compare ``data`` with ``golden/name``; ``BAA_UPDATE_GOLDEN=1`` rewrites the file."""
    path = GOLDEN / name
    if update:
        path.write_bytes(data)
    assert path.exists(), f"no golden file {name}: run once with BAA_UPDATE_GOLDEN=1 and review it"
    assert data == path.read_bytes(), f"{name} differs from its golden file (BAA_UPDATE_GOLDEN=1)"


@pytest.fixture
def golden() -> Callable[[str, bytes], None]:
    update = os.environ.get("BAA_UPDATE_GOLDEN") == "1"

    def _check(name: str, data: bytes) -> None:
        check_golden(name, data, update)

    return _check
