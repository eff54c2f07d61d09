"""The leak check of the end-to-end tests can fail: it finds values in every form they may take."""

from __future__ import annotations

from typing import Any

import pytest


def test_leak_check_finds_planted_values(no_leak: Any) -> None:
    no_leak(["078-05-1120"], {"clean": b"***-**-1120 and a hash 4f2a"})
    with pytest.raises(AssertionError, match="leaked into report"):
        no_leak(["078-05-1120"], {"report": b"ssn 078051120 in digits only"})
    with pytest.raises(AssertionError, match="leaked into stderr"):
        no_leak(["Jane.Roe@Example.com"], {"stderr": b"jane.roe@example.com"})
