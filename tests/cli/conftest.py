"""Fixtures for the CLI tests: checkov's managed environment comes from tests/iac."""

from __future__ import annotations

from tests.iac.conftest import checkov_command  # noqa: F401  (fixture)
