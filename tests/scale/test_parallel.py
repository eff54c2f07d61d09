"""Judging on several processes gives the one-process result, byte for byte."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from auditor.core.findings_io import split_result
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.scope import Scope
from auditor.judge import parallel
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import evaluate
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile
from tests.scale.sample import case_resources

NOW = datetime(2026, 12, 1, tzinfo=UTC)
needs_fork = pytest.mark.skipif(
    not parallel._fork_available(), reason="no fork start method on this platform"
)


def test_heaviest_first() -> None:
    assert parallel.heaviest_first([10, 1, 1, 8, 2, 0]) == [0, 3, 4, 1, 2, 5]
    assert parallel.heaviest_first([]) == []


@needs_fork
def test_children_do_the_work() -> None:
    def pid() -> list[object]:
        return [os.getpid()]

    work = [(pid, 10) for _ in range(8)]
    out = parallel.run_all(work, jobs=2, min_resources=0)  # type: ignore[arg-type]
    pids = {p for group in out for p in group}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_small_work_stays_here() -> None:
    def pid() -> list[object]:
        return [os.getpid()]

    out = parallel.run_all([(pid, 1), (pid, 1)], jobs=2)  # type: ignore[list-item]
    assert {p for group in out for p in group} == {os.getpid()}


@needs_fork
def test_two_processes_give_the_one_process_result(monkeypatch: pytest.MonkeyPatch) -> None:
    inventory = Inventory(
        header=SnapshotHeader(scope=Scope(providers=["aws", "gcp"]), collected_at=NOW),
        resources=case_resources(3),
    )
    policies = load_default_policies()
    profile = load_profile("strict", load_catalog())
    one = evaluate(inventory, policies, profile, now=NOW, jobs=1)
    monkeypatch.setattr(parallel, "MIN_RESOURCES", 0)
    pools: list[int] = []

    class Recorded(parallel.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            pools.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recorded)
    two = evaluate(inventory, policies, profile, now=NOW, jobs=2)
    assert pools == [2], "the policies were not judged on two worker processes"
    assert len(one.findings) > 1000
    assert split_result(two) == split_result(one)
