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


def test_deal_balances_and_keeps_order() -> None:
    groups = parallel.deal([10, 1, 1, 8, 2, 0], 2)
    assert sorted(i for g in groups for i in g) == [0, 1, 2, 3, 4, 5]
    assert all(g == sorted(g) for g in groups)
    weights = [sum([10, 1, 1, 8, 2, 0][i] for i in g) for g in groups]
    assert max(weights) - min(weights) <= 2
    assert parallel.deal([5], 4) == [[0]]


@needs_fork
def test_children_do_the_work() -> None:
    def pid() -> list[object]:
        return [os.getpid()]

    work = [(pid, 10) for _ in range(4)]
    out = parallel.run_all(work, jobs=2, min_resources=0)  # type: ignore[arg-type]
    pids = {p for group in out for p in group}
    assert os.getpid() in pids and len(pids) == 2


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
    dealt: list[list[list[int]]] = []
    real = parallel.deal

    def recorded(weights: list[int], groups: int) -> list[list[int]]:
        dealt.append(real(weights, groups))
        return dealt[-1]

    monkeypatch.setattr(parallel, "deal", recorded)
    two = evaluate(inventory, policies, profile, now=NOW, jobs=2)
    assert dealt and len(dealt[0]) == 2, "the policies were not dealt to two processes"
    assert len(one.findings) > 1000
    assert split_result(two) == split_result(one)
