"""Bounded sampling of CloudWatch Logs contents for PHI (opt-in: ``options.sample_logs``).

For each region, every log group is listed with ``logs:DescribeLogGroups`` (only those whose
names start with one of ``$params.log_groups_in_scope`` when the profile sets prefixes), the
largest first (``storedBytes``, the only size the listing gives), and each is read with ``logs:FilterLogEvents`` over the sampling window, page by page, until the window is
read or a bound stops it (see :mod:`auditor.collect.phi.bounds`). Each group becomes one
``aws.logs.phi_sample`` resource; what a bound or an error left unread is recorded on it.

Events are scanned in memory page by page and dropped; only counts, masked forms and salted
hashes are kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from auditor.collect.base import CollectOptions
from auditor.collect.phi.bounds import Budget, SamplingBounds
from auditor.collect.phi.detectors import segments
from auditor.collect.phi.sample import (
    Event,
    LogAccumulator,
    SamplingRun,
    make_scanner,
    quiet_payload_loggers,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, ListingGap
from auditor.core.model.phi import LogsPhiSample
from auditor.core.progress import Progress

RESOURCE_TYPE = LogsPhiSample.resource_type
OP_DESCRIBE = "logs:DescribeLogGroups"
OP_FILTER = "logs:FilterLogEvents"

ClientFactory = Callable[[str, str], Any]


def sample_cloudwatch(
    session_or_client_factory: Any,
    options: CollectOptions,
    sink: InventorySink,
    progress: Progress,
    *,
    account: str | None = None,
    regions: list[str] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Sample the log groups in scope in every region and put one resource per group in ``sink``.

    ``session_or_client_factory`` is a boto3 ``Session`` (anything with ``.client(service,
    region_name=...)``) or a callable ``(service, region) -> client``. ``account`` and ``regions``
    default to the caller identity and ``options.regions`` (else the session's region).
    """
    if not options.sample_logs:
        return  # opt-in: reading log contents needs its own permission
    bounds = SamplingBounds.from_options(options.sampling)
    scanner = make_scanner(options.params, bounds)
    factory = _factory(session_or_client_factory)
    regions = regions or options.regions or [_default_region(session_or_client_factory)]
    budget = Budget(bounds, clock)
    window = bounds.window()
    prefixes = list(options.params.log_groups_in_scope or [])
    with quiet_payload_loggers():
        if account is None:
            account = _caller_account(factory, regions[0])
        run = SamplingRun(scanner, bounds, budget, window, sink, progress)
        for region in regions:
            _sample_region(run, factory("logs", region), region, account, prefixes)


def _sample_region(
    run: SamplingRun, client: Any, region: str, account: str, prefixes: list[str]
) -> None:
    scanner, bounds, budget, window = run.scanner, run.bounds, run.budget, run.window
    sink, progress = run.sink, run.progress
    try:
        groups = _groups_in_scope(client, prefixes)
    except Exception as exc:  # botocore ClientError / BotoCoreError: a listing gap, never a crash
        sink.add_listing_gap(
            ListingGap(
                provider="aws",
                account=account,
                region=region,
                resource_type=RESOURCE_TYPE,
                operation=OP_DESCRIBE,
                error_code=_error_code(exc),
                message=_error_message(exc),
            )
        )
        return
    task = progress.task(
        f"sampling log contents for PHI in aws {account}/{region}", total=len(groups)
    )
    for index, group in enumerate(groups):
        acc = LogAccumulator(scanner, bounds, window, OP_FILTER)
        stop = budget.exhausted()
        if index >= bounds.max_logs:
            acc.stop(
                "max_logs", str(bounds.max_logs), f"all events of {group} (log group not sampled)"
            )
        elif stop is not None:
            acc.stop(stop[0], stop[1], f"all events of {group} (log group not sampled)")
        else:
            _sample_group(client, group, acc, run)
        if acc.unread:
            progress.note(f"PHI sampling of {group} in {region} stopped: {acc.unread[0].bound}")
        sink.add_resource(
            LogsPhiSample(
                id=f"arn:aws:logs:{region}:{account}:log-group:{group}",
                name=group,
                account=account,
                region=region,
                log_group=group,
                **acc.fields(),
            )
        )
        progress.advance(task)
    progress.done(task)
    sink.add_coverage(
        Coverage(
            provider="aws",
            account=account,
            region=region,
            resource_type=RESOURCE_TYPE,
            count=len(groups),
        )
    )


def _sample_group(client: Any, group: str, acc: LogAccumulator, run: SamplingRun) -> None:
    bounds, budget = run.bounds, run.budget
    start, end = run.window
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "startTime": int(start.timestamp() * 1000),
        "endTime": int(end.timestamp() * 1000),
    }
    while True:
        remaining = bounds.max_events_per_log - acc.events
        stop = budget.exhausted()
        if stop is not None:
            acc.stop(stop[0], stop[1], _rest(group, acc, end), acc.last)
            return
        kwargs["limit"] = min(bounds.page_size, remaining)
        try:
            page = client.filter_log_events(**kwargs)
        except Exception as exc:  # botocore ClientError / BotoCoreError
            acc.fail(OP_FILTER, _error_code(exc), _error_message(exc), _rest(group, acc, end))
            return
        acc.pages += 1
        raw = page.get("events") or []
        events = [_event(e) for e in raw[:remaining]]
        acc.add(events)
        budget.add_bytes(sum(e.size for e in events))
        token = page.get("nextToken")
        if len(raw) > remaining or (acc.events >= bounds.max_events_per_log and token):
            acc.stop(
                "max_events_per_log",
                str(bounds.max_events_per_log),
                _rest(group, acc, end),
                acc.last,
            )
            return
        if not token:
            acc.complete = True
            return
        kwargs["nextToken"] = token


def _rest(group: str, acc: LogAccumulator, end: datetime) -> str:
    if acc.last is None:
        return f"all events of {group} in the window up to {end.isoformat()}"
    return f"events of {group} after {acc.last.isoformat()} up to {end.isoformat()}"


def _event(raw: dict[str, Any]) -> Event:
    message = str(raw.get("message") or "")
    ts = raw.get("timestamp")
    return Event(
        stream=raw.get("logStreamName"),
        event_id=raw.get("eventId"),
        timestamp=datetime.fromtimestamp(ts / 1000, UTC) if isinstance(ts, int | float) else None,
        segments=segments(message) if message else [],
        size=len(message.encode("utf-8", "replace")),
    )


def _groups_in_scope(client: Any, prefixes: list[str]) -> list[str]:
    """Names of the groups to sample, largest and newest first, so bounds cut the least."""
    groups: dict[str, tuple[int, int]] = {}  # name -> (storedBytes, creationTime)
    paginator = client.get_paginator("describe_log_groups")
    for prefix in prefixes or [""]:
        kwargs = {"logGroupNamePrefix": prefix} if prefix else {}
        for page in paginator.paginate(**kwargs):
            for group in page.get("logGroups") or []:
                name = group.get("logGroupName")
                if name:
                    size = group.get("storedBytes")
                    created = group.get("creationTime")
                    groups[str(name)] = (
                        int(size) if isinstance(size, int | float) else 0,
                        int(created) if isinstance(created, int | float) else 0,
                    )
    return sorted(groups, key=lambda n: (-groups[n][0], n))


def _factory(session_or_factory: Any) -> ClientFactory:
    if hasattr(session_or_factory, "client"):
        session = session_or_factory

        def make(service: str, region: str) -> Any:
            return session.client(service, region_name=region)

        return make
    if callable(session_or_factory):
        return session_or_factory  # type: ignore[no-any-return]
    raise TypeError(
        "sample_cloudwatch needs a boto3 Session or a (service, region) -> client callable"
    )


def _default_region(session_or_factory: Any) -> str:
    region = getattr(session_or_factory, "region_name", None)
    return str(region) if region else "us-east-1"


def _caller_account(factory: ClientFactory, region: str) -> str:
    identity = factory("sts", region).get_caller_identity()
    return str(identity["Account"])


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
    return type(exc).__name__


def _error_message(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Message") or "")[:300]
    return type(exc).__name__


__all__ = ["sample_cloudwatch"]
