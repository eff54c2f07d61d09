"""Tests that need a program or library from the system (not from PyPI) say so in one place.

Each check returns a ``skipif`` marker whose reason starts with :data:`PREFIX`; the session hook in
``tests/conftest.py`` gathers those skips into one line that names the tests and the Debian
packages that enable them (``nox -s tests`` prints it at the end).
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pytest

PREFIX = "needs system package"

#: what -> (Debian packages that provide it)
PACKAGES: dict[str, str] = {
    "chromium": "chromium",
    "poppler": "poppler-utils",
    "pango": "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
}

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def reason(what: str, detail: str = "") -> str:
    extra = f" ({detail})" if detail else ""
    return f"{PREFIX} {PACKAGES[what]}: apt-get install {PACKAGES[what]}{extra}"


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


@lru_cache(maxsize=1)
def _pango_problem() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except ImportError as exc:  # the Python package: pip install 'baa-audit[reports]'
        return f"WeasyPrint is not installed: {exc}"
    except OSError as exc:  # the package is there, Pango is not
        return str(exc).splitlines()[0][:120]
    return None


def needs_pango() -> pytest.MarkDecorator:
    problem = _pango_problem()
    return pytest.mark.skipif(problem is not None, reason=reason("pango", problem or ""))


def needs_poppler() -> pytest.MarkDecorator:
    missing = shutil.which("pdftotext") is None
    return pytest.mark.skipif(missing, reason=reason("poppler", "pdftotext not found"))


def needs_chromium() -> pytest.MarkDecorator:
    missing = chromium_path() is None
    return pytest.mark.skipif(missing, reason=reason("chromium", "no chromium binary"))


__all__ = [
    "PACKAGES",
    "PREFIX",
    "chromium_path",
    "needs_chromium",
    "needs_pango",
    "needs_poppler",
    "reason",
]
