"""An evaluation that spills its findings to a file as they are judged (from
``SPILL_RESOURCES`` resources, :class:`~auditor.core.findings_io.FindingsSpill`) writes exactly
what one holding them writes: result.json, findings.jsonl, every report, the history row and
the exit code; and its temporary file goes away."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core import findings_io
from auditor.core.findings_io import FindingsSpill
from tests.scale.sample import write_snapshot

FORMATS = "json,markdown,html,csv,sarif,junit,ocsf"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _evaluate(
    snapshot: Path, out: Path, spill_from: int, monkeypatch: pytest.MonkeyPatch, mode: str
) -> tuple[int, str, dict[str, bytes]]:
    monkeypatch.setattr(findings_io, "SPILL_RESOURCES", spill_from)
    monkeypatch.setattr("auditor.cli.pipeline.now_utc", lambda: NOW)
    monkeypatch.setattr("auditor.cli.run.now_utc", lambda: NOW)
    res = CliRunner().invoke(
        cli,
        ["evaluate", str(snapshot), "--out", str(out), "--findings", mode, "--format", FORMATS,
         "--summary-line"],
        catch_exceptions=False,
    )  # fmt: skip
    files = {
        p.name: p.read_bytes()
        for p in out.iterdir()
        if p.name not in ("baa-audit-outputs.json", "history.sqlite")
    }
    return res.exit_code, res.stdout, files


def _history(out: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(out / "history.sqlite") as conn:
        run = conn.execute("SELECT finding_count, result_sha256, meta_json FROM runs").fetchall()
        rows = conn.execute("SELECT * FROM findings ORDER BY seq").fetchall()
    return [*run, *rows]


@pytest.mark.parametrize("mode", ["inline", "jsonl"])
def test_spilled_and_held_evaluations_write_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    snapshot = write_snapshot(tmp_path / "snapshot.jsonl", copies=1)
    spills: list[int] = []
    finish = FindingsSpill.finish

    def counted(self: FindingsSpill) -> findings_io.FindingsFile:
        stream = finish(self)
        spills.append(len(stream))
        return stream

    monkeypatch.setattr(FindingsSpill, "finish", counted)
    held = _evaluate(snapshot, tmp_path / "held", 10**9, monkeypatch, mode)
    assert spills == []
    spilled = _evaluate(snapshot, tmp_path / "spilled", 0, monkeypatch, mode)
    assert len(spills) == 1 and spills[0] > 1000  # the second run did stream its findings
    assert held[0] in (1, 3)
    assert held == spilled
    assert ("findings.jsonl" in held[2]) == (mode == "jsonl")
    assert len(held[2]) == len(FORMATS.split(",")) + (mode == "jsonl")
    assert _history(tmp_path / "held") == _history(tmp_path / "spilled")


def test_the_spill_directory_goes_with_its_stream(tmp_path: Path) -> None:
    spill = FindingsSpill()
    directory = spill.directory
    stream = spill.finish()
    assert directory.is_dir() and len(stream) == 0 and list(stream) == []
    del spill, stream
    assert not directory.exists()


def test_what_is_spilled_is_redacted_and_merged_in_order(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snapshot.jsonl", copies=1)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        ["evaluate", str(snapshot), "--out", str(out), "--no-history", "--quiet",
         "--findings", "inline", "--format", "json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code in (1, 3)
    findings = findings_io.load_result(out / "result.json").findings
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    secret = findings[3].model_copy(update={"message": f"key {key} here"})
    first, second = findings[: len(findings) // 2], findings[len(findings) // 2 :]
    spill = FindingsSpill(tmp_path)
    # two groups holding findings of one policy (the second half first): merged in order
    spill.add(0, [*second])
    spill.add(1, [*first[:3], secret, *first[4:]])
    stream = spill.finish()
    data = stream.path.read_bytes()
    assert key.encode() not in data and b"[REDACTED" in data
    read = list(stream)
    assert len(read) == len(findings) == stream.count
    assert [f.sort_key() for f in read] == [f.sort_key() for f in findings]
    assert not (tmp_path / "spill.jsonl").exists()
