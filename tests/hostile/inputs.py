"""Good inputs to start from (a snapshot, its result, a waivers file, a bundle, a plan, a history
database) and the secret every hostile file plants, which no output may ever show."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot
from auditor.core.model.aws.ec2 import Ec2Volume
from auditor.core.model.aws.s3 import S3Bucket
from auditor.core.model.base import Coverage
from auditor.core.scope import Scope

#: An AWS access key id by shape (AKIA + 16): the redactor knows it. No output may hold it.
PLANTED = "AKIAHOSTILE0PLANTED1"
#: The same secret as a tag value under a secret's name (redacted by name, not by shape).
PLANTED_PASSWORD = "hunter2-planted-pw"

ACCOUNT = "111111111111"
REGION = "us-east-1"


def good_inventory() -> Inventory:
    """Two EBS volumes (one unencrypted: FAIL) and a bucket, in one account and region."""
    tags: dict[str, str] = {"team": "records"}
    name = "records"
    resources = [
        Ec2Volume(
            id=f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-1",
            name=name,
            account=ACCOUNT,
            region=REGION,
            encrypted=True,
            tags=tags,
        ),
        Ec2Volume(
            id=f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-2",
            name="scratch",
            account=ACCOUNT,
            region=REGION,
            encrypted=False,
        ),
        S3Bucket(
            id="arn:aws:s3:::phi-records",
            name="phi-records",
            account=ACCOUNT,
            region=REGION,
            sse_algorithm="aws:kms",
            kms_master_key_id="alias/phi",
        ),
    ]
    return Inventory(
        header=SnapshotHeader(
            collected_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
            scope=Scope(providers=["aws"], aws_accounts=[ACCOUNT], aws_regions=[REGION]),
        ),
        resources=resources,
        coverage=[
            Coverage(provider="aws", account=ACCOUNT, region=REGION, resource_type=t, count=n)
            for t, n in (("aws.ec2.volume", 2), ("aws.s3.bucket", 1))
        ],
        finished_at=datetime(2026, 11, 1, 12, 5, tzinfo=UTC),
    )


def write_snapshot(path: Path, *, secrets: bool = False) -> Path:
    dump_snapshot(good_inventory(), path)
    if secrets:
        # written raw, as an older version (or a hand) would: the writer would redact them
        _inject_secrets(path)
    return path


def _inject_secrets(path: Path) -> None:
    import hashlib

    lines = path.read_bytes().splitlines(keepends=True)
    body = []
    for raw in lines[:-1]:
        record = json.loads(raw)
        if record.get("kind") == "resource" and record["data"]["id"].endswith("vol-1"):
            record["data"]["name"] = f"records key={PLANTED}"
            record["data"]["tags"] = {"team": "records", "db_password": PLANTED_PASSWORD}
            raw = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode()
        body.append(raw)
    footer = json.loads(lines[-1])
    footer["content_sha256"] = hashlib.sha256(b"".join(body)).hexdigest()
    path.write_bytes(
        b"".join(body) + (json.dumps(footer, sort_keys=True, separators=(",", ":")) + "\n").encode()
    )


def snapshot_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def resnapshot(
    records: list[dict[str, Any]] | list[bytes], path: Path, *, seal: bool = True
) -> Path:
    """Write snapshot ``records`` (dicts or raw lines; the last is the footer) with a footer
    digest that matches, so only what was planted in them is wrong."""
    import hashlib

    raws = [
        r if isinstance(r, bytes) else (json.dumps(r, separators=(",", ":")) + "\n").encode()
        for r in records
    ]
    body = b"".join(raws[:-1])
    footer_raw = raws[-1]
    if seal:
        footer = json.loads(footer_raw)
        footer["content_sha256"] = hashlib.sha256(body).hexdigest()
        footer_raw = (json.dumps(footer, separators=(",", ":")) + "\n").encode()
    path.write_bytes(body + footer_raw)
    return path


def evaluate_result(snapshot: Path, out: Path) -> Path:
    """result.json of ``snapshot`` under the strict profile (through the real CLI)."""
    from click.testing import CliRunner

    from auditor.cli import cli

    res = CliRunner().invoke(
        cli, ["evaluate", str(snapshot), "--out", str(out), "--no-history", "--quiet"]
    )
    assert res.exit_code in (0, 1, 3), res.output
    return out / "result.json"


WAIVERS = """waivers:
  - id: W-1
    policy: AWS-EBS-002
    resource: "arn:aws:ec2:*:volume/vol-2"
    reason: scratch volume, deleted at the end of the quarter
    approver: ciso@example.com
    expires: 2099-01-31
"""


def history_db(path: Path, result_file: Path) -> Path:
    """A history database holding the run of ``result_file`` twice."""
    from auditor.core.findings_io import load_result
    from auditor.evidence.history import History

    result = load_result(result_file)
    with History(path) as store:
        store.record(result)
        store.record(result)
    return path


def tamper_history(path: Path, sql: str, args: tuple[Any, ...] = ()) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()
    return path


PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "planned_values": {"root_module": {"resources": []}},
    "configuration": {"provider_config": {}},
}


__all__ = [
    "ACCOUNT",
    "PLAN",
    "PLANTED",
    "PLANTED_PASSWORD",
    "WAIVERS",
    "evaluate_result",
    "good_inventory",
    "history_db",
    "resnapshot",
    "snapshot_lines",
    "tamper_history",
    "write_snapshot",
]
