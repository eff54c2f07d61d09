"""Session-wide hooks: one visible line for the tests that need system packages and did not run.

Tests that need a browser, poppler or Pango skip with a reason from :mod:`tests.system_deps`.
At the end of the session (on the xdist controller too, which receives every worker's reports)
they are gathered into one line naming how many did not run, which, and the ``apt-get`` line
that enables them. When ``BAA_AUDIT_SKIPPED_REPORT`` names a file, the line is written there
instead, for ``nox -s tests`` to print after pytest's own output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.system_deps import PACKAGES, PREFIX

REPORT_ENV = "BAA_AUDIT_SKIPPED_REPORT"


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def system_skips(reports: list[pytest.TestReport]) -> dict[str, list[str]]:
    """Debian packages -> node ids of the tests skipped for want of them."""
    found: dict[str, list[str]] = {}
    for report in reports:
        text = _skip_reason(report)
        if PREFIX not in text:
            continue
        packages = next((p for p in PACKAGES.values() if f"{PREFIX} {p}:" in text), "?")
        found.setdefault(packages, []).append(report.nodeid)
    return found


def notice(found: dict[str, list[str]]) -> str | None:
    """The one line: what did not run, and the packages that would run it."""
    if not found:
        return None
    count = sum(len(ids) for ids in found.values())
    names = sorted({node.split("::", 1)[0] for ids in found.values() for node in ids})
    packages = " ".join(sorted({p for key in found for p in key.split()}))
    tests = "test" if count == 1 else "tests"
    return (
        f"baa-audit: {count} {tests} did not run for want of system packages "
        f"({', '.join(names)}); enable them with: sudo apt-get install {packages}"
    )


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):  # an xdist worker: the controller tells
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if hasattr(r, "longrepr")]
    line = notice(system_skips(skipped))
    target = os.environ.get(REPORT_ENV)
    if target:
        Path(target).write_text((line or "") + "\n", encoding="utf-8")
        return
    if line:
        terminalreporter.write_sep("-", "system packages")
        terminalreporter.write_line(line, yellow=True, bold=True)
