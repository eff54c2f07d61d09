"""Bounded sampling of Cloud Logging contents for PHI (opt-in: ``options.sample_logs``).

For each project, one ``entries.list`` query (newest first) covers the logs whose log id starts
with one of ``$params.log_groups_in_scope`` (every log when the profile names none) over the
sampling window. Entries are grouped by ``logName``; each log becomes one
``gcp.logging.phi_sample`` resource. Bounds (see :mod:`auditor.collect.phi.bounds`) stop the reading; what
they left unread is recorded on each log, and logs that may not have been reached at all are a
listing gap on the project.

The client is ``google.cloud.logging.Client`` over its JSON/HTTP transport (``_use_grpc=False``);
``options.gcp_endpoint`` points it at an emulator with anonymous credentials.
"""

from __future__ import annotations

import importlib
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from auditor.collect.base import CollectOptions
from auditor.collect.phi.bounds import Budget, SamplingBounds
from auditor.collect.phi.detectors import segments, walk
from auditor.collect.phi.sample import (
    Event,
    LogAccumulator,
    SamplingRun,
    make_scanner,
    quiet_payload_loggers,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, ListingGap
from auditor.core.model.phi import LoggingPhiSample
from auditor.core.progress import Progress

RESOURCE_TYPE = LoggingPhiSample.resource_type
OP_LIST = "logging.entries.list"
DESCENDING = "timestamp desc"


def sample_cloud_logging(
    options: CollectOptions,
    sink: InventorySink,
    progress: Progress,
    *,
    projects: list[str] | None = None,
    client_factory: Callable[[str], Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Sample the logs in scope of every project and put one resource per log in ``sink``.

    ``projects`` defaults to the project of ``options.gcp_scope`` (``projects/ID``); for folder
    and organization scopes the caller passes the projects it enumerated. ``client_factory``
    (project -> ``google.cloud.logging.Client``) is for callers that build their own clients.
    """
    if not options.sample_logs:
        return  # opt-in: reading log contents needs its own permission
    bounds = SamplingBounds.from_options(options.sampling)
    scanner = make_scanner(options.params, bounds)
    budget = Budget(bounds, clock)
    window = bounds.window()
    prefixes = list(options.params.log_groups_in_scope or [])
    if projects is None:
        scope = options.gcp_scope or ""
        if scope.startswith("projects/"):
            projects = [scope.split("/", 1)[1]]
        else:
            sink.add_listing_gap(
                ListingGap(
                    provider="gcp",
                    account=scope or "unknown",
                    resource_type=RESOURCE_TYPE,
                    operation=OP_LIST,
                    error_code="ProjectsNotEnumerated",
                    message="PHI sampling was given no projects for this folder/organization scope",
                )
            )
            return
    factory = client_factory or _client_factory(options)
    with quiet_payload_loggers():
        run = SamplingRun(scanner, bounds, budget, window, sink, progress)
        for project in projects:
            _sample_project(run, factory, project, prefixes)


def log_filter(project: str, prefixes: list[str], window: tuple[datetime, datetime]) -> str:
    """The Logging query: log ids starting with a prefix, within the window."""
    terms: list[str] = []
    if prefixes:
        # Log ids are URL-encoded in logName ("/app/x" -> "%2Fapp%2Fx"); [.] keeps dots literal.
        names = [
            f'logName=~"^projects/{project}/logs/{quote(p, safe="").replace(".", "[.]")}"'
            for p in prefixes
        ]
        terms.append("(" + " OR ".join(names) + ")")
    terms.append(f'timestamp>="{_rfc3339(window[0])}"')
    terms.append(f'timestamp<="{_rfc3339(window[1])}"')
    return " AND ".join(terms)


def _sample_project(
    run: SamplingRun, factory: Callable[[str], Any], project: str, prefixes: list[str]
) -> None:
    scanner, bounds, budget, window = run.scanner, run.bounds, run.budget, run.window
    sink, progress = run.sink, run.progress
    task = progress.task(f"sampling log contents for PHI in gcp {project}")
    accs: dict[str, LogAccumulator] = {}
    pending: dict[str, list[Event]] = {}
    skipped: Counter[str] = Counter()
    unseen_logs = 0
    stopped: tuple[str, str] | None = None
    error: tuple[str, str] | None = None
    try:
        client = factory(project)
        entries = client.list_entries(
            resource_names=[f"projects/{project}"],
            filter_=log_filter(project, prefixes, window),
            order_by=DESCENDING,
            page_size=bounds.page_size,
        )
        for entry in entries:
            stopped = budget.exhausted()
            if stopped is not None:
                break
            log_name = str(entry.log_name)
            acc = accs.get(log_name)
            if acc is None:
                if len(accs) >= bounds.max_logs:
                    unseen_logs += 1
                    continue
                acc = accs[log_name] = LogAccumulator(scanner, bounds, window, OP_LIST)
                pending[log_name] = []
            event = _event(entry)
            budget.add_bytes(event.size)
            batch = pending[log_name]
            if acc.events + len(batch) >= bounds.max_events_per_log:
                skipped[log_name] += 1
                continue
            batch.append(event)
            if len(batch) >= bounds.page_size:
                acc.pages += 1
                acc.add(batch)
                pending[log_name] = []
            progress.advance(task)
    except Exception as exc:  # google.api_core / google.auth errors: recorded, never raised
        error = (_error_code(exc), _error_message(exc))
    for log_name, batch in pending.items():
        if batch:
            accs[log_name].pages += 1
            accs[log_name].add(batch)
    progress.done(task)

    for log_name, acc in sorted(accs.items()):
        oldest = acc.first.isoformat() if acc.first else "the window end"
        log_id = unquote(log_name.rsplit("/logs/", 1)[-1])
        if skipped[log_name]:
            acc.stop(
                "max_events_per_log",
                str(bounds.max_events_per_log),
                f"{skipped[log_name]} further entries of {log_id} seen but not scanned, "
                f"and entries older than {oldest} back to {window[0].isoformat()}",
                acc.first,
            )
        elif stopped is not None:
            acc.stop(
                stopped[0],
                stopped[1],
                f"entries of {log_id} older than {oldest} back to {window[0].isoformat()}",
                acc.first,
            )
        elif error is not None:
            acc.fail(OP_LIST, error[0], error[1], f"entries of {log_id} older than {oldest}")
        else:
            acc.complete = True
        if acc.unread:
            progress.note(f"PHI sampling of {log_id} in {project} stopped: {acc.unread[0].bound}")
        sink.add_resource(
            LoggingPhiSample(
                id=f"//logging.googleapis.com/{log_name}",
                name=log_id,
                account=project,
                log_name=log_name,
                log_id=log_id,
                **acc.fields(),
            )
        )
    listing_problem = _listing_problem(bounds, stopped, error, unseen_logs)
    if listing_problem is not None:
        code, message = listing_problem
        sink.add_listing_gap(
            ListingGap(
                provider="gcp",
                account=project,
                resource_type=RESOURCE_TYPE,
                operation=OP_LIST,
                error_code=code,
                message=message,
            )
        )
    sink.add_coverage(
        Coverage(provider="gcp", account=project, resource_type=RESOURCE_TYPE, count=len(accs))
    )


def _listing_problem(
    bounds: SamplingBounds,
    stopped: tuple[str, str] | None,
    error: tuple[str, str] | None,
    unseen: int,
) -> tuple[str, str] | None:
    """Why logs of the project may not have been reached at all, if they may not."""
    if error is not None:
        return error[
            0
        ], f"entries.list failed ({error[1]}); logs not reached before it were not sampled"
    if stopped is not None:
        return "SamplingBound", (
            f"{stopped[0]}={stopped[1]} reached; logs whose entries in the window are all older "
            "than the last entry read were not sampled"
        )
    if unseen:
        return "SamplingBound", (
            f"max_logs={bounds.max_logs} reached; {unseen} entries of further logs were not sampled"
        )
    return None


def _event(entry: Any) -> Event:
    payload = entry.payload
    segs: list[tuple[str, str]] = []
    if isinstance(payload, str):
        segs = segments(payload)
    elif isinstance(payload, Mapping):
        segs = list(walk(dict(payload), ""))
    elif payload is not None:
        try:
            from google.protobuf.json_format import MessageToDict

            segs = list(walk(MessageToDict(payload), ""))
        except Exception:  # an unknown payload type is not readable: nothing to scan
            segs = []
    http_request = getattr(entry, "http_request", None)
    if http_request:
        segs.extend(walk(dict(http_request), "httpRequest"))
    labels = getattr(entry, "labels", None)
    if labels:
        segs.extend(walk(dict(labels), "labels"))
    resource = getattr(entry, "resource", None)
    return Event(
        stream=getattr(resource, "type", None),
        event_id=entry.insert_id,
        timestamp=entry.timestamp,
        segments=segs,
        size=sum(len(text.encode("utf-8", "replace")) for _, text in segs),
    )


def _client_factory(options: CollectOptions) -> Callable[[str], Any]:
    def make(project: str) -> Any:
        # typed as Any: the logging client's stubs differ between releases
        gcl: Any = importlib.import_module("google.cloud.logging")

        if options.gcp_endpoint:
            credentials: Any = importlib.import_module("google.auth.credentials")
            return gcl.Client(
                project=project,
                credentials=credentials.AnonymousCredentials(),
                _use_grpc=False,
                client_options={"api_endpoint": options.gcp_endpoint},
            )
        return gcl.Client(project=project, _use_grpc=False)

    return make


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _error_code(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    status = getattr(exc, "grpc_status_code", None)
    if status is not None and getattr(status, "name", None):
        return str(status.name)
    if code is not None:
        return str(int(code)) if isinstance(code, int) else str(code)
    return type(exc).__name__


def _error_message(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return str(message)[:300] if message else type(exc).__name__


__all__ = ["log_filter", "sample_cloud_logging"]
