"""Unit tests of the conservative reading of Cloud Logging filters (pure functions)."""

from __future__ import annotations

import pytest

from auditor.collect.gcp.rest_source import parse_duration
from auditor.judge.predicates.gcp.logging import (
    Coverage,
    exclusion_drops_data_access,
    filter_carries_audit_logs,
)

AUDIT = "cloudaudit.googleapis.com"


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ("", Coverage.YES),
        (f'logName:"{AUDIT}"', Coverage.YES),
        (f'LOG_ID("{AUDIT}/activity") OR LOG_ID("{AUDIT}/data_access")', Coverage.YES),
        (f'NOT LOG_ID("{AUDIT}/activity") AND NOT LOG_ID("{AUDIT}/system_event")', Coverage.NO),
        (f'-logName:"{AUDIT}"', Coverage.NO),
        (f"NOT (logName:{AUDIT})", Coverage.UNKNOWN),
        ("severity>=ERROR", Coverage.UNKNOWN),
    ],
)
def test_sink_filter_carries_audit_logs(filter_: str, expected: Coverage) -> None:
    assert filter_carries_audit_logs(filter_) is expected


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        (f'logName:"projects/p/logs/{AUDIT}%2Fdata_access"', Coverage.YES),
        (f'LOG_ID("{AUDIT}/data_access")', Coverage.YES),
        ("", Coverage.YES),
        ('logName:"projects/p/logs/app-debug"', Coverage.NO),
        (f'logName:"projects/p/logs/app" AND NOT logName:"{AUDIT}"', Coverage.NO),
        (f'-LOG_ID("{AUDIT}/data_access")', Coverage.NO),
        ("severity<ERROR", Coverage.UNKNOWN),
        ('resource.type="gcs_bucket"', Coverage.UNKNOWN),
        ('logName:"projects/p/logs/app" OR severity<INFO', Coverage.UNKNOWN),
    ],
)
def test_exclusion_drops_data_access(filter_: str, expected: Coverage) -> None:
    assert exclusion_drops_data_access(filter_) is expected


def test_durations() -> None:
    assert parse_duration("28800s") == 28800
    assert parse_duration("1.5s") == 2  # rounded up: a limit never reads shorter than it is
    assert parse_duration(None) is None
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("8h")
