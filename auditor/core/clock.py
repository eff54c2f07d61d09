"""The one clock the tool reads: UTC, whole seconds (results and reports never show microseconds)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


__all__ = ["now_utc"]
