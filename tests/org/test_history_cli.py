"""Every run is recorded: scan/evaluate/merge write history by default, and the HTML draws the trend.

The commands run in-process through click against a real SQLite file; the clock is stepped one
day per run so that each run is distinct and the trend's points are known exactly.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import cli
from auditor.evidence.history import History
from tests.core.test_cli_errors import good_snapshot, snapshot_tree
from tests.org.factories import finding, result

TREND = 'aria-label="Trend over past runs"'


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """Each read of the clock is 12 hours on; a run reads it twice, so runs start a day apart."""
    now = [datetime(2026, 11, 1, 6, 0, tzinfo=UTC)]

    def tick() -> datetime:
        now[0] += timedelta(hours=12)
        return now[0]

    monkeypatch.setattr("auditor.cli.pipeline.now_utc", tick)
    monkeypatch.setattr("auditor.cli.run.now_utc", tick)
    yield now


def invoke(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, args, catch_exceptions=False, env=env)
    finally:
        os.chdir(old)


def trend_bars(html: str) -> list[str]:
    """The labels of the trend chart's bars (empty when the report has no trend)."""
    start = html.find(TREND)
    if start < 0:
        return []
    svg = html[start : html.index("</svg>", start)]
    return re.findall(r'<text class="label"[^>]*>([^<]*)</text>', svg)


def evaluate(snapshot: Path, out: Path, *extra: str) -> Result:
    return invoke(["evaluate", str(snapshot), "--out", str(out), "--format", "html", *extra])


def test_evaluate_records_every_run_and_the_report_draws_the_trend(tmp_path: Path, clock) -> None:
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    first = evaluate(snapshot, out)
    assert first.exit_code in (0, 1, 3), first.stderr
    assert "recorded run #1" in first.stderr
    assert trend_bars((out / "report.html").read_text()) == []  # one run is no trend

    for _ in range(2):
        evaluate(snapshot, out)
    html = (out / "report.html").read_text()
    assert trend_bars(html) == ["2026-11-01 18:00", "2026-11-02 18:00", "2026-11-03 18:00"]

    with History(out / "history.sqlite", create=False) as store:
        rows = store.runs()
        assert [r.id for r in rows] == [3, 2, 1]
        latest = json.loads((out / "result.json").read_text())
        assert store.load(3).model_dump(mode="json") == latest

    listed = invoke(["history", "--db", str(out / "history.sqlite")])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == ["#3", "#2", "#1"]


def test_history_and_diff_default_to_the_scan_output_directory(tmp_path: Path, clock) -> None:
    snapshot = good_snapshot(tmp_path)
    for _ in range(2):
        invoke(["evaluate", str(snapshot)], cwd=tmp_path)
    assert (tmp_path / "baa-audit-out" / "history.sqlite").is_file()
    listed = invoke(["history"], cwd=tmp_path)
    assert listed.exit_code == 0, listed.stderr
    assert len(listed.output.splitlines()) == 2
    drift = invoke(["diff", "previous", "latest"], cwd=tmp_path)
    assert drift.exit_code == 0, drift.output  # the same snapshot twice: nothing changed


def test_no_history_records_nothing_and_draws_no_trend(tmp_path: Path, clock) -> None:
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    for _ in range(2):
        res = evaluate(snapshot, out, "--no-history")
        assert "recorded" not in res.stderr
    assert not (out / "history.sqlite").exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "baa-audit-outputs.json",
        "report.html",
        "result.json",
    ]
    assert trend_bars((out / "report.html").read_text()) == []


def test_history_path_is_configurable_by_flag_and_environment(tmp_path: Path, clock) -> None:
    snapshot = good_snapshot(tmp_path)
    by_flag, by_env = tmp_path / "db" / "flag.sqlite", tmp_path / "env.sqlite"
    evaluate(snapshot, tmp_path / "a", "--history", str(by_flag))
    invoke(
        ["evaluate", str(snapshot), "--out", str(tmp_path / "b")],
        env={"BAA_AUDIT_HISTORY": str(by_env)},
    )
    for db in (by_flag, by_env):
        with History(db, create=False) as store:
            assert len(store.runs()) == 1
    assert not (tmp_path / "a" / "history.sqlite").exists()
    assert not (tmp_path / "b" / "history.sqlite").exists()


def test_the_trend_counts_only_runs_of_the_same_profile(tmp_path: Path, clock) -> None:
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    evaluate(snapshot, out)
    evaluate(snapshot, out, "--profile", "hipaa-baseline")
    evaluate(snapshot, out)
    bars = trend_bars((out / "report.html").read_text())
    assert bars == ["2026-11-01 18:00", "2026-11-03 18:00"]


def test_report_draws_the_trend_from_the_history_beside_the_result(tmp_path: Path, clock) -> None:
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    for _ in range(2):
        evaluate(snapshot, out)
    rendered = tmp_path / "rendered"
    res = invoke(["report", str(out / "result.json"), "--format", "html", "--out", str(rendered)])
    assert res.exit_code == 0, res.stderr
    # the result is already recorded: it is counted once, not twice
    assert trend_bars((rendered / "report.html").read_text()) == [
        "2026-11-01 18:00",
        "2026-11-02 18:00",
    ]
    invoke(
        [
            "report",
            str(out / "result.json"),
            "--format",
            "html",
            "--out",
            str(rendered),
            "--no-history",
        ]
    )
    assert trend_bars((rendered / "report.html").read_text()) == []
    with History(out / "history.sqlite", create=False) as store:
        assert len(store.runs()) == 2  # report records nothing


def test_an_unusable_history_database_is_refused_before_anything_is_written(
    tmp_path: Path, clock
) -> None:
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "history.sqlite").write_text("this is not a database")
    before = snapshot_tree(out)
    res = evaluate(snapshot, out)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "history.sqlite" in lines[0] and "history database" in lines[0]
    assert snapshot_tree(out) == before


def test_a_newer_history_schema_is_refused(tmp_path: Path, clock) -> None:
    snapshot, db = good_snapshot(tmp_path), tmp_path / "h.sqlite"
    History(db).close()
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO schema_migrations (version, description, applied_at) VALUES (999, 'x', 'x')"
    )
    conn.commit()
    conn.close()
    res = evaluate(snapshot, tmp_path / "out", "--history", str(db))
    assert res.exit_code == 2
    assert "upgrade baa-audit" in res.stderr
    assert not (tmp_path / "out").exists()


def test_merge_records_the_merged_run_by_default(tmp_path: Path) -> None:
    files = []
    for i, shard in enumerate(
        [
            result([finding("AWS-S3-001", "111111111111", "b1", "FAIL")], shard="1/2"),
            result([finding("AWS-S3-001", "222222222222", "b2", "PASS")], shard="2/2"),
        ]
    ):
        path = tmp_path / f"shard{i}.json"
        path.write_text(shard.model_dump_json())
        files.append(str(path))
    out = tmp_path / "merged"
    res = invoke(["merge", *files, "--out", str(out)])
    assert res.exit_code == 1, res.stderr
    with History(out / "history.sqlite", create=False) as store:
        (row,) = store.runs()
    assert row.shard is None and row.summary["FAIL"] == 1 and row.summary["PASS"] == 1


def test_history_and_diff_can_keep_to_one_profile(tmp_path: Path, clock) -> None:
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    db = str(out / "history.sqlite")
    evaluate(snapshot, out)  # 1 strict
    evaluate(snapshot, out, "--profile", "hipaa-baseline")  # 2
    evaluate(snapshot, out)  # 3 strict
    evaluate(snapshot, out, "--profile", "hipaa-baseline")  # 4
    listed = invoke(["history", "--db", db, "--profile", "strict"])
    assert [line.split()[0] for line in listed.output.splitlines()] == ["#3", "#1"]
    # without --profile, previous/latest are runs 3 and 4: different profiles, everything moves
    mixed = invoke(["diff", "previous", "latest", "--db", db])
    assert "from run 3" in mixed.output and "to run 4" in mixed.output
    same = invoke(["diff", "previous", "latest", "--db", db, "--profile", "strict"])
    assert "from run 1" in same.output and "to run 3" in same.output
    assert same.exit_code == 0, same.output
