"""Policies judged on several cores, with the same findings as on one.

The engine judges policy by policy, and no policy's findings depend on another's, so the work
splits by policy. With ``jobs`` > 1 and enough resources to pay for it, the policies are dealt
into ``jobs`` groups of about equal weight (the resources of their type; heaviest first, each to
the lightest group). This process judges the first group; forked children judge the others,
reading the inventory they inherited (copy-on-write, nothing is sent to them) and sending back
their findings. The findings are put back in the policies' order, so the result is byte for byte
the one-core result (the engine sorts them afterwards either way); a test checks it.

Where ``fork`` is not available (Windows, macOS defaults aside) or the estate is small, the
policies run here, one after the other.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from auditor.core.result import Finding

#: below this many resources to judge the policies run in this process (forking costs more)
MIN_RESOURCES = 20_000

#: the work of the evaluation under way, inherited by the forked children (set only while
#: :func:`run_all` runs; children read it, nothing is pickled to them)
_WORK: list[tuple[Callable[[], list[Finding]], int]] = []


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def deal(weights: Sequence[int], groups: int) -> list[list[int]]:
    """Indexes of ``weights`` dealt into ``groups`` groups of about equal total weight
    (longest processing time first); each group keeps its indexes in ascending order."""
    dealt: list[list[int]] = [[] for _ in range(groups)]
    loads = [0] * groups
    for index in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        lightest = min(range(groups), key=lambda g: (loads[g], g))
        dealt[lightest].append(index)
        loads[lightest] += weights[index] + 1
    return [sorted(group) for group in dealt if group]


def _run_group(indexes: Sequence[int]) -> list[list[Finding]]:
    return [_WORK[i][0]() for i in indexes]


@contextmanager
def quiet_collector() -> Iterator[None]:
    """The garbage collector leaves alone what exists now (the inventory, the policies) while
    the block builds findings: a full collection over a million resources each time enough
    findings accumulate was a tenth of the engine's time, and nothing it builds forms cycles
    that must be freed before it ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_all(
    work: Sequence[tuple[Callable[[], list[Finding]], int]],
    jobs: int = 1,
    min_resources: int | None = None,
) -> list[list[Finding]]:
    """Each ``(judge, weight)``'s findings, in order; on up to ``jobs`` processes when the
    weights (resources to judge) add up to ``min_resources`` (default :data:`MIN_RESOURCES`)
    or more."""
    if min_resources is None:
        min_resources = MIN_RESOURCES
    groups = deal([weight for _, weight in work], jobs) if jobs > 1 else []
    if len(groups) < 2 or sum(w for _, w in work) < min_resources or not _fork_available():
        return [judge() for judge, _ in work]
    _WORK[:] = work
    try:
        results: list[list[Finding] | None] = [None] * len(work)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(groups) - 1, mp_context=context) as pool:
            futures = [pool.submit(_run_group, group) for group in groups[1:]]
            for index, findings in zip(groups[0], _run_group(groups[0]), strict=True):
                results[index] = findings
            for group, future in zip(groups[1:], futures, strict=True):
                for index, findings in zip(group, future.result(), strict=True):
                    results[index] = findings
        return [r if r is not None else [] for r in results]
    finally:
        _WORK.clear()


__all__ = ["MIN_RESOURCES", "deal", "default_jobs", "quiet_collector", "run_all"]
