"""A `gcloud asset export` file and the live API give the same inventory and the same findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip(
    "google.cloud.asset_v1", reason="needs the gcp extra: pip install 'baa-audit[gcp]'"
)

from baa_audit_sample.gcp import run_emulator
from baa_audit_sample.gcp.sample_org import ORG, export_lines, sample_assets

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.export_file import collect_export, iter_export
from auditor.collect.gcp.run import collect_gcp
from auditor.core.errors import InputError
from auditor.core.inventory import Inventory
from auditor.core.progress import NullProgress


def write_export(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def from_api(scope: str = ORG) -> Inventory:
    inventory = Inventory()
    with run_emulator(extra_routes=False) as (endpoint, _):
        collect_cai_only(CollectOptions(gcp_scope=scope, gcp_endpoint=endpoint), inventory)
    return inventory


def collect_cai_only(options: CollectOptions, inventory: Inventory) -> None:
    """collect_gcp without the extra sources (they are not part of the export file)."""
    from auditor.collect.gcp.assemble import Assembler
    from auditor.collect.gcp.run import collect_cai, make_asset_client

    assembler = Assembler(str(options.gcp_scope))
    collect_cai(make_asset_client(options), str(options.gcp_scope), assembler, NullProgress())
    assembler.finish(inventory)


def from_export(path: Path, scope: str | None = None) -> Inventory:
    inventory = Inventory()
    collect_export(CollectOptions(gcp_export_file=path, gcp_scope=scope), inventory, NullProgress())
    return inventory


def _j(item: object) -> str:
    return json.dumps(item.model_dump(mode="json"), sort_keys=True)  # type: ignore[attr-defined]


def dumped(inventory: Inventory) -> tuple[list, list, list]:
    return (
        [r.model_dump(mode="json") for r in inventory.resources],
        sorted(_j(g) for g in inventory.listing_gaps),
        sorted(_j(c) for c in inventory.coverage),
    )


def test_export_file_and_api_build_identical_inventories(tmp_path: Path) -> None:
    export = write_export(tmp_path / "assets.json", export_lines(sample_assets()))
    api, offline = from_api(), from_export(export)
    assert len(api.resources) > 50
    assert not api.listing_gaps
    assert dumped(offline) == dumped(api)


def test_export_lines_use_protobuf_field_names(tmp_path: Path) -> None:
    export = write_export(tmp_path / "assets.json", export_lines(sample_assets()))
    first = json.loads(export.read_text().splitlines()[0])
    assert "asset_type" in first and "assetType" not in first
    assert "discovery_document_uri" in first["resource"]
    # ...and are read back in the API's camelCase shape
    _, record = next(iter_export(export))
    assert record["assetType"] == first["asset_type"]


def test_project_scope_from_an_organization_export(tmp_path: Path) -> None:
    export = write_export(tmp_path / "assets.json", export_lines(sample_assets()))
    offline = from_export(export, scope="projects/phi-prod")
    buckets = [r for r in offline.resources if r.resource_type == "gcp.storage.bucket"]
    assert {r.account for r in buckets} == {"phi-prod"}
    assert all(r.account != "phi-analytics" for r in offline.resources)


def test_missing_iam_content_is_a_gap_not_an_empty_policy(tmp_path: Path) -> None:
    lines = [
        line
        for line in export_lines(sample_assets())
        if "iam_policy" not in line and "org_policy" not in line
    ]
    offline = from_export(write_export(tmp_path / "resources-only.json", lines))
    projects = [r for r in offline.resources if r.resource_type == "gcp.resourcemanager.project"]
    assert projects
    for project in projects:
        gap = project.gap_for("iam_bindings")
        assert gap is not None and gap.error_code == "NotInExportFile"
    assert any(
        g.resource_type == "gcp.orgpolicy.policy" and g.error_code == "NotInExportFile"
        for g in offline.listing_gaps
    )


def test_a_broken_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "assets.json"
    good = json.dumps(export_lines(sample_assets())[0])
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"assets.json:2"):
        from_export(path)


def test_collect_gcp_uses_the_export_file_when_given(tmp_path: Path) -> None:
    export = write_export(tmp_path / "assets.json", export_lines(sample_assets()))
    inventory = Inventory()
    scope = collect_gcp(CollectOptions(gcp_export_file=export), inventory, NullProgress())
    assert scope.gcp_parent == ORG
    assert scope.gcp_projects == ["phi-analytics", "phi-prod", "sandbox-dev"]


def test_export_file_and_api_give_identical_findings(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from auditor.core.inventory import SnapshotHeader
    from auditor.core.scope import Scope
    from auditor.judge.engine import evaluate
    from auditor.judge.policy.loader import load_default_policies
    from auditor.judge.profile import load_profile

    export = write_export(tmp_path / "assets.json", export_lines(sample_assets()))
    policies = load_default_policies()
    profile = load_profile("strict", policies.catalog)
    scope = Scope(
        providers=["gcp"], gcp_parent=ORG, gcp_projects=["phi-analytics", "phi-prod", "sandbox-dev"]
    )
    now = datetime(2026, 11, 23, tzinfo=UTC)

    def findings(inventory: Inventory) -> list[dict]:
        inventory.header = SnapshotHeader(scope=scope)
        result = evaluate(inventory, policies, profile, now=now)
        return [f.model_dump(mode="json") for f in result.findings]

    api, offline = findings(from_api()), findings(from_export(export))
    assert len(api) > 100
    assert {f["status"] for f in api} >= {"PASS", "FAIL", "MANUAL", "NOT_APPLICABLE"}
    assert offline == api
