"""CloudWatch Logs sampling end to end: boto3 against moto's server over HTTP."""

from __future__ import annotations

import logging
import time
from typing import Any

import boto3
import pytest

from auditor.collect.base import CollectOptions
from auditor.collect.phi.detectors import DETECTORS
from auditor.collect.phi.sampler_aws import sample_cloudwatch
from auditor.core.inventory import Inventory, dump_snapshot, load_snapshot
from auditor.core.model.phi import LogsPhiSample
from auditor.core.params import Parameters
from auditor.core.progress import LineProgress, NullProgress

pytestmark = pytest.mark.e2e

REGION = "us-east-1"


def _put(
    logs: Any, group: str, messages: list[str], stream: str = "web-1", hours_ago: float = 1.0
) -> None:
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000) - int(hours_ago * 3_600_000)
    events = [{"timestamp": now + i, "message": m} for i, m in enumerate(messages)]
    for i in range(0, len(events), 1000):
        logs.put_log_events(
            logGroupName=group, logStreamName=stream, logEvents=events[i : i + 1000]
        )


def _clean(n: int) -> list[str]:
    return [
        f"request {i:08d} completed in {i % 900}ms status=200 version 1.{i % 30}.{i % 7}"
        for i in range(n)
    ]


def _options(**sampling: Any) -> CollectOptions:
    return CollectOptions(
        regions=[REGION],
        params=Parameters(log_groups_in_scope=["/app/"]),
        sample_logs=True,
        sampling={"window_hours": 3, "hash_salt": "e2e-salt", **sampling},
    )


def _samples(inv: Inventory) -> dict[str, LogsPhiSample]:
    out = {}
    for r in inv.resources:
        assert isinstance(r, LogsPhiSample)
        out[r.log_group] = r
    return out


def test_phi_found_and_never_copied(
    moto_env: str,
    planted: list,
    planted_values: list,
    no_leak: Any,
    all_files: Any,
    evaluate: Any,
    tmp_path: Any,
    capfd: Any,
    caplog: Any,
) -> None:
    logs = boto3.client("logs", region_name=REGION)
    messages = [line for _, text, js in planted for line in (text, js)]
    _put(logs, "/app/api", messages, hours_ago=10)  # before the window: never read
    _put(logs, "/app/api", _clean(40) + messages + _clean(40))
    _put(logs, "/app/clean", _clean(120))
    _put(logs, "/other/ignored", messages)  # out of scope: never read
    capfd.readouterr()  # forget what the test's own setup printed

    inv = Inventory()
    snapshot = tmp_path / "out" / "snapshot.jsonl"
    snapshot.parent.mkdir()
    with caplog.at_level(logging.DEBUG):
        sample_cloudwatch(
            boto3.Session(region_name=REGION), _options(page_size=25), inv, LineProgress()
        )
        dump_snapshot(inv, snapshot)
        result = evaluate(inv, snapshot.parent)

    samples = _samples(inv)
    assert set(samples) == {"/app/api", "/app/clean"}
    api = samples["/app/api"]
    assert {d.detector for d in api.detections} == set(DETECTORS)
    assert all(d.matches == 2 for d in api.detections), [
        (d.detector, d.matches) for d in api.detections
    ]
    assert api.read.events == 104 and api.read.pages >= 5 and api.complete and api.gaps == []
    assert api.read.streams == ["web-1"]
    ssn = next(d for d in api.detections if d.detector == "ssn")
    assert {e.masked for e in ssn.examples} == {"***-**-9999", "***-**-1120"}
    assert all(
        e.event_id and e.timestamp and e.stream == "web-1" and len(e.hash) == 64
        for e in ssn.examples
    )
    assert api.id == "arn:aws:logs:us-east-1:123456789012:log-group:/app/api"
    assert "ssn: 2 match(es) in 2 event(s)" in api.detections_text
    clean = samples["/app/clean"]
    assert (
        clean.detections == [] and clean.read.events == 120 and clean.complete and clean.gaps == []
    )
    assert inv.coverage[0].count == 2 and inv.listing_gaps == []
    assert load_snapshot(snapshot).resources == inv.resources

    mine = [f for f in result.findings if f.policy_id == "AWS-PHI-001"]
    by_status = {f.resource.name: f.status for f in mine}
    assert sorted(by_status.values()) == ["FAIL", "PASS"], by_status
    fail = next(f for f in mine if f.status == "FAIL")
    assert "ssn: 2 match(es)" in fail.message and "***-**-" in fail.message
    assert any(p.name.startswith("report") for p in snapshot.parent.iterdir())

    out, err = capfd.readouterr()
    blobs = all_files(tmp_path)
    blobs.update(stdout=out.encode(), stderr=err.encode(), logs=caplog.text.encode())
    blobs["log records"] = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert "sampling log contents for PHI" in err  # the tool did print progress
    no_leak(planted_values, blobs)


def test_events_per_log_bound_leaves_a_gap_only_when_nothing_was_found(moto_env: str) -> None:
    logs = boto3.client("logs", region_name=REGION)
    _put(logs, "/app/clean", _clean(50))
    _put(logs, "/app/phi", ["ssn 219-09-9999 rejected", *_clean(49)])
    inv = Inventory()
    sample_cloudwatch(
        boto3.Session(), _options(max_events_per_log=20, page_size=7), inv, NullProgress()
    )
    samples = _samples(inv)

    clean = samples["/app/clean"]
    assert clean.read.events == 20 and not clean.complete
    assert [u.bound for u in clean.unread] == ["max_events_per_log"]
    assert clean.unread[0].resume_after == clean.read.last_event_at
    (gap,) = clean.gaps
    assert gap.error_code == "SamplingBound" and gap.fields == ("detections",)
    assert gap.operation == "logs:FilterLogEvents" and "events of /app/clean after" in gap.message

    phi = samples["/app/phi"]
    assert phi.read.events == 20 and [u.bound for u in phi.unread] == ["max_events_per_log"]
    assert phi.gaps == []  # PHI was found in what was read: proven whatever the rest holds
    assert [d.detector for d in phi.detections] == ["ssn"]


def test_bytes_bound_stops_the_run(moto_env: str) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for name in ("/app/a", "/app/b", "/app/c"):
        _put(logs, name, _clean(30))
    inv = Inventory()
    sample_cloudwatch(
        boto3.Session(), _options(max_bytes_total=500, page_size=5), inv, NullProgress()
    )
    samples = _samples(inv)
    first = samples["/app/a"]
    assert 0 < first.read.events < 30 and first.unread[0].bound == "max_bytes_total"
    assert first.gaps[0].fields == ("detections",)
    for name in ("/app/b", "/app/c"):
        s = samples[name]
        assert s.read.events == 0 and s.unread[0].bound == "max_bytes_total"
        assert s.gaps[0].fields == ("*",) and "not sampled" in s.gaps[0].message


def test_wall_time_bound_stops_the_run(moto_env: str) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for name in ("/app/a", "/app/b"):
        _put(logs, name, _clean(30))
    ticks = iter(range(1_000_000))

    def clock() -> float:  # one second passes at every look at the clock
        return float(next(ticks))

    inv = Inventory()
    sample_cloudwatch(
        boto3.Session(), _options(max_wall_seconds=3, page_size=5), inv, NullProgress(), clock=clock
    )
    samples = _samples(inv)
    assert samples["/app/a"].unread[0].bound == "max_wall_seconds"
    assert 0 < samples["/app/a"].read.events < 30
    assert samples["/app/b"].gaps[0].fields == ("*",)
    assert samples["/app/b"].unread[0].bound == "max_wall_seconds"


def test_log_group_count_bound(moto_env: str) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for name in ("/app/a", "/app/b", "/app/c"):
        _put(logs, name, _clean(3))
    inv = Inventory()
    sample_cloudwatch(boto3.Session(), _options(max_logs=2), inv, NullProgress())
    samples = _samples(inv)
    assert samples["/app/a"].complete and samples["/app/b"].complete
    assert samples["/app/c"].unread[0].bound == "max_logs" and samples["/app/c"].gaps[0].fields == (
        "*",
    )


class _ListsAMissingGroup:
    """A real moto client whose listing also names a group that does not exist."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_paginator(self, name: str) -> Any:
        real = self._client.get_paginator(name)

        class Pages:
            def paginate(self, **kwargs: Any) -> Any:
                for page in real.paginate(**kwargs):
                    yield {
                        "logGroups": [
                            *page.get("logGroups", []),
                            {"logGroupName": "/app/zz-deleted"},
                        ]
                    }

        return Pages()


def test_sampling_is_opt_in(moto_env: str) -> None:
    inv = Inventory()
    options = _options()
    options.sample_logs = False
    sample_cloudwatch(boto3.Session(), options, inv, NullProgress())
    assert inv.resources == [] and inv.coverage == [] and inv.listing_gaps == []


def test_api_error_is_a_gap_with_its_code(moto_env: str) -> None:
    logs = boto3.client("logs", region_name=REGION)
    _put(logs, "/app/a", _clean(3))
    inv = Inventory()

    def factory(service: str, region: str) -> Any:
        client = boto3.client(service, region_name=region)
        return _ListsAMissingGroup(client) if service == "logs" else client

    sample_cloudwatch(factory, _options(), inv, NullProgress())
    missing = _samples(inv)["/app/zz-deleted"]
    (gap,) = missing.gaps
    assert gap.error_code == "ResourceNotFoundException" and gap.operation == "logs:FilterLogEvents"
    assert gap.fields == ("*",) and missing.unread[0].bound == "api_error"


def test_listing_error_is_a_listing_gap() -> None:
    class Denied:
        def get_paginator(self, name: str) -> Any:
            from botocore.exceptions import ClientError

            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeLogGroups"
            )

    inv = Inventory()
    sample_cloudwatch(
        lambda service, region: Denied(), _options(), inv, NullProgress(), account="111111111111"
    )
    (gap,) = inv.listing_gaps
    assert gap.error_code == "AccessDeniedException" and gap.resource_type == "aws.logs.phi_sample"
    assert gap.operation == "logs:DescribeLogGroups" and inv.resources == []
