"""``--checks``, ``--skip-checks``, ``--services``, ``--severity``: the pure selection, and the
same flags end to end through ``scan`` (boto3 against moto's server) and ``evaluate`` (the
snapshot that scan wrote). ``iac`` is in test_iac_flags.py (checkov itself)."""

from __future__ import annotations

import fnmatch
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core.errors import ValidationFailed
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Coverage
from auditor.core.scope import Scope
from auditor.judge.engine import evaluate
from auditor.judge.inputs import load_inputs
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.selection import (
    Selection,
    check_selection,
    narrow,
    record_selection,
    select_policies,
    service_of,
    would_run,
)
from tests.aws.conftest import AwsEmulator, aws, moto_endpoint  # noqa: F401  (fixtures)

POLICIES = load_default_policies()
IDS = {p.id for p in POLICIES.policies}


# -- the pure selection --------------------------------------------------------------------


def test_values_are_repeatable_comma_lists_and_case_insensitive() -> None:
    sel = Selection.of(
        checks=["aws-s3-*,AWS-RDS-001", " AWS-RDS-001 "],
        skip_checks=["AWS-S3-002"],
        services=["S3, rds"],
        severity=["HIGH", "critical"],
    )
    assert sel.checks == ("AWS-S3-*", "AWS-RDS-001")
    assert sel.services == ("s3", "rds")
    assert sel.severity == ("high", "critical")
    assert not sel.empty and Selection.of().empty


def test_checks_glob_and_skip_wins() -> None:
    sel = Selection.of(checks=["AWS-S3-*"], skip_checks=["AWS-S3-002"])
    outcome = select_policies(POLICIES.policies, sel)
    assert {p.id for p in outcome.chosen} == {
        i for i in IDS if fnmatch.fnmatch(i, "AWS-S3-*") and i != "AWS-S3-002"
    }
    reasons = {i.policy_id: i.reason for i in outcome.left_out}
    assert reasons["AWS-S3-002"] == "--skip-checks AWS-S3-002"
    assert reasons["AWS-RDS-001"] == "not in --checks"
    assert len(outcome.chosen) + len(outcome.left_out) == len(POLICIES.policies)


def test_services_bare_or_with_provider_and_severity() -> None:
    bare = select_policies(POLICIES.policies, Selection.of(services=["storage"]))
    qualified = select_policies(POLICIES.policies, Selection.of(services=["gcp.storage"]))
    assert {p.id for p in bare.chosen} == {p.id for p in qualified.chosen}
    assert {service_of(p) for p in bare.chosen} == {"gcp.storage"}
    high = select_policies(POLICIES.policies, Selection.of(services=["rds"], severity=["medium"]))
    assert all(p.doc.severity == "medium" and service_of(p) == "aws.rds" for p in high.chosen)
    reasons = {i.reason for i in high.left_out}
    assert "service aws.s3 not in --services" in reasons
    glob = select_policies(POLICIES.policies, Selection.of(services=["aws.elb*"]))
    assert {service_of(p) for p in glob.chosen} == {"aws.elb", "aws.elbv2"}


def test_every_value_that_names_nothing_is_reported_with_close_matches() -> None:
    sel = Selection.of(
        checks=["AWS-S3-01", "AWS-NOPE-*"],
        skip_checks=["GCP-SQL-0100"],
        services=["s33"],
        severity=["hi"],
    )
    problems = [str(p) for p in check_selection(sel, POLICIES.policies)]
    assert len(problems) == 5, problems
    assert problems[0].startswith("--checks: unknown policy id 'AWS-S3-01'; did you mean AWS-S3-0")
    assert problems[1] == "--checks: 'AWS-NOPE-*' matches no policy (see 'baa-audit policies list')"
    assert "GCP-SQL-010" in problems[2] and problems[2].startswith("--skip-checks:")
    assert problems[3].startswith("--services: unknown service 's33'; did you mean s3")
    assert problems[4].startswith("--severity: unknown severity 'hi'")
    assert not check_selection(Selection.of(checks=["AWS-S3-*"]), POLICIES.policies)


def _inventory() -> Inventory:
    """Nothing of any type in one AWS account: every policy that runs is NOT_APPLICABLE."""
    types = sorted({p.resource_type for p in POLICIES.policies if p.provider == "aws"})
    return Inventory(
        header=SnapshotHeader(scope=Scope(providers=["aws"], aws_accounts=["111111111111"])),
        coverage=[
            Coverage(provider="aws", account="111111111111", resource_type=t, count=0)
            for t in types
        ],
    )


def test_a_promise_with_checks_left_out_is_partial_never_pass() -> None:
    inputs = load_inputs("strict")
    inventory = _inventory()
    sel = Selection.of(checks=["AWS-S3-001"])
    candidates = would_run(inputs.policies.policies, inputs.profile, {"aws"})
    subset, outcome = narrow(inputs.policies, sel, candidates)
    full = evaluate(inventory, inputs.policies, inputs.profile, now=datetime.now(UTC))
    result = evaluate(inventory, subset, inputs.profile, now=datetime.now(UTC))
    result = record_selection(result, sel, outcome.left_out, inputs.policies.policies)

    assert {f.policy_id for f in result.findings} == {"AWS-S3-001"}
    assert result.selection is not None and result.selection.checks == ["AWS-S3-001"]
    assert {i.policy_id for i in result.selection.left_out} == {p.id for p in candidates} - {
        "AWS-S3-001"
    }
    rest = next(p for p in result.promises if p.id == "encryption-at-rest")
    assert rest.left_out and "AWS-S3-001" not in rest.left_out
    assert rest.verdict == "ERROR" and rest.note and rest.note.startswith("Partial:")
    # without the selection the same promise is NOT_APPLICABLE: the partial run says less
    assert next(p for p in full.promises if p.id == "encryption-at-rest").verdict == (
        "NOT_APPLICABLE"
    )
    assert all(p.verdict != "PASS" for p in result.promises if p.left_out)
    guards = {s.key: s for s in result.safeguards}
    assert guards["encryption-at-rest"].left_out and guards["encryption-at-rest"].verdict == "ERROR"


# -- end to end: scan over moto, then evaluate on the snapshot it wrote ------------------------


def _cli(args: list[str]) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.e2e
def test_scan_and_evaluate_judge_only_the_selected_checks(aws: AwsEmulator, tmp_path: Path) -> None:  # noqa: F811
    from baa_audit_sample.aws.seed_encryption import EXPECTED, seed_encryption

    seed_encryption(aws.endpoint)
    out = tmp_path / "scan"
    code, _, stderr = _cli(
        [
            "scan",
            "--provider",
            "aws",
            "--regions",
            "us-east-1,us-west-2",
            "--out",
            str(out),
            "--no-history",
            "--checks",
            "AWS-S3-*",
            "--check",
            "AWS-RDS-001,AWS-RDS-002",
            "--skip-checks",
            "AWS-S3-002",
            "--severity",
            "high,critical",
        ]
    )
    assert code == 1, stderr
    result = json.loads((out / "result.json").read_text())
    judged = {f["policy_id"] for f in result["findings"]}
    assert judged == {"AWS-S3-001", "AWS-S3-004", "AWS-S3-005", "AWS-RDS-001", "AWS-RDS-002"}
    named = {
        (f["policy_id"], f["resource"].get("name"), f["status"])
        for f in result["findings"]
        if f["resource"]["id"] != "*"
    }
    assert named == {e for e in EXPECTED if e[0] in judged}
    selection = result["selection"]
    assert selection["checks"] == ["AWS-S3-*", "AWS-RDS-001", "AWS-RDS-002"]
    assert selection["skip_checks"] == ["AWS-S3-002"]
    assert selection["severity"] == ["high", "critical"]
    left = {i["policy_id"]: i["reason"] for i in selection["left_out"]}
    assert left["AWS-S3-002"] == "--skip-checks AWS-S3-002"
    assert left["AWS-EBS-002"] == "not in --checks"
    assert not judged & set(left)
    for promise in result["promises"]:
        if promise["left_out"]:
            assert promise["verdict"] != "PASS", promise
    # the report shows the selection too
    markdown = (out / "report.md").read_text()
    assert "- Selection: --checks AWS-S3-\\*,AWS-RDS-001,AWS-RDS-002" in markdown
    assert "(partial:" in markdown
    assert "partial" in stderr

    # the snapshot the scan wrote, judged again with another narrowing
    again = tmp_path / "evaluate"
    code, _, stderr = _cli(
        [
            "evaluate",
            str(out / "snapshot.jsonl"),
            "--out",
            str(again),
            "--no-history",
            "--services",
            "rds",
            "--skip-check",
            "AWS-RDS-01*",
            "--severity",
            "high",
        ]
    )
    assert code == 1, stderr
    result = json.loads((again / "result.json").read_text())
    judged = {f["policy_id"] for f in result["findings"]}
    rds = {
        p.id
        for p in POLICIES.policies
        if service_of(p) == "aws.rds" and p.doc.severity == "high" and "-RDS-01" not in p.id
    }
    assert judged and judged <= rds
    assert result["selection"]["services"] == ["rds"]
    assert any(
        i["reason"] == "service aws.s3 not in --services" for i in result["selection"]["left_out"]
    )
    assert any(i["reason"] == "--skip-checks AWS-RDS-01*" for i in result["selection"]["left_out"])


@pytest.mark.parametrize("command", ["evaluate", "scan"])
def test_a_selection_naming_nothing_is_an_input_error(command: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = (
        ["evaluate", str(tmp_path / "snapshot.jsonl")]
        if command == "evaluate"
        else ["scan", "--provider", "aws"]
    )
    code, _, stderr = _cli(
        [
            *args,
            "--out",
            str(out),
            "--checks",
            "AWS-S3-0001",
            "--services",
            "s3x",
            "--severity",
            "urgent",
        ]
    )
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 3, stderr
    assert lines[0].startswith(
        "baa-audit: error: --checks: unknown policy id 'AWS-S3-0001'; did you mean AWS-S3-001, "
    )
    assert lines[1:] == [
        "baa-audit: error: --services: unknown service 's3x'; did you mean s3?",
        "baa-audit: error: --severity: unknown severity 'urgent' (severities: critical, high, "
        "medium, low, info)",
    ]
    assert not out.exists()  # nothing written, nothing collected


def test_a_selection_that_leaves_nothing_to_run_is_an_input_error(tmp_path: Path) -> None:
    from tests.cli.test_table import _snapshot

    snapshot = _snapshot(tmp_path / "snapshot.jsonl")
    # AWS-RDS-003 exists, but the strict profile promises no customer-managed keys
    code, _, stderr = _cli(
        ["evaluate", str(snapshot), "--out", str(tmp_path / "out"), "--checks", "AWS-RDS-003"]
    )
    assert code == 2
    assert "the selection leaves nothing to run: none of the" in stderr
    assert "under profile 'strict' for aws" in stderr
    assert not (tmp_path / "out").exists()
    # on Terraform: GCP-IAM-001 reads IAM bindings, which Terraform resources do not carry
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text("")
    code, _, stderr = _cli(
        ["iac", str(tmp_path / "tf"), "--out", str(tmp_path / "iac"), "--checks", "GCP-IAM-001"]
    )
    assert code == 2 and "policies that run on Terraform under profile 'strict'" in stderr
    assert not (tmp_path / "iac").exists()


def test_contractual_items_follow_the_selection() -> None:
    """The contractual items (BAA-<PROMISE>) are checks like any other: --checks names them,
    --services contract picks them, and a selection that leaves them out records why."""
    from auditor.judge.selection import Selection, contract_ids, narrow_contract

    inputs = load_inputs("strict", selection=Selection.of(checks=["BAA-RISK-ANALYSIS"]))
    assert "BAA-RISK-ANALYSIS" in contract_ids(inputs.profile)
    narrowed, left = narrow_contract(inputs.profile, inputs.selection)
    kept = [p.id for p in narrowed.profile.promises if p.manual_evidence]
    assert kept == ["risk-analysis"]
    assert {i.policy_id: i.reason for i in left}["BAA-WORKFORCE-TRAINING"] == "not in --checks"

    only_s3 = Selection.of(checks=["AWS-S3-*"])
    narrowed, left = narrow_contract(inputs.profile, only_s3)
    assert not [p for p in narrowed.profile.promises if p.manual_evidence]
    assert {i.policy_id for i in left} == set(contract_ids(inputs.profile))

    contract = Selection.of(services=["contract"])
    narrowed, left = narrow_contract(inputs.profile, contract)
    assert left == []

    with pytest.raises(ValidationFailed, match="BAA-NO-SUCH"):
        load_inputs("strict", selection=Selection.of(checks=["BAA-NO-SUCH"]))
