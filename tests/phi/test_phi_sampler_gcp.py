"""Cloud Logging sampling end to end: google-cloud-logging's HTTP client against a local fake."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from auditor.collect.base import CollectOptions
from auditor.collect.phi.detectors import DETECTORS
from auditor.collect.phi.sampler_gcp import log_filter, sample_cloud_logging
from auditor.core.inventory import Inventory, dump_snapshot, load_snapshot
from auditor.core.model.phi import LoggingPhiSample
from auditor.core.params import Parameters
from auditor.core.progress import LineProgress, NullProgress

pytestmark = pytest.mark.e2e

PROJECT = "demo-proj"


def _entry(log_id: str, i: int, message: str, *, minutes_ago: float = 30.0) -> dict[str, Any]:
    ts = datetime.now(UTC) - timedelta(minutes=minutes_ago, seconds=i)
    entry: dict[str, Any] = {
        "logName": f"projects/{PROJECT}/logs/{log_id.replace('/', '%2F')}",
        "insertId": f"{log_id.strip('/').replace('/', '-')}-{i:05d}",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": "api"}},
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "severity": "INFO",
    }
    if message.startswith("{"):
        entry["jsonPayload"] = json.loads(message)
    else:
        entry["textPayload"] = message
    return entry


def _clean(log_id: str, n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        _entry(log_id, start + i, f"request {i:08d} completed in {i % 900}ms status=200")
        for i in range(n)
    ]


def _options(url: str, **sampling: Any) -> CollectOptions:
    return CollectOptions(
        gcp_scope=f"projects/{PROJECT}",
        gcp_endpoint=url,
        params=Parameters(log_groups_in_scope=["app-", "/svc/"]),
        sample_logs=True,
        sampling={"window_hours": 2, "hash_salt": "e2e-salt", **sampling},
    )


def _samples(inv: Inventory) -> dict[str, LoggingPhiSample]:
    out = {}
    for r in inv.resources:
        assert isinstance(r, LoggingPhiSample)
        out[r.log_id] = r
    return out


def test_phi_found_and_never_copied(
    fake_logging: Any,
    planted: list,
    planted_values: list,
    no_leak: Any,
    all_files: Any,
    evaluate: Any,
    tmp_path: Any,
    capfd: Any,
    caplog: Any,
) -> None:
    fake, url = fake_logging
    messages = [line for _, text, js in planted for line in (text, js)]
    fake.entries += _clean("app-api", 30) + [
        _entry("app-api", 100 + i, m) for i, m in enumerate(messages)
    ]
    fake.entries += _clean("/svc/worker", 40)
    fake.entries += [_entry("other-ignored", i, m) for i, m in enumerate(messages)]  # out of scope
    fake.entries += [
        _entry("app-api", 500 + i, m, minutes_ago=600) for i, m in enumerate(messages)
    ]  # too old

    inv = Inventory()
    snapshot = tmp_path / "out" / "snapshot.jsonl"
    snapshot.parent.mkdir()
    with caplog.at_level(logging.DEBUG):
        sample_cloud_logging(_options(url, page_size=10), inv, LineProgress())
        dump_snapshot(inv, snapshot)
        result = evaluate(inv, snapshot.parent)

    samples = _samples(inv)
    assert set(samples) == {"app-api", "/svc/worker"}
    api = samples["app-api"]
    assert {d.detector for d in api.detections} == set(DETECTORS)
    assert all(d.matches == 2 for d in api.detections), [
        (d.detector, d.matches) for d in api.detections
    ]
    assert api.read.events == 54 and api.complete and api.gaps == []
    assert api.id == f"//logging.googleapis.com/projects/{PROJECT}/logs/app-api"
    name = next(d for d in api.detections if d.detector == "patient_name")
    assert {e.masked for e in name.examples} == {"E****** W********", "O*****, C****"}
    assert {e.field for e in name.examples} == {None, "patient.name"}
    assert all(
        e.event_id and e.timestamp and e.stream == "cloud_run_revision" for e in name.examples
    )
    worker = samples["/svc/worker"]
    assert worker.log_name == f"projects/{PROJECT}/logs/%2Fsvc%2Fworker"
    assert worker.detections == [] and worker.read.events == 40 and worker.complete
    assert inv.listing_gaps == [] and inv.coverage[0].count == 2
    assert load_snapshot(snapshot).resources == inv.resources
    # The query itself asked only for the logs in scope, newest first, within the window.
    assert fake.requests[0]["orderBy"] == "timestamp desc"
    assert 'logName=~"^projects/demo-proj/logs/app-"' in fake.requests[0]["filter"]
    assert len(fake.requests) == 10  # 94 entries in scope and window, in pages of 10

    mine = [f for f in result.findings if f.policy_id == "GCP-PHI-001"]
    by_status = {f.resource.name: f.status for f in mine}
    assert sorted(by_status.values()) == ["FAIL", "PASS"], by_status
    fail = next(f for f in mine if f.status == "FAIL")
    assert "ssn: 2 match(es)" in fail.message and "***-**-" in fail.message
    assert any(p.name.startswith("report") for p in snapshot.parent.iterdir())

    out, err = capfd.readouterr()
    blobs = all_files(tmp_path)
    blobs.update(stdout=out.encode(), stderr=err.encode(), logs=caplog.text.encode())
    blobs["log records"] = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert "sampling log contents for PHI in gcp demo-proj" in err
    no_leak(planted_values, blobs)


def test_events_per_log_bound(fake_logging: Any, evaluate: Any, tmp_path: Any) -> None:
    fake, url = fake_logging
    fake.entries += _clean("app-a", 30) + _clean("app-b", 5)
    inv = Inventory()
    sample_cloud_logging(_options(url, max_events_per_log=12, page_size=4), inv, NullProgress())
    samples = _samples(inv)
    a = samples["app-a"]
    assert a.read.events == 12 and not a.complete
    assert (
        a.unread[0].bound == "max_events_per_log" and "18 further entries" in a.unread[0].not_read
    )
    assert a.gaps[0].fields == ("detections",) and a.gaps[0].error_code == "SamplingBound"
    assert samples["app-b"].complete and samples["app-b"].gaps == []
    assert inv.listing_gaps == []
    # The engine turns the gap into ERROR, and the finding carries what was not read.
    result = evaluate(inv, tmp_path)
    (error,) = [f for f in result.findings if f.policy_id == "GCP-PHI-001" and f.status == "ERROR"]
    assert error.resource.name == "app-a" and error.gap is not None
    assert "not read: max_events_per_log (12): 18 further entries of app-a" in error.gap.message


def test_bytes_bound_makes_unreached_logs_a_listing_gap(fake_logging: Any) -> None:
    fake, url = fake_logging
    fake.entries += _clean("app-a", 30)
    inv = Inventory()
    sample_cloud_logging(_options(url, max_bytes_total=300, page_size=5), inv, NullProgress())
    a = _samples(inv)["app-a"]
    assert 0 < a.read.events < 30 and a.unread[0].bound == "max_bytes_total"
    assert a.gaps[0].fields == ("detections",)
    (gap,) = inv.listing_gaps
    assert gap.error_code == "SamplingBound" and "max_bytes_total=300" in gap.message
    assert gap.account == PROJECT and gap.resource_type == "gcp.logging.phi_sample"


def test_wall_time_bound(fake_logging: Any) -> None:
    fake, url = fake_logging
    fake.entries += _clean("app-a", 30)
    ticks = iter(range(1_000_000))
    inv = Inventory()
    sample_cloud_logging(
        _options(url, max_wall_seconds=10, page_size=5),
        inv,
        NullProgress(),
        clock=lambda: float(next(ticks)),
    )
    a = _samples(inv)["app-a"]
    assert 0 < a.read.events < 30 and a.unread[0].bound == "max_wall_seconds"
    assert inv.listing_gaps[0].error_code == "SamplingBound"


def test_log_count_bound(fake_logging: Any) -> None:
    fake, url = fake_logging
    fake.entries += _clean("app-a", 3) + _clean("app-b", 3, start=10) + _clean("app-c", 3, start=20)
    inv = Inventory()
    sample_cloud_logging(_options(url, max_logs=2), inv, NullProgress())
    assert len(inv.resources) == 2
    assert "max_logs=2" in inv.listing_gaps[0].message


def test_api_error_mid_way(fake_logging: Any) -> None:
    fake, url = fake_logging
    fake.entries += _clean("app-a", 30)
    fake.fail_on_page = 3
    inv = Inventory()
    sample_cloud_logging(_options(url, page_size=5), inv, NullProgress())
    a = _samples(inv)["app-a"]
    assert a.read.events == 10
    assert (
        a.gaps[0].error_code in {"PERMISSION_DENIED", "403"}
        and a.gaps[0].operation == "logging.entries.list"
    )
    assert a.unread[0].bound == "api_error"
    assert inv.listing_gaps[0].error_code == a.gaps[0].error_code


def test_filter_shape() -> None:
    end = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    flt = log_filter("p", ["app.", "/x/"], (end - timedelta(hours=1), end))
    assert flt == (
        '(logName=~"^projects/p/logs/app[.]" OR logName=~"^projects/p/logs/%2Fx%2F") AND '
        'timestamp>="2026-11-23T11:00:00.000000Z" AND timestamp<="2026-11-23T12:00:00.000000Z"'
    )


def test_folder_scope_without_projects_is_a_listing_gap() -> None:
    inv = Inventory()
    sample_cloud_logging(
        CollectOptions(gcp_scope="folders/123", sample_logs=True), inv, NullProgress()
    )
    assert inv.listing_gaps[0].error_code == "ProjectsNotEnumerated"


def test_proto_payload_http_request_and_labels_are_scanned(fake_logging: Any) -> None:
    fake, url = fake_logging
    audit = _entry("app-audit", 1, "x")
    del audit["textPayload"]
    audit["protoPayload"] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "methodName": "patients.update",
        "request": {"patient": {"ssn": "078-05-1120"}},
    }
    web = _entry("app-web", 2, "GET ok")
    web["httpRequest"] = {
        "requestMethod": "GET",
        "requestUrl": "/lookup?email=jane.roe@example.com",
    }
    web["labels"] = {"caller_phone": "415-555-0188"}
    fake.entries += [audit, web]
    inv = Inventory()
    sample_cloud_logging(_options(url), inv, NullProgress())
    samples = _samples(inv)
    assert [d.detector for d in samples["app-audit"].detections] == ["ssn"]
    assert samples["app-audit"].detections[0].examples[0].field == "request.patient.ssn"
    web_found = {d.detector: d.examples[0].field for d in samples["app-web"].detections}
    # the query string's key is named after the field that holds it
    assert web_found == {"email": "httpRequest.requestUrl.email", "phone": "labels.caller_phone"}
