"""One AWS account sharded by region through the CLI: `scan --shard K/2`, then `merge`.

Shard 1 holds the first region and the global services (IAM, CloudFront, Organizations), shard 2
the second region. Over moto's server, the merged shards equal one unsharded scan.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from auditor.cli import cli
from auditor.cli.pipeline import load_result

from .conftest import REGIONS, AwsEmulator


def _scan(out: Path, *extra: str) -> None:
    res = CliRunner().invoke(
        cli,
        [
            *("scan", "--provider", "aws", "--regions", REGIONS, "--out", str(out)),
            *("--no-history", "--quiet", *extra),
        ],
        catch_exceptions=False,
    )
    assert res.exit_code in (0, 1, 3), res.stderr


def test_region_shards_merge_to_the_unsharded_scan(aws: AwsEmulator, tmp_path: Path) -> None:
    from baa_audit_sample.aws.seed_encryption import seed_encryption

    seed_encryption(aws.endpoint)
    _scan(tmp_path / "whole")
    for k in (1, 2):
        _scan(tmp_path / f"shard-{k}", "--shard", f"{k}/2")
    parts = [load_result(tmp_path / f"shard-{k}" / "result.json") for k in (1, 2)]
    assert [p.scope.shard for p in parts] == ["1/2", "2/2"]
    assert [p.scope.aws_regions for p in parts] == [["us-east-1"], ["us-west-2"]]

    res = CliRunner().invoke(
        cli,
        [
            "merge",
            *(str(tmp_path / f"shard-{k}" / "result.json") for k in (1, 2)),
            *("--out", str(tmp_path / "merged"), "--no-history", "--quiet"),
        ],
    )
    assert res.exit_code in (0, 1, 3), res.stderr
    merged = load_result(tmp_path / "merged" / "result.json")
    whole = load_result(tmp_path / "whole" / "result.json")
    assert merged.findings == whole.findings
    assert merged.summary == whole.summary
    assert merged.promises == whole.promises
    assert merged.scope.aws_regions == whole.scope.aws_regions
