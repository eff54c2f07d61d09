"""What the samplers share: the per-log accumulator, the scanner from the profile, and the
silencing of client libraries that would log response bodies (log contents) at DEBUG level.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auditor.collect.phi.bounds import Budget, SamplingBounds
from auditor.collect.phi.detectors import Scanner, UnknownDetector
from auditor.collect.phi.masking import Hasher
from auditor.core.errors import CollectionError
from auditor.core.inventory import InventorySink
from auditor.core.model.base import WHOLE_RESOURCE, Gap, ListingGap
from auditor.core.model.phi import PhiDetectorSummary, PhiExample, PhiSampleRead, PhiUnread
from auditor.core.params import Parameters
from auditor.core.progress import Progress

MAX_STREAMS_LISTED = 50

#: Loggers of client libraries that log request or response bodies at DEBUG level.
PAYLOAD_LOGGERS: tuple[str, ...] = (
    "botocore",
    "boto3",
    "urllib3",
    "google.auth",
    "google.api_core",
    "google.cloud",
    "google_auth_httplib2",
    "requests",
    "werkzeug",
)


class _Quiet:
    """Reference-counted, so samplers running in parallel threads never unmute one another."""

    lock = threading.Lock()
    depth = 0
    saved: list[tuple[logging.Logger, int]] = []


@contextmanager
def quiet_payload_loggers() -> Iterator[None]:
    """While sampling, client libraries log nothing below WARNING: their DEBUG records carry
    response bodies, which here are log contents that may hold PHI."""
    with _Quiet.lock:
        if _Quiet.depth == 0:
            _Quiet.saved = []
            for name in PAYLOAD_LOGGERS:
                logger = logging.getLogger(name)
                _Quiet.saved.append((logger, logger.level))
                if logger.level < logging.WARNING:
                    logger.setLevel(logging.WARNING)
        _Quiet.depth += 1
    try:
        yield
    finally:
        with _Quiet.lock:
            _Quiet.depth -= 1
            if _Quiet.depth == 0:
                for logger, level in _Quiet.saved:
                    logger.setLevel(level)


@dataclass(frozen=True)
class SamplingRun:
    """What one sampling run shares across the logs it reads, whichever cloud holds them."""

    scanner: Scanner
    bounds: SamplingBounds
    budget: Budget
    window: tuple[datetime, datetime]
    sink: InventorySink
    progress: Progress


def record_not_enabled(
    sink: InventorySink,
    provider: str,
    accounts: Sequence[str],
    *,
    resource_type: str,
    operation: str,
    permission: str,
) -> None:
    """Log content sampling for PHI is opt-in: when it is off, each place it would have read is
    a gap that says so, never a pass."""
    for account in accounts:
        sink.add_listing_gap(
            ListingGap(
                provider=provider,
                account=account,
                resource_type=resource_type,
                operation=operation,
                error_code="NotEnabled",
                message=f"log content sampling is opt-in: run with --sample-logs (needs {permission})",
            )
        )


def make_scanner(params: Parameters, bounds: SamplingBounds) -> Scanner:
    """The scanner the profile asks for: its detectors and custom patterns, the run's salt."""
    try:
        return Scanner(
            detectors=params.phi_detectors,
            custom=params.phi_custom_patterns or (),
            hasher=Hasher(bounds.salt()),
            threshold=bounds.min_confidence,
        )
    except UnknownDetector as exc:
        raise CollectionError(str(exc)) from None


@dataclass
class Event:
    """One log event as the scanner sees it; ``segments`` are (key path, text) pieces."""

    stream: str | None
    event_id: str | None
    timestamp: datetime | None
    segments: Sequence[tuple[str, str]]
    size: int


@dataclass
class _DetectorTally:
    matches: int = 0
    events: int = 0
    max_confidence: float = 0.0
    examples: list[PhiExample] = field(default_factory=list)
    hashes: set[str] = field(default_factory=set)


class LogAccumulator:
    """Everything observed about one log while its events are read."""

    def __init__(
        self,
        scanner: Scanner,
        bounds: SamplingBounds,
        window: tuple[datetime, datetime],
        operation: str,
    ) -> None:
        self.scanner = scanner
        self.bounds = bounds
        self.window = window
        self.operation = operation
        self.events = 0
        self.bytes = 0
        self.pages = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.streams: dict[str, None] = {}
        self._stream_names: dict[str, str] = {}
        self._stream_count = 0
        self._tally: dict[str, _DetectorTally] = {}
        self._below: Counter[str] = Counter()
        self.unread: list[PhiUnread] = []
        self.error: tuple[str, str, str] | None = None  # operation, code, message
        self.complete = False

    def add(self, events: Sequence[Event]) -> None:
        if not events:
            return
        results = self.scanner.scan_segments([e.segments for e in events])
        threshold = self.scanner.threshold
        for event, found in zip(events, results, strict=True):
            if event.stream is not None:
                event.stream = self._safe_stream(event.stream)
            self.events += 1
            self.bytes += event.size
            if event.timestamp is not None:
                if self.first is None or event.timestamp < self.first:
                    self.first = event.timestamp
                if self.last is None or event.timestamp > self.last:
                    self.last = event.timestamp
            if event.stream is not None and event.stream not in self.streams:
                self._stream_count += 1
                if len(self.streams) < MAX_STREAMS_LISTED:
                    self.streams[event.stream] = None
            counted: set[str] = set()
            for det in found:
                if det.confidence < threshold:
                    self._below[det.detector] += 1
                    continue
                tally = self._tally.setdefault(det.detector, _DetectorTally())
                tally.matches += 1
                tally.max_confidence = max(tally.max_confidence, det.confidence)
                if det.detector not in counted:
                    counted.add(det.detector)
                    tally.events += 1
                if (
                    len(tally.examples) < self.bounds.max_examples
                    and det.digest not in tally.hashes
                ):
                    tally.hashes.add(det.digest)
                    tally.examples.append(
                        PhiExample(
                            stream=event.stream,
                            event_id=event.event_id,
                            timestamp=event.timestamp,
                            field=det.field,
                            masked=det.masked,
                            hash=det.digest,
                            confidence=det.confidence,
                        )
                    )

    def _safe_stream(self, name: str) -> str:
        """A stream name as it may be written: withheld when it looks like PHI itself."""
        safe = self._stream_names.get(name)
        if safe is None:
            hits = [d for d in self.scanner.scan(name) if d.confidence >= self.scanner.threshold]
            safe = f"<stream name withheld: holds {hits[0].detector}>" if hits else name
            if len(self._stream_names) < 10_000:
                self._stream_names[name] = safe
        return safe

    def stop(
        self, bound: str, limit: str, not_read: str, resume_after: datetime | None = None
    ) -> None:
        self.unread.append(
            PhiUnread(bound=bound, limit=limit, not_read=not_read, resume_after=resume_after)
        )

    def fail(self, operation: str, code: str, message: str, not_read: str) -> None:
        self.error = (operation, code, message)
        self.unread.append(
            PhiUnread(bound="api_error", limit=code, not_read=not_read, resume_after=self.last)
        )

    @property
    def found_phi(self) -> bool:
        return bool(self._tally)

    def fields(self) -> dict[str, Any]:
        """The shared fields of a PHI sample resource, gaps included."""
        summaries = [
            PhiDetectorSummary(
                detector=name,
                matches=t.matches,
                events=t.events,
                max_confidence=t.max_confidence,
                examples=t.examples,
            )
            for name, t in sorted(self._tally.items(), key=lambda kv: (-kv[1].matches, kv[0]))
        ]
        read = PhiSampleRead(
            events=self.events,
            bytes=self.bytes,
            pages=self.pages,
            window_start=self.window[0],
            window_end=self.window[1],
            first_event_at=self.first,
            last_event_at=self.last,
            streams=list(self.streams),
            stream_count=self._stream_count,
        )
        unread_text = "; ".join(f"{u.bound} ({u.limit}): {u.not_read}" for u in self.unread)
        return {
            "detectors": list(self.scanner.names),
            "confidence_threshold": self.scanner.threshold,
            "read": read,
            "detections": summaries,
            "detections_text": _summary_text(summaries),
            "below_threshold": dict(sorted(self._below.items())),
            "unread": list(self.unread),
            "unread_text": unread_text or "nothing, the whole window was read",
            "complete": self.complete and not self.unread,
            "gaps": self._gaps(unread_text),
        }

    def _gaps(self, unread_text: str) -> list[Gap]:
        if not self.unread:
            return []
        if self.error is not None:
            operation, code, message = self.error
            message = (
                f"{message}; not read: {unread_text}" if message else f"not read: {unread_text}"
            )
        else:
            operation, code, message = self.operation, "SamplingBound", f"not read: {unread_text}"
        if self.events == 0:
            return [
                Gap(operation=operation, error_code=code, message=message, fields=(WHOLE_RESOURCE,))
            ]
        if not self.found_phi:
            # Nothing found in what was read: "no PHI" is unproven for the rest.
            return [
                Gap(operation=operation, error_code=code, message=message, fields=("detections",))
            ]
        return []  # PHI found in what was read: proven whatever the rest holds.


def _summary_text(summaries: list[PhiDetectorSummary]) -> str:
    if not summaries:
        return "none"
    parts: list[str] = []
    for s in summaries:
        text = f"{s.detector}: {s.matches} match(es) in {s.events} event(s)"
        if s.examples:
            ex = s.examples[0]
            where = [
                f"stream {ex.stream}" if ex.stream else "",
                f"event {ex.event_id}" if ex.event_id else "",
            ]
            if ex.timestamp is not None:
                where.append(f"at {ex.timestamp.isoformat()}")
            if ex.field:
                where.append(f"field {ex.field}")
            text += f", e.g. {ex.masked} ({', '.join(w for w in where if w)})"
        parts.append(text)
    return "; ".join(parts)


__all__ = ["Event", "LogAccumulator", "make_scanner", "quiet_payload_loggers"]
