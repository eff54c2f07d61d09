"""merge() refuses incomplete shard sets; history/diff/merge commands work end to end on files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core.errors import InputError
from auditor.evidence.merge import merge
from tests.org.factories import finding, result


def _shards() -> list:
    a = result([finding("AWS-S3-001", "111111111111", "b1", "FAIL")], shard="1/2")
    b = result([finding("AWS-S3-001", "222222222222", "b2", "PASS")], shard="2/2")
    return [a, b]


def test_merge_recomputes_summary_scope_and_rollups() -> None:
    merged = merge(list(reversed(_shards())))
    assert merged.scope.aws_accounts == ["111111111111", "222222222222"]
    assert merged.scope.shard is None
    assert merged.summary["FAIL"] == 1 and merged.summary["PASS"] == 1
    (rest,) = [p for p in merged.promises if p.id == "encryption-at-rest"]
    assert rest.verdict == "FAIL" and rest.counts["PASS"] == 1
    assert [f.resource.id for f in merged.findings] == ["b1", "b2"]


def test_merge_refuses_missing_duplicate_and_mixed_shards() -> None:
    a, b = _shards()
    with pytest.raises(InputError, match="missing 2/2"):
        merge([a])
    with pytest.raises(InputError, match="given twice 1/2"):
        merge([a, a, b])
    with pytest.raises(InputError, match="sharded and unsharded"):
        merge([a, result([])])
    other = b.model_copy(update={"inputs": {**b.inputs, "policies": "f" * 64}})
    with pytest.raises(InputError, match="different policies"):
        merge([a, other])


def test_cli_merge_history_and_diff(tmp_path: Path) -> None:
    runner = CliRunner()
    files = []
    for i, shard in enumerate(_shards()):
        path = tmp_path / f"shard{i}.json"
        path.write_text(shard.model_dump_json())
        files.append(str(path))
    db = tmp_path / "history.sqlite"
    res = runner.invoke(
        cli,
        [
            "merge",
            *files,
            "--out",
            str(tmp_path / "m"),
            "--history",
            str(db),
            "--summary-line",
            "-q",
        ],
    )
    assert res.exit_code == 1, res.output
    # stdout: the FAIL rows and counts (--quiet), then the summary line last
    assert res.stdout.strip().splitlines()[-1].startswith("baa-audit status=fail")
    # a second, fixed run
    fixed = result(
        [
            finding("AWS-S3-001", "111111111111", "b1", "PASS"),
            finding("AWS-S3-001", "222222222222", "b2", "PASS"),
        ],
        started=datetime(2026, 11, 21, 6, 0, tzinfo=UTC),
    )
    (tmp_path / "fixed.json").write_text(fixed.model_dump_json())
    res = runner.invoke(
        cli,
        [
            "merge",
            str(tmp_path / "fixed.json"),
            "--out",
            str(tmp_path / "f"),
            "--history",
            str(db),
            "-q",
        ],
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["history", "--db", str(db)])
    assert res.exit_code == 0
    assert res.output.startswith("#2 ") and "#1 " in res.output
    res = runner.invoke(cli, ["diff", "previous", "latest", "--db", str(db)])
    assert res.exit_code == 4, res.output
    assert "resolved (1):" in res.output and "b1" in res.output
    res = runner.invoke(
        cli, ["diff", "latest", str(tmp_path / "fixed.json"), "--db", str(db), "--json"]
    )
    assert res.exit_code == 0
    assert json.loads(res.output)["resolved"] == []
    res = runner.invoke(cli, ["diff", "9", "latest", "--db", str(db)])
    assert res.exit_code == 2 and "no run 9" in res.output
