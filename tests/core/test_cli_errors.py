"""Every CLI input error prints one clear line, exits 2 and leaves the output directory untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli

from .test_snapshot import sample_inventory


def snapshot_tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    (directory / "keep.txt").write_text("previous run")
    return directory


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


def good_snapshot(tmp_path: Path) -> Path:
    from auditor.core.inventory import dump_snapshot

    inv = sample_inventory()
    inv.resources = [r for r in inv.resources if r.resource_type != "aws.test.listener"]
    inv.listing_gaps = []
    inv.coverage = []
    path = tmp_path / "good.jsonl"
    dump_snapshot(inv, path)
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


CASES = {
    "missing snapshot": lambda t: ["evaluate", str(t / "nope.jsonl"), "--out", "{out}"],
    "malformed snapshot": lambda t: [
        "evaluate",
        str(write(t, "bad.jsonl", "{oops\n")),
        "--out",
        "{out}",
    ],
    "unknown profile": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--profile",
        "nosuch",
        "--out",
        "{out}",
    ],
    "missing profile file": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--profile",
        str(t / "p.yaml"),
        "--out",
        "{out}",
    ],
    "malformed profile yaml": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--profile",
        str(write(t, "p.yaml", "id: x\npromises: [\n")),
        "--out",
        "{out}",
    ],
    "invalid profile": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--profile",
        str(
            write(
                t,
                "p.yaml",
                "id: x\ntitle: t\nbaa: {name: n}\npromises:\n  - {id: a, clause: c, safeguards: [nope]}\n",
            )
        ),
        "--out",
        "{out}",
    ],
    "malformed waivers": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--waivers",
        str(write(t, "w.yaml", "waivers:\n  - {id: W1, policy: X}\n")),
        "--out",
        "{out}",
    ],
    "missing waivers": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--waivers",
        str(t / "w.yaml"),
        "--out",
        "{out}",
    ],
    "unknown format": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--format",
        "docx",
        "--out",
        "{out}",
    ],
    "missing result": lambda t: ["report", str(t / "result.json"), "--out", "{out}"],
    "malformed result": lambda t: ["report", str(write(t, "result.json", "{}")), "--out", "{out}"],
    "bad gcp scope": lambda t: [
        "scan",
        "--provider",
        "gcp",
        "--gcp-scope",
        "acme",
        "--out",
        "{out}",
    ],
    "gcp without scope": lambda t: ["scan", "--provider", "gcp", "--out", "{out}"],
    "bad shard": lambda t: ["scan", "--provider", "aws", "--shard", "9/2", "--out", "{out}"],
    "missing policy dir": lambda t: [
        "evaluate",
        str(good_snapshot(t)),
        "--policies",
        str(t / "nope"),
        "--out",
        "{out}",
    ],
    "unknown provider": lambda t: ["scan", "--provider", "azure", "--out", "{out}"],
    "profile validate missing": lambda t: ["profile", "validate", str(t / "nope.yaml")],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_input_error_exits_2_and_writes_nothing(name: str, tmp_path: Path, out: Path) -> None:
    before = snapshot_tree(out)
    args = [a.replace("{out}", str(out)) for a in CASES[name](tmp_path)]
    inputs_before = snapshot_tree(tmp_path)
    code, stderr = run(args, tmp_path)
    assert code == 2, stderr
    assert snapshot_tree(out) == before
    assert snapshot_tree(tmp_path) == inputs_before
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "an error must be explained"
    assert len(lines) <= 3, stderr
    assert "Traceback" not in stderr


def test_error_message_names_file_and_line(tmp_path: Path, out: Path) -> None:
    profile = write(
        tmp_path,
        "p.yaml",
        "id: x\ntitle: t\nbaa: {name: n}\npromises:\n  - {id: a, clause: c, safeguards: [nope]}\n",
    )
    code, stderr = run(["profile", "validate", str(profile)], tmp_path)
    assert code == 2
    assert f"{profile}:5: unknown safeguard 'nope'" in stderr


def test_profile_validate_accepts_shipped_profiles(tmp_path: Path) -> None:
    from auditor.judge.profile import shipped_profiles

    for path in shipped_profiles().values():
        code, stderr = run(["profile", "validate", str(path)], tmp_path)
        assert code == 0, stderr
