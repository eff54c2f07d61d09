"""History in a real SQLite file: round trip, listing, migrations, tamper detection."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.core.errors import InputError
from auditor.evidence.diff import diff
from auditor.evidence.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    History,
    is_incomplete,
    result_digest,
)
from tests.org.factories import finding, result


def _run(day: int, status: str = "PASS"):
    return result(
        [
            finding(
                "AWS-S3-001",
                "111111111111",
                "bucket-a",
                status,
                {"encryption": {"algorithm": "aws:kms"}, "n": 1.5},
            ),
            finding("AWS-ELB-001", "111111111111", "listener-1", "ERROR", {}, region=None),
        ],
        started=datetime(2026, 11, day, 6, 0, tzinfo=UTC),
    )


def test_round_trip_through_a_real_file(tmp_path: Path) -> None:
    db = tmp_path / "out" / "history.sqlite"
    first, second = _run(20), _run(21, "FAIL")
    with History(db) as history:
        id1 = history.record(first)
        id2 = history.record(second)
    assert db.read_bytes().startswith(b"SQLite format 3\x00")
    with History(db, create=False) as history:
        assert history.load(id1) == first
        assert history.load(id2) == second
        assert result_digest(history.load(id2)) == result_digest(second)
        rows = history.runs()
        assert [r.id for r in rows] == [id2, id1]
        assert rows[0].summary["FAIL"] == 1 and rows[0].summary["ERROR"] == 1
        assert rows[0].incomplete is True
        assert rows[0].scope_label == second.scope.label()
        assert history.latest("strict") == id2
        assert history.latest("strict", before=id2) == id1
        assert history.latest("other") is None
        drift = diff(history.load(id1), history.load(id2))
    assert [c.resource.id for c in drift.new_failures] == ["bucket-a"]


def test_per_finding_rows_are_queryable(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        run_id = history.record(_run(20))
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT policy_id, resource_key, status, evidence_json, length(evidence_sha256)"
        " FROM findings"
        " WHERE run_id = ? ORDER BY seq",
        (run_id,),
    ).fetchall()
    conn.close()
    assert rows[1] == (
        "AWS-S3-001",
        "aws|111111111111|us-east-1|aws.s3.bucket|bucket-a",
        "PASS",
        '{"encryption":{"algorithm":"aws:kms"},"n":1.5}',
        64,
    )


def test_schema_is_versioned_and_migrations_run_once(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        assert history.schema_version() == SCHEMA_VERSION
    with History(db) as history:
        history.record(_run(20))
    conn = sqlite3.connect(db)
    applied = conn.execute("SELECT version FROM schema_migrations").fetchall()
    assert applied == [(version,) for version, _, _ in MIGRATIONS]  # each once
    assert applied[-1] == (SCHEMA_VERSION,)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="newer than this tool"):
        History(db)


def test_a_failed_write_leaves_no_half_run(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        history.record(_run(20))
        broken = _run(21)
        object.__setattr__(broken, "findings", [*broken.findings, None])  # not a Finding
        with pytest.raises(Exception):
            history.record(broken)
        assert len(history.runs()) == 1
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone() == (2,)
    conn.close()


def test_tampered_evidence_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        run_id = history.record(_run(20))
    conn = sqlite3.connect(db)
    conn.execute("UPDATE findings SET evidence_json = '{}' WHERE seq = 1")
    conn.commit()
    conn.close()
    with History(db) as history, pytest.raises(InputError, match="SHA-256"):
        history.load(run_id)


def test_missing_database_and_unknown_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        History(tmp_path / "nope.sqlite", create=False)
    (tmp_path / "junk.sqlite").write_text("not a database at all, not at all" * 10)
    with pytest.raises(InputError, match="not a usable history database"):
        History(tmp_path / "junk.sqlite")
    with History(tmp_path / "h.sqlite") as history, pytest.raises(InputError, match="no run 7"):
        history.load(7)


def test_incomplete_flag() -> None:
    assert is_incomplete(_run(20))
    assert not is_incomplete(result([finding("AWS-S3-001", "1", "b")]))
