"""The findings table on stdout: one row per FAIL and ERROR (policy, resource, region, observed
value), then the counts; ``--quiet``: the counts and the FAIL rows only. Text from the cloud is
neutralised (no escape sequence reaches the terminal)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot
from auditor.core.model.aws.s3 import S3Bucket
from auditor.core.model.base import Coverage, Gap, ListingGap
from auditor.core.scope import Scope
from auditor.evidence.render.terminal import OBSERVED_MAX, neutralise, shorten

ACCOUNT = "111111111111"
HOSTILE = "evil\x1b[2J\x1b]0;pwned\x07\u202egnp.exe"


def _snapshot(path: Path) -> Path:
    buckets = [
        S3Bucket(
            id="arn:aws:s3:::phi-ok",
            name="phi-ok",
            account=ACCOUNT,
            region="us-east-1",
            sse_algorithm="aws:kms",
        ),
        S3Bucket(
            id="arn:aws:s3:::legacy",
            name="legacy",
            account=ACCOUNT,
            region="us-east-1",
            sse_algorithm=None,
        ),
        S3Bucket(
            id=f"arn:aws:s3:::{HOSTILE}",
            name=HOSTILE,
            account=ACCOUNT,
            region="us-east-1",
            sse_algorithm="SSE-C" * 30,
        ),
        S3Bucket(
            id="arn:aws:s3:::unread",
            name="unread",
            account=ACCOUNT,
            region="us-east-1",
            gaps=[
                Gap(
                    operation="s3:GetBucketEncryption",
                    error_code="AccessDenied",
                    fields=("sse_algorithm",),
                )
            ],
        ),
    ]
    inventory = Inventory(
        header=SnapshotHeader(
            collected_at=datetime(2026, 11, 1, tzinfo=UTC),
            scope=Scope(
                providers=["aws"], aws_accounts=[ACCOUNT], aws_regions=["us-east-1", "eu-west-1"]
            ),
        ),
        resources=buckets,
        coverage=[
            Coverage(
                provider="aws",
                account=ACCOUNT,
                region="us-east-1",
                resource_type="aws.s3.bucket",
                count=4,
            )
        ],
        listing_gaps=[
            ListingGap(
                provider="aws",
                account=ACCOUNT,
                region="eu-west-1",
                resource_type="aws.s3.bucket",
                operation="s3:ListBuckets",
                error_code="AccessDenied",
            )
        ],
    )
    dump_snapshot(inventory, path)
    return path


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    return _snapshot(tmp_path / "snapshot.jsonl")


def _evaluate(snapshot: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(
        cli,
        [
            "evaluate",
            str(snapshot),
            "--out",
            str(out),
            "--no-history",
            "--checks",
            "AWS-S3-001",
            *extra,
        ],
    )
    return res.exit_code, res.stdout, res.stderr


def _rows(stdout: str) -> list[list[str]]:
    return [line.split() for line in stdout.splitlines() if line.startswith(("FAIL ", "ERROR "))]


def test_table_rows_then_counts(snapshot: Path, tmp_path: Path) -> None:
    code, stdout, stderr = _evaluate(snapshot, tmp_path / "out")
    assert code == 1
    lines = stdout.splitlines()
    assert lines[0].split() == ["Status", "Policy", "Severity", "Resource", "Region", "Observed"]
    assert lines[-1] == (
        "baa-audit: 5 findings (FAIL 2, ERROR 2, MANUAL 0, WAIVED 0, ATTESTED 0, PASS 1, NOT_APPLICABLE 0) "
        "against profile strict"
    )
    rows = _rows(stdout)
    assert [r[:5] for r in rows] == [
        [
            "FAIL",
            "AWS-S3-001",
            "high",
            "arn:aws:s3:::evil\\x1b[2J\\x1b]0;pwned\\x07\\u202egnp.exe",
            "us-east-1",
        ],
        ["FAIL", "AWS-S3-001", "high", "arn:aws:s3:::legacy", "us-east-1"],
        ["ERROR", "AWS-S3-001", "high", "all", "aws.s3.bucket"],
        ["ERROR", "AWS-S3-001", "high", "arn:aws:s3:::unread", "us-east-1"],
    ]
    assert "sse_algorithm=null" in stdout  # the observed value of the legacy bucket
    assert "not read: s3:GetBucketEncryption AccessDenied" in stdout
    assert "not read: s3:ListBuckets AccessDenied" in stdout
    assert "sse_algorithm=SSE-CSSE-C" in stdout and "…" in stdout  # long values truncated
    # nothing from the cloud reaches the terminal as a control character
    assert not any(ch in stdout for ch in ("\x1b", "\x07", "\u202e"))
    # the promises, and the files written, are on stderr
    assert "encryption-at-rest (partial)" in stderr and "wrote" in stderr


def test_quiet_prints_only_the_fail_rows_and_the_counts(snapshot: Path, tmp_path: Path) -> None:
    code, stdout, stderr = _evaluate(snapshot, tmp_path / "out", "--quiet", "--summary-line")
    assert code == 1
    assert [r[0] for r in _rows(stdout)] == ["FAIL", "FAIL"]
    assert "arn:aws:s3:::legacy" in stdout and "unread" not in stdout
    assert stdout.splitlines()[-2].startswith("baa-audit: 5 findings (FAIL 2, ERROR 2")
    assert stdout.splitlines()[-1].startswith("baa-audit status=fail")  # --summary-line last
    assert stderr == ""


def test_nothing_to_show_is_just_the_counts(tmp_path: Path) -> None:
    snap = tmp_path / "clean.jsonl"
    dump_snapshot(
        Inventory(
            header=SnapshotHeader(scope=Scope(providers=["aws"], aws_accounts=[ACCOUNT])),
            resources=[
                S3Bucket(
                    id="arn:aws:s3:::ok",
                    name="ok",
                    account=ACCOUNT,
                    region="us-east-1",
                    sse_algorithm="AES256",
                )
            ],
            coverage=[
                Coverage(
                    provider="aws",
                    account=ACCOUNT,
                    region="us-east-1",
                    resource_type="aws.s3.bucket",
                    count=1,
                )
            ],
        ),
        snap,
    )
    code, stdout, _ = _evaluate(snap, tmp_path / "out", "-q")
    assert code == 0
    assert stdout == (
        "baa-audit: 1 findings (FAIL 0, ERROR 0, MANUAL 0, WAIVED 0, ATTESTED 0, PASS 1, NOT_APPLICABLE 0) "
        "against profile strict\n"
    )


def test_neutralise_and_shorten() -> None:
    assert neutralise("a\nb\x00c\u200bd\u2028e") == "a\\nb\\x00c\\u200bd\\u2028e"
    assert neutralise("ünïcode ok") == "ünïcode ok"
    assert len(shorten("x" * 500)) == OBSERVED_MAX and shorten("x" * 500).endswith("…")
