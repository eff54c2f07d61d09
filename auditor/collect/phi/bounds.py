"""The bounds of PHI sampling, read from ``CollectOptions.sampling``, and the run's budget.

Keys of ``CollectOptions.sampling`` (all optional):

==========================  =========  ==========================================================
key                         default    meaning
==========================  =========  ==========================================================
``window_hours``            24         read events from this many hours before ``end_time``
``end_time``                now        end of the window (ISO 8601), for reproducible samples
``max_events_per_log``      1000       events read per log group (AWS) or log (GCP)
``max_bytes_total``         50000000   bytes of event text read in the whole run
``max_wall_seconds``        300        wall-clock seconds for the whole run
``max_logs``                200        log groups per region (AWS) or logs per project (GCP)
``page_size``               1000       events per API page
``min_confidence``          0.7        detections below this are counted but not judged
``max_examples``            3          masked examples kept per detector and log
``hash_salt``               random     HMAC key for the salted hashes; random per run if unset
==========================  =========  ==========================================================
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from auditor.core.errors import CollectionError


class SamplingBounds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window_hours: float = Field(default=24.0, gt=0)
    end_time: datetime | None = None
    max_events_per_log: int = Field(default=1000, ge=1)
    max_bytes_total: int = Field(default=50_000_000, ge=1)
    max_wall_seconds: float = Field(default=300.0, ge=0)
    max_logs: int = Field(default=200, ge=1)
    page_size: int = Field(default=1000, ge=1, le=10_000)
    min_confidence: float = Field(default=0.7, ge=0, le=1)
    max_examples: int = Field(default=3, ge=0, le=100)
    hash_salt: SecretStr | None = None

    @classmethod
    def from_options(cls, sampling: Mapping[str, Any] | None) -> SamplingBounds:
        try:
            return cls.model_validate(dict(sampling or {}))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            # The message names the key, never the value (a salt is a secret).
            raise CollectionError(f"invalid PHI sampling option {where}: {err['msg']}") from None

    def window(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        end = self.end_time or now or datetime.now(UTC)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        return end - timedelta(hours=self.window_hours), end

    def salt(self) -> str | None:
        return self.hash_salt.get_secret_value() if self.hash_salt is not None else None


class Budget:
    """The run-wide bounds: bytes read and wall time, shared by every log of the run."""

    def __init__(self, bounds: SamplingBounds, clock: Callable[[], float] = time.monotonic) -> None:
        self.bounds = bounds
        self.clock = clock
        self.started = clock()
        self.bytes = 0

    def add_bytes(self, n: int) -> None:
        self.bytes += n

    def exhausted(self) -> tuple[str, str] | None:
        """``(bound, limit)`` of the run-wide bound that is reached, or None."""
        if self.bytes >= self.bounds.max_bytes_total:
            return "max_bytes_total", str(self.bounds.max_bytes_total)
        if self.clock() - self.started >= self.bounds.max_wall_seconds:
            return "max_wall_seconds", f"{self.bounds.max_wall_seconds:g}"
        return None


__all__ = ["Budget", "SamplingBounds"]
