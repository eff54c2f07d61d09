"""Sharding a GCP organization through the CLI: `scan --shard K/3` three times, then `merge`.

The real Cloud Asset client talks over HTTP to the emulated sample organization (three projects
under folders, organization-level IAM and org policies, cross-project log sinks). Each shard
reports only the findings of the accounts it owns, and the merged shards equal one unsharded
scan, finding for finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("google.cloud.asset_v1", reason="needs the gcp extra")

from baa_audit_sample.gcp import run_emulator

from auditor.cli import cli
from auditor.cli.pipeline import load_result
from auditor.core.shard import shard_of

SHARDS = 3


def _scan(endpoint: str, scope: str, out: Path, *extra: str) -> int:
    res = CliRunner().invoke(
        cli,
        [
            "scan",
            "--provider",
            "gcp",
            "--gcp-scope",
            scope,
            "--gcp-endpoint",
            endpoint,
            "--out",
            str(out),
            "--no-history",
            "--quiet",
            *extra,
        ],
        catch_exceptions=False,
    )
    assert res.exit_code in (0, 1, 3), res.stderr
    return res.exit_code


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gcp-shards")
    with run_emulator() as (endpoint, scope):
        _scan(endpoint, scope, root / "whole")
        for k in range(1, SHARDS + 1):
            _scan(endpoint, scope, root / f"shard-{k}", "--shard", f"{k}/{SHARDS}")
    return root


def test_each_shard_carries_its_label_and_reports_only_its_accounts(runs: Path) -> None:
    whole = load_result(runs / "whole" / "result.json")
    owners: set[int] = set()
    for k in range(1, SHARDS + 1):
        part = load_result(runs / f"shard-{k}" / "result.json")
        assert part.scope.shard == f"{k}/{SHARDS}"
        assert part.findings, f"shard {k} reported nothing"
        for f in part.findings:
            if f.resource.id == "*" and f.message.startswith("Not assessed: no listing of "):
                continue  # "nothing collected" names the whole scope; merge keeps one
            assert shard_of(f.resource.account, SHARDS) == k, f.resource
            owners.add(k)
    # the sample organization spreads over more than one shard, or this test proves little
    assert len(owners) > 1
    # projects and the organization both appear, each in exactly one shard
    accounts = {f.resource.account for f in whole.findings}
    assert any(a.startswith("organizations/") for a in accounts)
    assert len({a for a in accounts if not a.startswith(("organizations/", "folders/"))}) >= 3


def test_merged_shards_equal_the_unsharded_scan(runs: Path) -> None:
    files = [str(runs / f"shard-{k}" / "result.json") for k in range(1, SHARDS + 1)]
    out = runs / "merged"
    res = CliRunner().invoke(cli, ["merge", *files, "--out", str(out), "--no-history", "--quiet"])
    assert res.exit_code in (0, 1, 3), res.stderr
    merged = load_result(out / "result.json")
    whole = load_result(runs / "whole" / "result.json")
    assert merged.findings == whole.findings
    assert merged.summary == whole.summary
    assert merged.promises == whole.promises
    assert merged.safeguards == whole.safeguards
    assert merged.scope.gcp_projects == whole.scope.gcp_projects
    assert merged.scope.shard is None


def test_a_missing_shard_is_refused(runs: Path) -> None:
    files = [str(runs / f"shard-{k}" / "result.json") for k in (1, 2)]
    res = CliRunner().invoke(cli, ["merge", *files, "--out", str(runs / "partial")])
    assert res.exit_code == 2
    assert f"missing 3/{SHARDS}" in res.stderr
    assert not (runs / "partial").exists()
