"""Policies judged on several cores, with the same findings as on one.

The engine judges policy by policy, and no policy's findings depend on another's, so the work
splits by policy. With ``jobs`` > 1 and enough resources to pay for it, ``jobs`` forked worker
processes take the policies one at a time, heaviest first (the most resources of their type),
reading the inventory they inherited (copy-on-write: nothing is sent to them) and sending back
each policy's findings as it is done. This process only receives them: had it judged a share
too, receiving the workers' findings would have waited on its own judging (one interpreter lock),
and the workers on it. The findings are put back in the policies' order, so the result is byte
for byte the one-process result (the engine sorts them afterwards either way); a test checks it.

Where ``fork`` is not available (Windows; macOS by default) or the estate is small, the policies
run here, one after the other.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar

from auditor.core.result import Finding

#: below this many resources to judge the policies run in this process (forking costs more)
MIN_RESOURCES = 20_000

#: the work of the evaluation under way, inherited by the forked workers (set only while
#: :func:`run_all` runs; workers read it, nothing is pickled to them but an index)
_WORK: list[tuple[Callable[[], Any], int]] = []


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def heaviest_first(weights: Sequence[int]) -> list[int]:
    """Indexes of ``weights``, heaviest first (ties in order): the order workers take them in,
    so that the longest finish early and the last ones taken are short."""
    return sorted(range(len(weights)), key=lambda i: (-weights[i], i))


def _run_one(index: int) -> Any:
    return _WORK[index][0]()


@contextmanager
def quiet_collector() -> Iterator[None]:
    """No cycle collection while the block builds (or receives) findings: a collection over a
    million resources and the findings so far, each time enough new objects accumulate, was a
    tenth of the engine's time and most of the cost of receiving findings from the workers.
    Nothing the block builds forms cycles that must be freed before it ends; whatever cyclic
    garbage it leaves is collected afterwards as usual."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_all(
    work: Sequence[tuple[Callable[[], list[Finding]], int]],
    jobs: int = 1,
    min_resources: int | None = None,
) -> list[list[Finding]]:
    """Each ``(judge, weight)``'s findings, in order (:func:`run_each`, put back in order)."""
    done = dict(run_each(work, jobs, min_resources))
    return [done[index] for index in range(len(work))]


T = TypeVar("T")


def run_each(
    work: Sequence[tuple[Callable[[], T], int]],
    jobs: int = 1,
    min_resources: int | None = None,
) -> Iterator[tuple[int, T]]:
    """(index, findings) of each ``(judge, weight)`` as each is done (in order on one process);
    on ``jobs`` worker processes when there is more than one piece of work and the weights
    (resources to judge) add up to ``min_resources`` (default :data:`MIN_RESOURCES`) or more.
    A piece's findings are let go of here once handed over, so a caller that writes them out
    holds one piece at a time."""
    if min_resources is None:
        min_resources = MIN_RESOURCES
    total = sum(weight for _, weight in work)
    if jobs < 2 or len(work) < 2 or total < min_resources or not _fork_available():
        for index, (judge, _) in enumerate(work):
            yield index, judge()
        return
    _WORK[:] = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            order = heaviest_first([weight for _, weight in work])
            futures = {pool.submit(_run_one, index): index for index in order}
            for future in as_completed(list(futures)):
                index = futures.pop(future)
                findings = future.result()
                del future
                yield index, findings
    finally:
        _WORK.clear()


__all__ = [
    "MIN_RESOURCES",
    "default_jobs",
    "heaviest_first",
    "quiet_collector",
    "run_all",
    "run_each",
]
