"""The one line that tells a new user which tests did not run, and how to enable them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPORT_ENV, notice, system_skips
from tests.system_deps import reason


def _skipped(nodeid: str, why: str) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid=nodeid,
        location=(nodeid.split("::", maxsplit=1)[0], 1, nodeid),
        keywords={},
        outcome="skipped",
        longrepr=(nodeid.split("::", maxsplit=1)[0], 1, f"Skipped: {why}"),
        when="setup",
    )


def test_one_line_names_the_tests_and_the_debian_packages() -> None:
    reports = [
        _skipped("tests/browser/test_report_in_browser.py::test_a", reason("chromium")),
        _skipped("tests/browser/test_report_in_browser.py::test_b", reason("chromium")),
        _skipped("tests/render/test_pdf.py::test_c", reason("pango", "no libpango")),
        _skipped("tests/render/test_pdf.py::test_d", reason("poppler")),
        _skipped("tests/gcp/test_x.py::test_e", "needs the gcp extra"),  # not a system package
    ]
    line = notice(system_skips(reports))
    assert line is not None and "\n" not in line
    assert line.startswith("baa-audit: 4 tests did not run for want of system packages")
    assert "tests/browser/test_report_in_browser.py" in line and "tests/render/test_pdf.py" in line
    assert "tests/gcp/test_x.py" not in line
    assert line.endswith(
        "sudo apt-get install chromium libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 "
        "poppler-utils"
    )


def test_nothing_to_say_when_everything_ran() -> None:
    assert notice(system_skips([_skipped("t.py::x", "some other reason")])) is None


def test_nox_prints_the_line_after_pytest() -> None:
    noxfile = (Path(__file__).parents[1] / "noxfile.py").read_text()
    assert f'SKIPPED_REPORT_ENV = "{REPORT_ENV}"' in noxfile
    assert "session.warn(line)" in noxfile
