"""Helpers for the attestation tests: an attestations folder with documents, and a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot
from auditor.core.model.gcp.resourcemanager import Organization
from auditor.core.scope import Scope

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ORG = "organizations/123"


def entry(id_: str, target: str, document: str, **extra: Any) -> dict[str, Any]:
    """One attestation; ``target`` is ``promise:ID`` or ``policy:ID``; current unless dated."""
    kind, _, name = target.partition(":")
    return {
        "id": id_,
        kind: name,
        "document": document,
        "signed_by": "Dana Whitfield, Privacy Officer",
        "signed_on": extra.pop("signed_on", date(2026, 2, 1)),
        "review_by": extra.pop("review_by", date(2027, 2, 1)),
        **extra,
    }


@pytest.fixture
def folder(tmp_path: Path) -> Callable[..., Path]:
    """Write ``attestations.yaml`` with ``entries`` and the documents named in ``docs``."""

    def make(
        entries: list[dict[str, Any]], docs: dict[str, str] | None = None, **head: Any
    ) -> Path:
        base = tmp_path / "compliance"
        for name, text in (docs or {}).items():
            (base / name).parent.mkdir(parents=True, exist_ok=True)
            (base / name).write_text(text, encoding="utf-8")
        base.mkdir(exist_ok=True)
        path = base / "attestations.yaml"
        path.write_text(
            yaml.safe_dump({**head, "attestations": entries}, sort_keys=False), encoding="utf-8"
        )
        return path

    return make


def gcp_inventory() -> Inventory:
    """A GCP organization, so GCP-AI-003 (contractual no-training) yields MANUAL."""
    return Inventory(
        header=SnapshotHeader(
            collected_at=NOW,
            scope=Scope(providers=["gcp"], gcp_parent=ORG, gcp_projects=["phi-prod"]),
        ),
        resources=[
            Organization(
                id=f"//cloudresourcemanager.googleapis.com/{ORG}",
                name="example-health.org",
                account=ORG,
                path=ORG,
            )
        ],
    )


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "snapshot.jsonl"
    dump_snapshot(gcp_inventory(), path)
    return path
