"""TLS version arithmetic shared by the transit predicates (no AWS knowledge here)."""

from __future__ import annotations

import re

_VERSION = re.compile(r"(?:TLSv|TLS_?|v)?(\d)[._](\d)")


def version_number(text: str | None) -> float | None:
    """``1.2`` for ``"TLSv1.2"``, ``"1.2"``, ``"TLS_1_2"``; ``1.0`` for ``"TLSv1"``; else None."""
    if text is None:
        return None
    value = str(text).strip()
    if value in ("TLSv1", "TLS1", "TLSv1.0"):
        return 1.0
    if value.startswith("SSL"):
        return 0.3
    found = _VERSION.search(value)
    if found is None:
        try:
            return float(value)
        except ValueError:
            return None
    return float(f"{found.group(1)}.{found.group(2)}")


def promised(min_tls_version: object) -> float | None:
    return version_number(str(min_tls_version)) if min_tls_version is not None else None


def label(version: float) -> str:
    return "SSLv3" if version < 1 else f"TLS {version:.1f}"


__all__ = ["label", "promised", "version_number"]
