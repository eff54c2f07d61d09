"""A Cloud Asset export without the hierarchy's lines: gaps stay local, and say what to export.

Exports filtered by asset type are common: they leave out the organization, folder and project
lines (and sometimes their IAM policies). Only what depends on the missing lines is unknown; a
TLS 1.0 SSL policy still FAILs, and every error names the missing line and how to export it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "google.cloud.asset_v1", reason="needs the gcp extra: pip install 'baa-audit[gcp]'"
)

from baa_audit_sample.gcp.sample_org import ORG, export_lines, sample_assets

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.export_file import collect_export
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.progress import NullProgress
from auditor.core.result import RunResult
from auditor.core.scope import Scope
from auditor.judge.attestations import AttestationSet, empty_set
from auditor.judge.engine import evaluate
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

RM = "cloudresourcemanager.googleapis.com/"
POLICIES = load_default_policies()


def judge(tmp_path: Path, lines: list[dict[str, Any]]) -> tuple[Inventory, RunResult]:
    path = tmp_path / "assets.json"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    inventory = Inventory()
    collect_export(CollectOptions(gcp_export_file=path, gcp_scope=ORG), inventory, NullProgress())
    inventory.header = SnapshotHeader(
        scope=Scope(providers=["gcp"], gcp_parent=ORG), source="export-file"
    )
    profile = load_profile("strict", POLICIES.catalog)
    return inventory, evaluate(inventory, POLICIES, profile, now=datetime(2026, 11, 23, tzinfo=UTC))


def statuses(result: RunResult, policy_id: str) -> dict[str, str]:
    return {f.resource.id: f.status for f in result.findings if f.policy_id == policy_id}


def without(lines: list[dict[str, Any]], *asset_types: str, content: str = "resource") -> list:
    return [line for line in lines if not (line["asset_type"] in asset_types and content in line)]


def test_no_hierarchy_lines_at_all_leaves_the_other_checks_judged(tmp_path: Path) -> None:
    lines = without(
        export_lines(sample_assets()), RM + "Organization", RM + "Folder", RM + "Project"
    )
    inventory, result = judge(tmp_path, lines)
    # the TLS 1.0 SSL policy on the SSL proxy needs no hierarchy: still FAIL
    assert "FAIL" in statuses(result, "GCP-GCE-012").values()
    assert "PASS" in statuses(result, "GCP-GCE-011").values()
    # nothing says the project changed during a scan it never had
    codes = {g.error_code for g in inventory.listing_gaps} | {
        g.error_code for r in inventory.resources for g in r.gaps
    }
    assert "ProjectChangedDuringScan" not in codes
    # the project-level checks are not assessed, naming the missing lines and the export to add
    project_checks = statuses(result, "GCP-IAM-001")
    assert project_checks and set(project_checks.values()) == {"ERROR"}
    error = next(f for f in result.findings if f.policy_id == "GCP-IAM-001")
    assert "holds no RESOURCE line for projects/" in error.message
    assert "--content-type=resource --asset-types=" + RM + "Project" in error.message
    # and no check says there is no project here
    na = [f for f in result.findings if f.status == "NOT_APPLICABLE"]
    assert not [f for f in na if f.resource.type.startswith("gcp.resourcemanager.")]
    # most of the rest is judged as with the full export
    judged = [f for f in result.findings if f.status in ("PASS", "FAIL")]
    assert len(judged) > 40


def test_project_lines_without_folder_or_organization_lines(tmp_path: Path) -> None:
    lines = without(export_lines(sample_assets()), RM + "Organization", RM + "Folder")
    _inventory, result = judge(tmp_path, lines)
    audit = [f for f in result.findings if f.policy_id == "GCP-AUDIT-001"]
    assert audit and {f.status for f in audit} <= {"ERROR", "FAIL"}
    unknown = next(f for f in audit if f.status == "ERROR")
    # the error names the missing ancestor lines and how to export them, not "scan the org"
    assert "holds no RESOURCE line for folders/" in unknown.message or (
        "holds no RESOURCE line for organizations/" in unknown.message
    )
    assert "--content-type=resource" in unknown.message
    assert "scan the organization" not in unknown.message
    # what needs no ancestor is judged: a project's own bindings
    assert {"PASS", "FAIL"} & set(statuses(result, "GCP-IAM-001").values())


def test_a_folder_without_its_iam_policy_line_names_the_export_to_add(tmp_path: Path) -> None:
    lines = without(export_lines(sample_assets()), RM + "Folder", content="iam_policy")
    _inventory, result = judge(tmp_path, lines)
    folder = [f for f in result.findings if f.policy_id == "GCP-IAM-005" and f.resource.id != "*"]
    assert folder and {f.status for f in folder} == {"ERROR"}
    message = folder[0].message
    assert "--content-type=iam-policy" in message and RM + "Folder" in message
    assert "always has one" not in message
    # the projects' own IAM policies were exported: judged
    assert {"PASS", "FAIL"} & set(statuses(result, "GCP-IAM-001").values())


def _judge_with(
    tmp_path: Path, params: dict[str, Any], attestations: AttestationSet | None = None
) -> RunResult:
    path = tmp_path / "assets.json"
    lines = export_lines(sample_assets())
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    inventory = Inventory()
    collect_export(CollectOptions(gcp_export_file=path, gcp_scope=ORG), inventory, NullProgress())
    inventory.header = SnapshotHeader(
        scope=Scope(providers=["gcp"], gcp_parent=ORG), source="export-file"
    )
    profile = load_profile("strict", POLICIES.catalog)
    return evaluate(
        inventory,
        POLICIES,
        profile,
        now=datetime(2026, 11, 23, tzinfo=UTC),
        params_override=params,
        attestations=attestations,
    )


def test_provider_default_encryption_accepted_cited_or_required_keys_fail(tmp_path: Path) -> None:
    """Google-managed default encryption (AES-256, documented) is MANUAL unless the profile says:
    accepted (PASS, the documentation cited in the evidence) or customer-managed keys (FAIL)."""
    default = _judge_with(tmp_path, {})
    google_managed = {
        f.resource.id
        for f in default.findings
        if f.policy_id in ("GCP-GCS-001", "GCP-SQL-001") and f.status == "MANUAL"
    }
    assert google_managed, "the sample holds stores on Google-managed keys"
    accepted = _judge_with(tmp_path, {"accept_provider_default_encryption": True})
    required = _judge_with(tmp_path, {"customer_managed_keys": True})
    for run, status in ((accepted, "PASS"), (required, "FAIL")):
        got = {
            f.resource.id: f
            for f in run.findings
            if f.policy_id in ("GCP-GCS-001", "GCP-SQL-001") and f.resource.id in google_managed
        }
        assert {f.status for f in got.values()} == {status}
        for f in got.values():
            cited = str(f.evidence.get("provider_default"))
            assert "AES-256" in cited and "https://cloud.google.com/" in cited


def test_google_cloud_named_as_subcontractor_passes_each_project(tmp_path: Path) -> None:
    result = _judge_with(tmp_path, {})
    assert set(statuses(result, "GCP-SUB-001").values()) == {"PASS"}
    unnamed = _judge_with(tmp_path, {"subprocessors": ["aws", "cloudflare"]})
    subs = [f for f in unnamed.findings if f.policy_id == "GCP-SUB-001"]
    assert subs and {f.status for f in subs} == {"FAIL"}
    assert all("7. Subcontractors" in f.message for f in subs)
    # every subcontractor the BAA names, with PHI or without: one MANUAL contractual item each
    live = _judge_with(tmp_path, {}, attestations=empty_set())
    vendors = {
        f.resource.id: f.status for f in live.findings if f.policy_id == "BAA-SUBCONTRACTORS"
    }
    assert vendors == {n: "MANUAL" for n in ("gcp", "cloudflare", "stripe", "resend")}
