"""``profile validate`` and ``policies test`` report every mistake at once; ``policies test``
runs just the policies named (ids, globs, or your own directory)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import cli
from auditor.judge.policy.loader import load_default_policies

BAD_PROFILE = """\
id: acme
title: ACME
baa: {name: ACME BAA}
colour: blue
promises:
  - id: transit
    clause: "TLS"
    safeguards: [transmission-security, not-a-safeguard]
    parameters: {min_tls_version: "1.9"}
  - id: transit
    clause: "again"
    safeguards: [nope]
    parameters: {session_absolute_max_seconds: -5, bogus: 1, min_tls_version: "1.2"}
"""


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_profile_validate_reports_every_mistake_at_once(tmp_path: Path) -> None:
    profile = tmp_path / "acme.yaml"
    profile.write_text(BAD_PROFILE)
    code, _, stderr = _run("profile", "validate", str(profile))
    assert code == 2
    problems = [line.removeprefix(f"baa-audit: error: {profile}:") for line in stderr.splitlines()]
    assert [p.split(":", 1)[0] for p in problems] == ["4", "8", "9", "10", "12", "13", "13", "13"]
    text = "\n".join(problems)
    for expected in (
        "colour: unknown key",  # schema
        "unknown safeguard 'not-a-safeguard'",  # beyond the schema, reported with it
        "promises.0.parameters.min_tls_version: Input should be",
        "duplicate promise id 'transit'",
        "unknown safeguard 'nope'",
        "parameter 'min_tls_version' is already set by promise 'transit'",
        "promises.1.parameters.bogus: unknown key",
        "session_absolute_max_seconds: Input should be greater than or equal to 60",
    ):
        assert expected in text, expected


def test_policies_test_runs_only_the_policies_named() -> None:
    code, stdout, _ = _run("policies", "test", "--policies", "AWS-ELB-001")
    assert code == 0
    assert stdout.strip().endswith("failed (1 policies)")
    cases = int(stdout.split()[0])
    assert 4 <= cases < 20  # one policy's cases, not every shipped policy's
    everything = len(load_default_policies().policies)
    code, stdout, _ = _run("policies", "test", "AWS-S3-*", "--checks", "GCP-SQL-010")
    s3 = sum(1 for p in load_default_policies().policies if p.id.startswith("AWS-S3-"))
    assert code == 0 and stdout.strip().endswith(f"({s3 + 1} policies)")
    assert s3 + 1 < everything


def test_policies_test_names_every_unknown_id() -> None:
    code, _, stderr = _run("policies", "test", "AWS-S3-0011", "--policies", "GCP-NOPE-*,AWS-ELB-01")
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 3, stderr
    assert lines[0].startswith("baa-audit: error: policies test: unknown policy id 'AWS-S3-0011'")
    assert "'GCP-NOPE-*' matches no policy" in lines[1]
    assert lines[2].startswith(
        "baa-audit: error: policies test: unknown policy id 'AWS-ELB-01'; did you mean AWS-ELB-0"
    )


def test_policies_test_of_your_own_directory_runs_only_yours_and_goes_on(tmp_path: Path) -> None:
    shipped = load_default_policies()
    mine = tmp_path / "mine" / "aws" / "elbv2"
    mine.mkdir(parents=True)
    source = shipped.files["AWS-ELB-001"]
    for name, profile in (("ACME-ELB-001", "strict"), ("ACME-ELB-002", "no-such-profile")):
        (mine / f"{name}.yaml").write_text(source.read_text().replace("AWS-ELB-001", name))
        cases = source.with_name("AWS-ELB-001.cases.yaml").read_text()
        (mine / f"{name}.cases.yaml").write_text(f"profile: {profile}\n" + cases)
    code, stdout, _ = _run("policies", "test", "--policies", str(tmp_path / "mine"))
    assert code == 1
    lines = stdout.strip().splitlines()
    # the broken cases file is one failure; the other policy's cases still ran
    assert lines[0].startswith("FAIL ACME-ELB-002: cases file: unknown profile 'no-such-profile'")
    assert lines[-1].endswith("1 failed (2 policies)")
    assert int(lines[-1].split()[0]) >= 4
    shutil.rmtree(tmp_path / "mine")
