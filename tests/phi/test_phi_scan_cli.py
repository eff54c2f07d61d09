"""``baa-audit phi scan`` end to end: the console script on files and stdin, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SSN = "219-09-9999"
NAME = "Jürgen Weiß"
PHONE = "+44 20 7946 0958"
LINES = [
    json.dumps({"level": "info", "patient_name": NAME, "msg": "intake saved"}),  # ü as \u00fc
    "GET /healthz 200 2ms version=2.14.3",
    f'msg="call from\\n{PHONE} ok" ssn={SSN}',  # a literal \n before the number
    'payload="{\\"dob\\": \\"1961-07-04\\"}"',  # double-encoded JSON
]
SECRETS = [SSN, "Jürgen", "Weiß", "J\\u00fcrgen", PHONE, "7946", "1961-07-04"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "auditor.cli", "phi", "scan", *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=300,
    )


def no_text(proc: subprocess.CompletedProcess[bytes]) -> None:
    blob = proc.stdout.decode() + proc.stderr.decode()
    for secret in SECRETS:
        assert secret not in blob, secret


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def test_jsonl_offsets_point_at_the_values_in_the_line_as_written(log: Path) -> None:
    proc = run(str(log), "--format", "jsonl")
    assert proc.returncode == 1, proc.stderr
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert all(set(r) == {"file", "line", "start", "end", "kind", "detector"} for r in records)
    raw = log.read_text(encoding="utf-8").splitlines()
    spans = {(r["line"], raw[r["line"] - 1][r["start"] : r["end"]], r["kind"]) for r in records}
    assert (1, "J\\u00fcrgen Wei\\u00df", "patient_name") in spans
    assert (3, PHONE, "phone") in spans
    assert (3, SSN, "ssn") in spans
    assert (4, "1961-07-04", "dob") in spans
    assert not any(r["line"] == 2 for r in records)
    no_text(proc)


def test_stdin_and_table(log: Path) -> None:
    proc = run("-", stdin=log.read_bytes())
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert "patient_name" in out and "phone" in out and "ssn" in out
    no_text(proc)
    clean = run("-", stdin=b"GET /healthz 200 2ms\nsms-gateway delivered batch 4631 in 73ms\n")
    assert clean.returncode == 0 and "No PHI found" in clean.stdout.decode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.log", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: _write(p / "bin.log", b"ok\n\xff\xfe\n"), "not UTF-8"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    proc = run(str(path))
    assert proc.returncode == 2
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]
    assert proc.stdout == b""


def test_unknown_detector_is_exit_2(log: Path) -> None:
    proc = run(str(log), "--detectors", "ssn,nope")
    assert proc.returncode == 2 and "nope" in proc.stderr.decode()


def test_huge_line_is_cut_and_said(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    path.write_bytes(b"x" * 3_000_000 + b" ssn 219-09-9999\nssn 078-05-1120\n")
    proc = run(str(path), "--format", "jsonl")
    assert proc.returncode == 1
    lines = {json.loads(x)["line"] for x in proc.stdout.decode().splitlines()}
    assert lines == {2}
    assert "scanned only in part" in proc.stderr.decode()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
