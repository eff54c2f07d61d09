"""Application logs for the demo: some sanitized, one leaking synthetic PHI.

Every identifier here is synthetic (made-up names, an SSN in a valid but unassigned-looking form,
a Luhn-valid test card number). The demo samples these logs with ``--sample-logs`` semantics so the
"no PHI in logs" promise shows both outcomes: a clean log PASSes, the leaking one FAILs, and the
report carries only masked forms and salted hashes of what matched.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from baa_audit_sample.gcp.emulator import EmulatorRequest, EmulatorResponse, GcpEmulator

#: Pins the sample's clock to a day (YYYY-MM-DD, UTC); by default the current UTC day.
SAMPLE_DAY_ENV = "BAA_AUDIT_SAMPLE_DAY"
#: How far back the demo samples logs: the sample's events lie just before the sample day began.
SAMPLE_WINDOW_HOURS = 48
#: The demo's salt for the hashes of what the detectors match (the sample's PHI is synthetic), so
#: two demo runs hash the same matches alike. Real scans keep a random or secret salt.
SAMPLE_HASH_SALT = "baa-audit-sample"

LEAKY_LINES = [
    '{"level":"info","msg":"intake saved","patient_name":"Jane Q. Sample","dob":"1961-07-04","ssn":"219-09-9999"}',
    "checkout ok card=4111 1111 1111 1111 amount=40.00",
    "appointment booked for patient Maria Example, MRN: 00482913, phone (617) 555-0147",
]
CLEAN_LINES = [
    '{"level":"info","msg":"request served","request_id":"3f0c9a1e-58a4-4b39-9c1f-2c1b7e6d9a10","status":200,"ms":41}',
    "GET /healthz 200 2ms version=2.14.3",
    "order 100023 shipped at 2026-11-20T10:00:00Z",
]

AWS_LOG_GROUPS = {"/app/portal-api": LEAKY_LINES, "/app/scheduler": CLEAN_LINES}
GCP_LOGS = {"phi-prod": {"app-intake": LEAKY_LINES}, "phi-analytics": {"app-reports": CLEAN_LINES}}


def sample_day() -> date:
    """The day the sample environment lives on: ``BAA_AUDIT_SAMPLE_DAY`` or today (UTC)."""
    raw = os.environ.get(SAMPLE_DAY_ENV)
    if raw:
        return date.fromisoformat(raw)
    return datetime.now(UTC).date()


def sample_epoch() -> datetime:
    """Midnight (UTC) at the start of :func:`sample_day`: every sample timestamp derives from it,
    so two runs on the same day see the same events at the same times."""
    return datetime.combine(sample_day(), time(0, 0), tzinfo=UTC)


def seed_cloudwatch(endpoint: str, region: str = "us-east-1") -> None:
    """Create the demo's application log groups with events just before the sample day began."""
    import boto3

    logs = boto3.client("logs", endpoint_url=endpoint, region_name=region)
    epoch_ms = int(sample_epoch().timestamp() * 1000)
    for group, lines in AWS_LOG_GROUPS.items():
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="web-1")
        events = [
            {"timestamp": epoch_ms - 60_000 * (len(lines) - i), "message": line}
            for i, line in enumerate(lines)
        ]
        logs.put_log_events(logGroupName=group, logStreamName="web-1", logEvents=events)


def _entries() -> list[dict[str, Any]]:
    base = sample_epoch()
    entries: list[dict[str, Any]] = []
    for project, logs in GCP_LOGS.items():
        for log_id, lines in logs.items():
            for i, line in enumerate(lines):
                entry: dict[str, Any] = {
                    "logName": f"projects/{project}/logs/{log_id}",
                    "resource": {"type": "cloud_run_revision", "labels": {"project_id": project}},
                    "timestamp": (base - timedelta(minutes=len(lines) - i))
                    .isoformat()
                    .replace("+00:00", "Z"),
                    "insertId": f"{log_id}-{i:04d}",
                }
                if line.startswith("{"):
                    entry["jsonPayload"] = json.loads(line)
                else:
                    entry["textPayload"] = line
                entries.append(entry)
    return entries


def _select(body: dict[str, Any], entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Honour resourceNames, logName regexes and the timestamp window of the Logging filter."""
    flt = str(body.get("filter", ""))
    names = [re.compile(p) for p in re.findall(r'logName=~"([^"]+)"', flt)]
    low = re.findall(r'timestamp>="([^"]+)"', flt)
    high = re.findall(r'timestamp<="([^"]+)"', flt)
    parents = [f"{p}/" for p in body.get("resourceNames", [])]

    def keep(e: dict[str, Any]) -> bool:
        if parents and not any(e["logName"].startswith(p) for p in parents):
            return False
        if names and not any(n.search(e["logName"]) for n in names):
            return False
        return not (any(e["timestamp"] < x for x in low) or any(e["timestamp"] > x for x in high))

    chosen = [e for e in entries if keep(e)]
    chosen.sort(key=lambda e: str(e["timestamp"]), reverse=body.get("orderBy") == "timestamp desc")
    return chosen


def install_log_entries(emulator: GcpEmulator) -> None:
    """Serve ``POST /v2/entries:list`` (Cloud Logging v2) with the demo's entries and paging."""
    entries = _entries()

    def list_entries(request: EmulatorRequest) -> EmulatorResponse:
        body = request.json()
        items = _select(body, entries)
        start = int(body.get("pageToken") or 0)
        size = int(body.get("pageSize") or 50)
        page: dict[str, Any] = {"entries": items[start : start + size]}
        if start + size < len(items):
            page["nextPageToken"] = str(start + size)
        return EmulatorResponse.json(page)

    emulator.add_route("POST", r"^/v2/entries:list$", list_entries)


__all__ = [
    "AWS_LOG_GROUPS",
    "GCP_LOGS",
    "SAMPLE_DAY_ENV",
    "SAMPLE_HASH_SALT",
    "SAMPLE_WINDOW_HOURS",
    "install_log_entries",
    "sample_day",
    "sample_epoch",
    "seed_cloudwatch",
]
