"""Credentials the collectors saw never reach the snapshot or the evidence; evidence about them does."""

from __future__ import annotations

from pathlib import Path

from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot, load_snapshot

from .fakes import TYPES, listener

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"


def test_snapshot_redacts_credentials_but_keeps_evidence(tmp_path: Path) -> None:
    resource = listener(
        load_balancer=f"postgres://admin:{SECRET_KEY}@db.internal:5432/phi",
        tags={"db_password": "hunter2-hunter2", "owner": "team-a", "note": f"key {ACCESS_KEY}"},
        tls={"protocols": ["TLSv1.3"], "policy_name": "AccessToken"},
    )
    path = tmp_path / "snap.jsonl"
    dump_snapshot(Inventory(header=SnapshotHeader(), resources=[resource]), path)
    raw = path.read_text()
    for secret in (SECRET_KEY, ACCESS_KEY, "hunter2-hunter2"):
        assert secret not in raw
    loaded = load_snapshot(path, TYPES).resources[0]
    assert loaded.tags["owner"] == "team-a"
    assert loaded.tags["db_password"].startswith("[REDACTED")
    assert loaded.tls is not None and loaded.tls.policy_name == "AccessToken"
    assert loaded.tls.protocols == ["TLSv1.3"]
