"""Failures a real organization shows, injected in the emulator, seen through the real client.

Each fault must leave a gap with its error code and operation (so nothing it touched can
PASS) while every listing it did not touch completes as if nothing happened.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip(
    "google.cloud.asset_v1", reason="needs the gcp extra: pip install 'baa-audit[gcp]'"
)

from baa_audit_sample.gcp import build_emulator
from baa_audit_sample.gcp.emulator import Faults
from baa_audit_sample.gcp.sample_org import ORG

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.assemble import Assembler
from auditor.collect.gcp.run import collect_cai, make_asset_client, make_retry
from auditor.core.inventory import Inventory
from auditor.core.progress import NullProgress

pytestmark = pytest.mark.e2e

FAST_RETRY = make_retry(initial=0.05)


def collect(faults: Faults | None = None, scope: str = ORG, page_size: int = 1000) -> Inventory:
    emulator = build_emulator(faults=faults, extra_routes=False)
    inventory = Inventory()
    with emulator.serve() as endpoint:
        options = CollectOptions(gcp_scope=scope, gcp_endpoint=endpoint)
        assembler = Assembler(scope)
        collect_cai(
            make_asset_client(options),
            scope,
            assembler,
            NullProgress(),
            retry=FAST_RETRY,
            page_size=page_size,
        )
        assembler.finish(inventory)
    return inventory


def snapshot(inventory: Inventory) -> str:
    return json.dumps(
        {
            "resources": [r.model_dump(mode="json") for r in inventory.resources],
            "gaps": [g.model_dump(mode="json") for g in inventory.listing_gaps],
            "coverage": [c.model_dump(mode="json") for c in inventory.coverage],
        },
        sort_keys=True,
    )


@pytest.fixture(scope="module")
def clean() -> Inventory:
    return collect()


def test_clean_scan_has_no_gaps(clean: Inventory) -> None:
    assert not clean.listing_gaps
    assert not [r.id for r in clean.resources if r.gaps]
    assert clean.counts()["gcp.resourcemanager.project"] == 3


def test_small_pages_give_the_same_inventory(clean: Inventory) -> None:
    assert snapshot(collect(page_size=2)) == snapshot(clean)


def test_403_on_iam_policy_gaps_every_iam_field_and_the_rest_completes(clean: Inventory) -> None:
    inventory = collect(Faults(deny_content_types={"IAM_POLICY"}))
    with_iam = [r for r in inventory.resources if hasattr(r, "iam_bindings")]
    assert {r.resource_type for r in with_iam} == {
        "gcp.resourcemanager.organization",
        "gcp.resourcemanager.folder",
        "gcp.resourcemanager.project",
        "gcp.storage.bucket",
    }
    for resource in with_iam:
        gap = resource.gap_for("iam_bindings")
        assert gap is not None, resource.id
        assert (gap.operation, gap.error_code) == (
            "cloudasset.ListAssets(IAM_POLICY)",
            "403 PERMISSION_DENIED",
        )
        assert "cloudasset.assets.listIamPolicy" in gap.message
        assert (
            resource.gap_for("audit_configs") is not None
            or resource.resource_type == "gcp.storage.bucket"
        )
    # everything else was read: same resources, same org policies, no listing gaps
    assert inventory.counts() == clean.counts()
    assert not inventory.listing_gaps


def test_403_on_org_policy_is_a_listing_gap_for_org_policies_only(clean: Inventory) -> None:
    inventory = collect(Faults(deny_content_types={"ORG_POLICY"}))
    assert [(g.resource_type, g.account, g.error_code) for g in inventory.listing_gaps] == [
        ("gcp.orgpolicy.policy", ORG, "403 PERMISSION_DENIED")
    ]
    assert "gcp.orgpolicy.policy" not in inventory.counts()
    assert not [r.id for r in inventory.resources if r.gaps]


def test_429_then_success_is_retried_to_a_clean_inventory(clean: Inventory) -> None:
    emulator = build_emulator(
        faults=Faults(throttle={"RESOURCE": 2, "IAM_POLICY": 1}), extra_routes=False
    )
    inventory = Inventory()
    with emulator.serve() as endpoint:
        assembler = Assembler(ORG)
        client = make_asset_client(CollectOptions(gcp_scope=ORG, gcp_endpoint=endpoint))
        collect_cai(client, ORG, assembler, NullProgress(), retry=FAST_RETRY)
        assembler.finish(inventory)
    assert snapshot(inventory) == snapshot(clean)
    # the emulator really answered 429 three times before serving
    assert emulator._throttled == {"RESOURCE": 2, "IAM_POLICY": 1}


def test_malformed_page_fails_its_listing_only(clean: Inventory) -> None:
    faults = Faults(
        malformed_page=("RESOURCE", 1), malformed_asset_type="compute.googleapis.com/Disk"
    )
    inventory = collect(faults, page_size=2)
    compute = {
        "gcp.compute.disk",
        "gcp.compute.ssl_policy",
        "gcp.compute.target_https_proxy",
        "gcp.compute.target_ssl_proxy",
        "gcp.compute.target_http_proxy",
        "gcp.compute.url_map",
    }
    gaps = {(g.resource_type, g.account, g.error_code) for g in inventory.listing_gaps}
    assert gaps == {(t, ORG, "MalformedResponse") for t in compute}
    assert all(g.operation == "cloudasset.ListAssets(RESOURCE)" for g in inventory.listing_gaps)
    # the pages read before the bad one are dropped too: nothing half-listed is judged
    assert not compute & set(inventory.counts())
    assert {t: n for t, n in inventory.counts().items() if t not in compute} == {
        t: n for t, n in clean.counts().items() if t not in compute
    }


def test_malformed_page_once_is_asked_for_again(clean: Inventory) -> None:
    faults = Faults(malformed_page=("RESOURCE", 0), malformed_times=1)
    assert snapshot(collect(faults)) == snapshot(clean)


def test_project_disappearing_mid_scan_leaves_it_unjudged(clean: Inventory) -> None:
    # the project answers the first listing (the hierarchy), then is gone
    inventory = collect(Faults(vanish_project="phi-analytics", vanish_after=1))
    left = [r for r in inventory.resources if r.account == "phi-analytics"]
    assert [r.resource_type for r in left] == ["gcp.resourcemanager.project"]
    (project,) = left
    assert project.gap_for("*") is not None
    assert project.gap_for("*").error_code == "ProjectChangedDuringScan"  # type: ignore[union-attr]
    vanished_gaps = {
        g.resource_type for g in inventory.listing_gaps if g.account == "phi-analytics"
    }
    assert "gcp.sql.instance" in vanished_gaps and "gcp.storage.bucket" in vanished_gaps
    covered = {c.resource_type for c in inventory.coverage if c.account == "phi-analytics"}
    assert covered <= {"gcp.resourcemanager.project"}  # seen, but carrying the gap above
    # the other projects are complete
    for pid in ("phi-prod", "sandbox-dev"):
        mine = [r.model_dump(mode="json") for r in inventory.resources if r.account == pid]
        assert mine == [r.model_dump(mode="json") for r in clean.resources if r.account == pid]


def test_project_scope_that_disappears_mid_scan() -> None:
    inventory = collect(
        Faults(vanish_project="phi-analytics", vanish_after=1), scope="projects/phi-analytics"
    )
    assert inventory.listing_gaps
    assert {g.error_code for g in inventory.listing_gaps} <= {
        "403 PERMISSION_DENIED",
        "ProjectChangedDuringScan",
    }
    assert "403 PERMISSION_DENIED" in {g.error_code for g in inventory.listing_gaps}
    for resource in inventory.resources:
        assert resource.gaps, f"{resource.id} kept without a gap although its project vanished"


# -- through the engine: nothing a fault touched may PASS, and the rest is unchanged --------

IAM_POLICIES = {
    "GCP-IAM-001",
    "GCP-IAM-002",
    "GCP-IAM-003",
    "GCP-IAM-005",
    "GCP-IAM-006",
    "GCP-GCS-010",
    "GCP-AUDIT-001",
}
COMPUTE_POLICIES = {f"GCP-GCE-0{n}" for n in ("01", "10", "11", "12", "13", "14")}


def findings(inventory: Inventory) -> dict[tuple[str, str, str], str]:
    from datetime import UTC, datetime

    from auditor.core.inventory import SnapshotHeader
    from auditor.core.model.gcp import GCP_CAI_TYPES
    from auditor.core.scope import Scope
    from auditor.judge.engine import evaluate
    from auditor.judge.policy.loader import PolicySet, load_default_policies
    from auditor.judge.profile import load_profile

    cai = {cls.resource_type for cls in GCP_CAI_TYPES}
    loaded = load_default_policies()
    policies = PolicySet(
        policies=tuple(p for p in loaded.policies if p.resource_type in cai),
        catalog=loaded.catalog,
        sha256=loaded.sha256,
        files=loaded.files,
    )
    projects = sorted(
        {r.account for r in inventory.resources if r.resource_type.endswith(".project")}
    )
    inventory.header = SnapshotHeader(
        scope=Scope(providers=["gcp"], gcp_parent=ORG, gcp_projects=projects)
    )
    result = evaluate(
        inventory,
        policies,
        load_profile("strict", policies.catalog),
        now=datetime(2026, 11, 23, tzinfo=UTC),
        params_override={"customer_managed_keys": True},
    )
    return {(f.policy_id, f.resource.account, f.resource.id): f.status for f in result.findings}


@pytest.fixture(scope="module")
def clean_findings(clean: Inventory) -> dict[tuple[str, str, str], str]:
    return findings(clean)


def unchanged_outside(
    got: dict[tuple[str, str, str], str],
    clean: dict[tuple[str, str, str], str],
    touched: set[str],
) -> None:
    assert {k: v for k, v in got.items() if k[0] not in touched} == {
        k: v for k, v in clean.items() if k[0] not in touched
    }


def test_engine_403_on_iam_policy(clean_findings: dict[tuple[str, str, str], str]) -> None:
    got = findings(collect(Faults(deny_content_types={"IAM_POLICY"})))
    touched = {k: v for k, v in got.items() if k[0] in IAM_POLICIES}
    assert touched
    assert set(touched.values()) <= {"ERROR", "NOT_APPLICABLE"}
    assert "ERROR" in set(touched.values())
    unchanged_outside(got, clean_findings, IAM_POLICIES)


def test_engine_malformed_page(clean_findings: dict[tuple[str, str, str], str]) -> None:
    faults = Faults(
        malformed_page=("RESOURCE", 1), malformed_asset_type="compute.googleapis.com/Disk"
    )
    got = findings(collect(faults, page_size=2))
    touched = {k: v for k, v in got.items() if k[0] in COMPUTE_POLICIES}
    assert set(touched.values()) == {"ERROR"}
    unchanged_outside(got, clean_findings, COMPUTE_POLICIES)


def test_engine_project_disappearing(clean_findings: dict[tuple[str, str, str], str]) -> None:
    got = findings(collect(Faults(vanish_project="phi-analytics", vanish_after=1)))
    gone = {k: v for k, v in got.items() if k[1] == "phi-analytics"}
    assert gone
    assert "PASS" not in gone.values()
    assert "ERROR" in gone.values()
    # the other projects are judged exactly as in a clean scan
    others = {"phi-prod", "sandbox-dev"}
    assert {k: v for k, v in got.items() if k[1] in others} == {
        k: v for k, v in clean_findings.items() if k[1] in others
    }


def test_engine_429_then_success(clean_findings: dict[tuple[str, str, str], str]) -> None:
    got = findings(collect(Faults(throttle={"RESOURCE": 1, "ORG_POLICY": 1})))
    assert got == clean_findings
