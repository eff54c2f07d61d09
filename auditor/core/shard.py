"""Deterministic sharding of accounts and projects over N copies of the tool.

``--shard K/N`` (K is 1-based) keeps the accounts or projects whose stable hash falls in bucket
K-1 of N. The hash is SHA-256 of the id, not the id's position in a listing, so a shard keeps its
accounts when others are added to or removed from the organization, and the N shards together
cover every id exactly once.

On a job engine the task index comes from the engine's own environment variable when the flag
says ``auto/N`` (or ``auto`` where the engine also tells the count):

==========================  ===============================  ==========================
job engine                  index variable (0-based)         count variable
==========================  ===============================  ==========================
Kubernetes Indexed Job      ``JOB_COMPLETION_INDEX``         (none: give N in the flag)
AWS Batch array job         ``AWS_BATCH_JOB_ARRAY_INDEX``    (none: give N in the flag)
Cloud Run job               ``CLOUD_RUN_TASK_INDEX``         ``CLOUD_RUN_TASK_COUNT``
==========================  ===============================  ==========================
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditor.core.errors import InputError

#: (index variable, count variable or None, job engine), checked in this order.
TASK_INDEX_VARIABLES: tuple[tuple[str, str | None, str], ...] = (
    ("JOB_COMPLETION_INDEX", None, "Kubernetes Indexed Job"),
    ("AWS_BATCH_JOB_ARRAY_INDEX", None, "AWS Batch array job"),
    ("CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT", "Cloud Run job"),
)

MAX_SHARDS = 10_000


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int
    source: str = "flag"  # "flag" or the job engine the index was read from

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise InputError(f"shard count must be between 1 and {MAX_SHARDS}, got {self.count}")
        if not 1 <= self.index <= self.count:
            raise InputError(f"shard index must be between 1 and {self.count}, got {self.index}")

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"

    def as_tuple(self) -> tuple[int, int]:
        return (self.index, self.count)

    @classmethod
    def from_label(cls, label: str) -> Shard:
        """The shard a ``K/N`` label (as recorded in a scope) names."""
        index, _, count = label.partition("/")
        return cls(_int(index, "shard index"), _int(count, "shard count"))

    def owns(self, key: str) -> bool:
        return shard_of(key, self.count) == self.index

    def select(self, keys: Iterable[str]) -> list[str]:
        """The keys this shard owns, in their given order."""
        return [k for k in keys if self.owns(k)]


def shard_of(key: str, count: int) -> int:
    """The 1-based shard that owns ``key`` among ``count`` shards (stable across runs and hosts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def partition(keys: Iterable[str], count: int) -> dict[int, list[str]]:
    """Every shard's keys: ``{1: [...], ..., count: [...]}``."""
    parts: dict[int, list[str]] = {k: [] for k in range(1, count + 1)}
    for key in keys:
        parts[shard_of(key, count)].append(key)
    return parts


def _int(value: str, what: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(f"{what} must be an integer, got {value!r}") from None


def _from_environment(env: Mapping[str, str]) -> tuple[int, int | None, str]:
    """(0-based index, count or None, engine) from the first job-engine variable that is set."""
    for index_var, count_var, engine in TASK_INDEX_VARIABLES:
        raw = env.get(index_var)
        if raw is None or raw.strip() == "":
            continue
        index = _int(raw, index_var)
        count = None
        if count_var is not None and env.get(count_var, "").strip():
            count = _int(env[count_var], count_var)
        return index, count, engine
    names = ", ".join(v for v, _, _ in TASK_INDEX_VARIABLES)
    raise InputError(f"--shard auto: no task index in the environment (looked for {names})")


def parse_shard(spec: str | None, env: Mapping[str, str] | None = None) -> Shard | None:
    """Parse ``--shard``: ``K/N``, ``auto/N``, ``/N`` or ``auto``; ``None`` means no sharding.

    ``auto`` reads the 0-based task index of the job engine (K = index + 1); the count comes from
    the flag, or from ``CLOUD_RUN_TASK_COUNT`` on Cloud Run. A count in the flag that disagrees
    with the engine's count is an error, so a misconfigured job fails before it scans anything.
    """
    if spec is None or spec.strip() == "":
        return None
    environ = os.environ if env is None else env
    text = spec.strip().lower()
    if "/" in text:
        left, right = text.split("/", 1)
        count_flag: int | None = _int(right, "shard count (N in K/N)")
    else:
        left, count_flag = text, None
    if left not in ("", "auto"):
        if count_flag is None:
            raise InputError(f"--shard {spec!r}: expected K/N, auto/N or auto")
        return Shard(_int(left, "shard index (K in K/N)"), count_flag)
    index0, count_env, engine = _from_environment(environ)
    if count_flag is not None and count_env is not None and count_flag != count_env:
        raise InputError(
            f"--shard {spec!r}: the {engine} says there are {count_env} tasks, not {count_flag}"
        )
    count = count_flag if count_flag is not None else count_env
    if count is None:
        raise InputError(
            f"--shard {spec!r}: the {engine} does not tell the task count; use --shard auto/N"
        )
    return Shard(index0 + 1, count, source=engine)


__all__ = ["MAX_SHARDS", "TASK_INDEX_VARIABLES", "Shard", "parse_shard", "partition", "shard_of"]
