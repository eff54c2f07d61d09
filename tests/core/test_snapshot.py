from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.core.errors import InputError
from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot, load_snapshot
from auditor.core.model.base import Coverage, Gap, ListingGap
from auditor.core.scope import Scope

from .fakes import TYPES, listener


def sample_inventory() -> Inventory:
    return Inventory(
        header=SnapshotHeader(
            collected_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
            scope=Scope(
                providers=["aws"], aws_accounts=["111111111111"], aws_regions=["us-east-1"]
            ),
            inputs={"config": "ab" * 32},
        ),
        resources=[
            listener(),
            listener(
                id="arn:listener/2",
                tls=None,
                gaps=[
                    Gap(
                        operation="elbv2:DescribeSSLPolicies",
                        error_code="AccessDenied",
                        fields=("tls",),
                    )
                ],
            ),
            listener(
                id="arn:listener/3", tags={"name": "ünïcode <b>"}, rules=[{"algorithm": "AES256"}]
            ),
        ],
        listing_gaps=[
            ListingGap(
                provider="aws",
                account="111111111111",
                region="eu-west-1",
                resource_type="aws.test.listener",
                operation="elbv2:DescribeListeners",
                error_code="Throttling",
            )
        ],
        coverage=[
            Coverage(
                provider="aws",
                account="111111111111",
                region="us-east-1",
                resource_type="aws.test.listener",
                count=3,
            )
        ],
        finished_at=datetime(2026, 11, 1, 12, 5, tzinfo=UTC),
    )


def test_snapshot_round_trips_exactly(tmp_path: Path) -> None:
    inventory = sample_inventory()
    path = tmp_path / "snap.jsonl"
    dump_snapshot(inventory, path)
    loaded = load_snapshot(path, TYPES)
    assert loaded == inventory
    # and dumping the loaded copy gives the same bytes
    again = tmp_path / "again.jsonl"
    dump_snapshot(loaded, again)
    assert again.read_bytes() == path.read_bytes()


def test_snapshot_header_carries_version_time_scope_digests(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    dump_snapshot(sample_inventory(), path)
    loaded = load_snapshot(path, TYPES)
    assert loaded.header.tool_version
    assert loaded.header.collected_at == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert loaded.header.scope.aws_accounts == ["111111111111"]
    assert loaded.header.inputs == {"config": "ab" * 32}


def test_tampered_snapshot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    dump_snapshot(sample_inventory(), path)
    data = path.read_bytes().replace(b"TLSv1.3", b"TLSv1.0", 1)
    path.write_bytes(data)
    with pytest.raises(InputError, match="SHA-256"):
        load_snapshot(path, TYPES)


def test_truncated_snapshot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    dump_snapshot(sample_inventory(), path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))
    with pytest.raises(InputError, match="no footer"):
        load_snapshot(path, TYPES)


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    dump_snapshot(sample_inventory(), path)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = b"{not json\n"
    path.write_bytes(b"".join(lines))
    with pytest.raises(InputError) as err:
        load_snapshot(path, TYPES)
    assert f"{path}:3:" in str(err.value)


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    from auditor.core.inventory import SnapshotWriter

    path = tmp_path / "snap.jsonl"
    with pytest.raises(RuntimeError), SnapshotWriter(path, SnapshotHeader()) as writer:
        writer.add_resource(listener())
        raise RuntimeError("collector crashed")
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
