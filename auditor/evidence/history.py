"""Run history in a SQLite file: every run, every finding, enough to diff any two runs later.

The database (default ``<out>/history.sqlite``) holds:

* ``runs``: one row per run: times, profile, scope label, tool version, summary counts, the
  SHA-256 of the result, an ``incomplete`` flag, and the result's metadata (everything except its
  findings) as JSON;
* ``findings``: one row per finding: policy id, resource key, status, and the evidence as JSON
  with its SHA-256, plus the rest of the finding as JSON;
* ``schema_migrations``: which schema versions were applied, and when.

A run is written in one transaction, so a reader never sees half a run. :meth:`History.load`
rebuilds the exact :class:`~auditor.core.result.RunResult` that was recorded (its digest is checked),
so ``baa-audit diff`` works from the database alone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ValidationError

from auditor.core.errors import InputError
from auditor.core.findings_io import finding_line
from auditor.core.json_text import dumps_sorted_compact
from auditor.core.result import STATUSES, Finding, RunResult
from auditor.core.safe_load import (
    HISTORY_ROW,
    check_consistent,
    clean_result,
    describe_validation,
    dumps,
    parse_json,
    parse_json_line,
)

HISTORY_FILENAME = "history.sqlite"

#: (version, description, SQL). Append only; never edit an applied migration.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "runs and findings",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recorded_at TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            profile TEXT NOT NULL,
            scope_label TEXT NOT NULL,
            shard TEXT,
            tool_version TEXT NOT NULL,
            result_schema_version TEXT NOT NULL,
            pass INTEGER NOT NULL,
            fail INTEGER NOT NULL,
            error INTEGER NOT NULL,
            manual INTEGER NOT NULL,
            waived INTEGER NOT NULL,
            not_applicable INTEGER NOT NULL,
            finding_count INTEGER NOT NULL,
            incomplete INTEGER NOT NULL CHECK (incomplete IN (0, 1)),
            result_sha256 TEXT NOT NULL,
            meta_json TEXT NOT NULL
        );
        CREATE INDEX runs_by_profile_time ON runs (profile, started_at);
        CREATE TABLE findings (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            policy_id TEXT NOT NULL,
            resource_key TEXT NOT NULL,
            provider TEXT NOT NULL,
            account TEXT NOT NULL,
            region TEXT,
            resource_type TEXT NOT NULL,
            resource_id TEXT NOT NULL,
            status TEXT NOT NULL,
            severity TEXT NOT NULL,
            evidence_sha256 TEXT NOT NULL,
            evidence_json TEXT NOT NULL,
            finding_json TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE INDEX findings_by_identity ON findings (policy_id, resource_key);
        """,
    ),
    (
        2,
        "ATTESTED count (result schema 1.1)",
        "ALTER TABLE runs ADD COLUMN attested INTEGER NOT NULL DEFAULT 0",
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

_INSERT_RUN = """
    INSERT INTO runs (
        recorded_at, started_at, finished_at, profile, scope_label, shard, tool_version,
        result_schema_version, pass, fail, error, manual, waived, not_applicable, attested,
        finding_count, incomplete, result_sha256, meta_json
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_FINDING = """
    INSERT INTO findings (
        run_id, seq, policy_id, resource_key, provider, account, region, resource_type,
        resource_id, status, severity, evidence_sha256, evidence_json, finding_json
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def canonical_json(value: Any) -> str:
    """``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``."""
    return dumps_sorted_compact(value).decode("utf-8")


def _digest_of(dumped: dict[str, Any]) -> str:
    return hashlib.sha256(dumps_sorted_compact(dumped)).hexdigest()


def result_digest(result: RunResult) -> str:
    """SHA-256 of the result's canonical JSON (key order and whitespace do not matter)."""
    digest = _ResultDigest(result.header_only().model_dump(mode="json"))
    for finding in result.iter_findings():
        digest.add(finding_line(finding))
    return digest.hexdigest()


class _ResultDigest:
    """:func:`result_digest` built piece by piece from the result dumped without its findings
    (``header``) and then each finding's line, so the findings are never all held (they may
    stream from a file). The canonical JSON of the whole is each top-level key in order with its
    value's canonical JSON; the bytes hashed are those of ``canonical_json`` of the whole."""

    def __init__(self, header: dict[str, Any]) -> None:
        parts = [
            json.dumps(key, ensure_ascii=False).encode() + b":" + dumps_sorted_compact(value)
            for key, value in sorted(header.items())
        ]
        keys = sorted(header)
        at = keys.index("findings")
        self._digest = hashlib.sha256(b"{" + b"".join(p + b"," for p in parts[:at]))
        self._digest.update(b'"findings":[')
        self._suffix = b"]" + b"".join(b"," + p for p in parts[at + 1 :]) + b"}"
        self._first = True

    def add(self, line: bytes) -> None:
        """One finding, as its line of ``findings.jsonl`` (:func:`finding_line`)."""
        if not self._first:
            self._digest.update(b",")
        self._first = False
        self._digest.update(line[:-1])

    def hexdigest(self) -> str:
        digest = self._digest.copy()
        digest.update(self._suffix)
        return digest.hexdigest()


def is_incomplete(result: RunResult) -> bool:
    """True when some checks could not be assessed: ERROR findings or failed listings."""
    return result.count("ERROR") > 0 or bool(result.listing_gaps)


def resource_key_text(finding: Finding) -> str:
    r = finding.resource
    return "|".join((r.provider, r.account, r.region or "", r.type, r.id))


@dataclass(frozen=True)
class RunRow:
    """One recorded run, as ``baa-audit history`` lists it."""

    id: int
    recorded_at: str
    started_at: str
    finished_at: str
    profile: str
    scope_label: str
    shard: str | None
    tool_version: str
    summary: dict[str, int]
    finding_count: int
    incomplete: bool
    result_sha256: str


_SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("PASS", "pass"),
    ("FAIL", "fail"),
    ("ERROR", "error"),
    ("MANUAL", "manual"),
    ("WAIVED", "waived"),
    ("NOT_APPLICABLE", "not_applicable"),
    ("ATTESTED", "attested"),
)
assert {s for s, _ in _SUMMARY_COLUMNS} == set(STATUSES)


class History:
    """A history database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise InputError("history database not found", file=self.path)
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA busy_timeout = 30000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not a usable history database: {exc}", file=self.path) from None

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            current = conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
            ).fetchone()[0]
            if current > SCHEMA_VERSION:
                raise InputError(
                    f"history schema version {current} is newer than this tool understands "
                    f"({SCHEMA_VERSION}); upgrade baa-audit",
                    file=self.path,
                )
            for version, description, sql in MIGRATIONS:
                if version <= current:
                    continue
                for statement in (s.strip() for s in sql.split(";")):
                    if statement:
                        conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at)"
                    " VALUES (?, ?, ?)",
                    (version, description, _now()),
                )

    def schema_version(self) -> int:
        return int(self._conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])

    # -- writing ---------------------------------------------------------------------------
    def record(self, result: RunResult) -> int:
        """Store ``result`` in one transaction; returns the new run id."""
        data = result.header_only().model_dump(mode="json")
        digest = _ResultDigest(data)  # result_digest(result), as the findings pass
        del data["findings"]
        summary = result.summary

        def rows(run_id: int) -> Iterator[tuple[Any, ...]]:
            for seq, finding in enumerate(result.iter_findings()):
                dumped = finding.model_dump(mode="json")
                digest.add(dumps_sorted_compact(dumped, floats_in=dumped["evidence"]) + b"\n")
                yield _finding_row(run_id, seq, finding, dumped)

        with self._transaction() as conn:
            cursor = conn.execute(
                _INSERT_RUN,
                (
                    _now(),
                    result.started_at.isoformat(),
                    result.finished_at.isoformat(),
                    result.profile.id,
                    result.scope.label(),
                    result.scope.shard,
                    result.tool_version,
                    result.schema_version,
                    *(int(summary.get(status, 0)) for status, _ in _SUMMARY_COLUMNS),
                    result.finding_count(),
                    int(is_incomplete(result)),
                    "",  # the digest, known once the findings have passed
                    canonical_json(data),
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            # the findings pass once (they may stream from a file), rows and digest together
            conn.executemany(_INSERT_FINDING, rows(run_id))
            conn.execute(
                "UPDATE runs SET result_sha256 = ? WHERE id = ?", (digest.hexdigest(), run_id)
            )
        return run_id

    # -- reading ---------------------------------------------------------------------------
    def runs(self, limit: int | None = None, profile: str | None = None) -> list[RunRow]:
        """Recorded runs, newest first."""
        sql = (
            "SELECT id, recorded_at, started_at, finished_at, profile, scope_label, shard,"
            " tool_version, finding_count, incomplete, result_sha256,"
            " pass, fail, error, manual, waived, not_applicable, attested FROM runs"
        )
        args: list[Any] = []
        if profile is not None:
            sql += " WHERE profile = ?"
            args.append(profile)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        rows = []
        for row in self._conn.execute(sql, args):
            try:
                when = datetime.fromisoformat(str(row[2]))
                if when.tzinfo is None:
                    raise ValueError("no time zone")
            except ValueError as exc:
                raise InputError(
                    f"run {row[0]}: started_at {str(row[2])[:40]!r} is not a date-time ({exc})",
                    file=self.path,
                ) from None
            summary = {status: int(row[11 + i]) for i, (status, _) in enumerate(_SUMMARY_COLUMNS)}
            rows.append(
                RunRow(
                    id=row[0],
                    recorded_at=row[1],
                    started_at=row[2],
                    finished_at=row[3],
                    profile=row[4],
                    scope_label=row[5],
                    shard=row[6],
                    tool_version=row[7],
                    summary=summary,
                    finding_count=row[8],
                    incomplete=bool(row[9]),
                    result_sha256=row[10],
                )
            )
        return rows

    def latest(self, profile: str | None = None, *, before: int | None = None) -> int | None:
        """The id of the newest run (of ``profile``), optionally older than run ``before``."""
        sql = "SELECT id FROM runs WHERE 1 = 1"
        args: list[Any] = []
        if profile is not None:
            sql += " AND profile = ?"
            args.append(profile)
        if before is not None:
            sql += " AND id < ?"
            args.append(before)
        row = self._conn.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return int(row[0]) if row else None

    def load(self, run_id: int) -> RunResult:
        """The result recorded as run ``run_id``, exactly as it was recorded."""
        row = self._conn.execute(
            "SELECT meta_json, result_sha256 FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"no run {run_id} in the history database", file=self.path)
        where = f"{self.path} (run {run_id})"
        meta = parse_json(row[0], where, HISTORY_ROW)
        if not isinstance(meta, dict):
            raise InputError(f"run {run_id} cannot be read back: not a JSON object", file=self.path)
        findings = []
        for finding_json, evidence_json, evidence_sha in self._conn.execute(
            "SELECT finding_json, evidence_json, evidence_sha256 FROM findings"
            " WHERE run_id = ? ORDER BY seq",
            (run_id,),
        ):
            if hashlib.sha256(evidence_json.encode("utf-8")).hexdigest() != evidence_sha:
                raise InputError(
                    f"run {run_id}: a finding's evidence does not match its SHA-256", file=self.path
                )
            finding = parse_json_line(finding_json, where, HISTORY_ROW)
            if not isinstance(finding, dict):
                raise InputError(f"run {run_id}: a finding is not a JSON object", file=self.path)
            finding["evidence"] = parse_json_line(evidence_json, where, HISTORY_ROW)
            findings.append(finding)
        meta["findings"] = findings
        try:
            result = RunResult.model_validate_json(dumps(meta), strict=True)
        except ValidationError as exc:
            raise InputError(
                f"run {run_id} cannot be read back: {describe_validation(exc)}", file=self.path
            ) from None
        if result_digest(result) != row[1]:
            raise InputError(
                f"run {run_id} does not match its recorded SHA-256: it was changed", file=self.path
            )
        check_consistent(result, where)
        # recorded by an older version, a run may hold what the redactor now knows
        return clean_result(result)


def _finding_row(
    run_id: int, seq: int, finding: Finding, dumped: dict[str, Any]
) -> tuple[Any, ...]:
    evidence = canonical_json(dumped.pop("evidence"))
    r = finding.resource
    return (
        run_id,
        seq,
        finding.policy_id,
        resource_key_text(finding),
        r.provider,
        r.account,
        r.region,
        r.type,
        r.id,
        finding.status,
        finding.severity,
        hashlib.sha256(evidence.encode("utf-8")).hexdigest(),
        evidence,
        # without its evidence a finding holds no float (tests/scale/test_json_text.py): the
        # fast writer need not look for one
        dumps_sorted_compact(dumped, floats_in=None).decode("utf-8"),
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def default_history_path(out_dir: str | Path) -> Path:
    return Path(out_dir) / HISTORY_FILENAME


__all__ = [
    "HISTORY_FILENAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "History",
    "RunRow",
    "default_history_path",
    "is_incomplete",
    "result_digest",
]
