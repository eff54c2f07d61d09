"""What PHI sampling of log contents observed: one resource per sampled log group or log.

A sample says what was read (events, bytes, time window, streams), what each detector found at or
above the confidence threshold (counts, masked examples, salted hashes, event ids and timestamps:
never the matched text), and what was not read because a bound stopped the sampler.

When a bound or an API error left part of a log unread and nothing was found in the part that was
read, the sample carries a :class:`~auditor.core.model.base.Gap` on ``detections``: "no PHI" is then
unproven, so the policy yields ERROR naming what was not read. When PHI *was* found in the part
read, the finding is proven whatever the rest holds, so the unread part is recorded in ``unread``
(and shown in the report) without a gap, and the policy yields FAIL. A log of which nothing at all
could be read carries a whole-resource gap.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.base import Provider, Resource, optional


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhiExample(_Frozen):
    """Where one detected value was, and its masked form and salted hash (never the value)."""

    stream: str | None = optional("log stream (AWS) or monitored resource (GCP)")
    event_id: str | None = optional("eventId (AWS) or insertId (GCP)")
    timestamp: datetime | None = None
    field: str | None = optional("JSON key path of the value, for structured events")
    masked: str = Field(description="masked form, e.g. ***-**-6789")
    hash: str = Field(description="HMAC-SHA256 of the normalized value under the run's salt")
    confidence: float


class PhiDetectorSummary(_Frozen):
    """What one detector found at or above the confidence threshold in one log."""

    detector: str
    matches: int = Field(description="detections (distinct values per event)")
    events: int = Field(description="events with at least one detection")
    max_confidence: float
    examples: list[PhiExample] = Field(default_factory=list)


class PhiSampleRead(_Frozen):
    """What the sampler read from one log."""

    events: int = 0
    bytes: int = Field(default=0, description="UTF-8 bytes of event text scanned")
    pages: int = 0
    window_start: datetime
    window_end: datetime
    first_event_at: datetime | None = None
    last_event_at: datetime | None = None
    streams: list[str] = Field(default_factory=list, description="first streams read (at most 50)")
    stream_count: int = 0


class PhiUnread(_Frozen):
    """A part of a log the sampler did not read, and the bound or error that stopped it."""

    bound: str = Field(
        description="max_events_per_log | max_bytes_total | max_wall_seconds | max_logs | api_error"
    )
    limit: str = Field(description="the bound's configured value, or the error code")
    not_read: str = Field(description="what remained unread, in words")
    resume_after: datetime | None = optional("timestamp of the last event read before the stop")


class PhiLogSample(Resource):
    """Fields shared by AWS and GCP log samples."""

    detectors: list[str] = Field(default_factory=list, description="detectors that ran")
    confidence_threshold: float
    read: PhiSampleRead
    detections: list[PhiDetectorSummary] = Field(
        default_factory=list, description="per detector, at or above the threshold"
    )
    detections_text: str = Field(default="none", description="one-line summary for messages")
    below_threshold: dict[str, int] = Field(
        default_factory=dict,
        description="detections under the threshold, per detector (not judged)",
    )
    unread: list[PhiUnread] = Field(default_factory=list)
    unread_text: str = Field(
        default="nothing, the whole window was read", description="for messages"
    )
    complete: bool = Field(description="True when the whole time window of this log was read")


class LogsPhiSample(PhiLogSample):
    """A sampled CloudWatch Logs log group."""

    resource_type: ClassVar[str] = "aws.logs.phi_sample"
    provider: ClassVar[Provider] = "aws"

    log_group: str


class LoggingPhiSample(PhiLogSample):
    """A sampled Cloud Logging log (one logName in one project)."""

    resource_type: ClassVar[str] = "gcp.logging.phi_sample"
    provider: ClassVar[Provider] = "gcp"

    log_name: str = Field(description="projects/P/logs/LOG_ID")
    log_id: str = Field(description="the log id, URL-decoded")


PHI_RESOURCE_TYPES: tuple[type[Resource], ...] = (LogsPhiSample, LoggingPhiSample)

__all__ = [
    "PHI_RESOURCE_TYPES",
    "LoggingPhiSample",
    "LogsPhiSample",
    "PhiDetectorSummary",
    "PhiExample",
    "PhiLogSample",
    "PhiSampleRead",
    "PhiUnread",
]
