"""Sharding: deterministic, complete, disjoint, stable when the organization changes."""

from __future__ import annotations

import pytest

from auditor.core.errors import InputError
from auditor.core.shard import Shard, parse_shard, partition, shard_of

ACCOUNTS = [f"{100000000000 + i * 7919:012d}" for i in range(200)]


def test_partition_is_complete_and_disjoint() -> None:
    parts = partition(ACCOUNTS, 7)
    seen = [a for k in range(1, 8) for a in parts[k]]
    assert sorted(seen) == sorted(ACCOUNTS)
    assert len(seen) == len(set(seen))
    # a stable hash spreads 200 ids over 7 shards: none empty
    assert all(parts[k] for k in range(1, 8))


def test_shard_depends_on_the_id_not_its_position() -> None:
    shard = Shard(3, 5)
    mine = set(shard.select(ACCOUNTS))
    assert set(shard.select(list(reversed(ACCOUNTS)))) == mine
    # adding and removing other accounts does not move this shard's accounts
    grown = ACCOUNTS[50:] + [f"{900000000000 + i:012d}" for i in range(40)]
    assert mine & set(ACCOUNTS[50:]) == set(shard.select(grown)) & set(ACCOUNTS[50:])


def test_known_values_are_stable_across_versions() -> None:
    # pinned: changing the hash moves accounts between shards of running jobs, so it must be
    # a deliberate, documented change
    got = [shard_of(a, 4) for a in ("111111111111", "222222222222", "333333333333", "my-project")]
    assert got == [3, 4, 1, 1]
    assert shard_of("anything", 1) == 1


def test_parse_explicit() -> None:
    assert parse_shard("2/4", env={}) == Shard(2, 4)
    assert parse_shard(None, env={}) is None
    assert parse_shard("", env={}) is None
    assert Shard(2, 4).label == "2/4"


@pytest.mark.parametrize("spec", ["0/4", "5/4", "a/4", "2/x", "2", "2/0"])
def test_parse_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(InputError):
        parse_shard(spec, env={})


@pytest.mark.parametrize(
    ("env", "spec", "expected"),
    [
        ({"JOB_COMPLETION_INDEX": "0"}, "auto/4", Shard(1, 4, "Kubernetes Indexed Job")),
        ({"JOB_COMPLETION_INDEX": "3"}, "/4", Shard(4, 4, "Kubernetes Indexed Job")),
        ({"AWS_BATCH_JOB_ARRAY_INDEX": "2"}, "auto/3", Shard(3, 3, "AWS Batch array job")),
        (
            {"CLOUD_RUN_TASK_INDEX": "1", "CLOUD_RUN_TASK_COUNT": "5"},
            "auto",
            Shard(2, 5, "Cloud Run job"),
        ),
        (
            {"CLOUD_RUN_TASK_INDEX": "4", "CLOUD_RUN_TASK_COUNT": "5"},
            "auto/5",
            Shard(5, 5, "Cloud Run job"),
        ),
    ],
)
def test_parse_reads_the_job_engine_index(env: dict[str, str], spec: str, expected: Shard) -> None:
    assert parse_shard(spec, env=env) == expected


@pytest.mark.parametrize(
    ("env", "spec", "words"),
    [
        ({}, "auto/4", "no task index"),
        ({"JOB_COMPLETION_INDEX": "0"}, "auto", "task count"),
        ({"JOB_COMPLETION_INDEX": "4"}, "auto/4", "between 1 and 4"),
        ({"CLOUD_RUN_TASK_INDEX": "0", "CLOUD_RUN_TASK_COUNT": "5"}, "auto/4", "5 tasks"),
        ({"AWS_BATCH_JOB_ARRAY_INDEX": "x"}, "auto/4", "integer"),
    ],
)
def test_parse_auto_errors_name_the_problem(env: dict[str, str], spec: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        parse_shard(spec, env=env)
