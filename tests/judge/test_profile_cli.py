"""profile from-baa, profile validate --strict and profile diff through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from auditor.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SHARED_BAA = ROOT / ".." / "shared" / "baa"
IMEPRO = SHARED_BAA / "imepro-baa.txt"
LITTLECLOUDS = SHARED_BAA / "littleclouds-baa.txt"
DATA = Path(__file__).parent / "data"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_from_baa_prints_a_draft_that_loads(tmp_path: Path) -> None:
    result = run("profile", "from-baa", str(IMEPRO), "--base", "strict")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# DRAFT profile")
    doc = yaml.safe_load(result.stdout)
    assert doc["draft"]["reviewed_by"] is None and doc["draft"]["approved_on"] is None
    assert doc["draft"]["base"] == "strict"
    assert "12 promises" in result.stderr and "6 sentences to review" in result.stderr
    path = tmp_path / "imepro.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    checked = run("profile", "validate", str(path))
    assert checked.exit_code == 0, checked.stderr
    assert "valid profile 'imepro' with 12 promises" in checked.stdout
    assert "draft.reviewed_by is empty" in checked.stderr
    assert "rests on its attestation" in checked.stderr


def test_strict_validation_refuses_a_draft_until_a_person_approves_it(tmp_path: Path) -> None:
    out = tmp_path / "littleclouds.yaml"
    assert run("profile", "from-baa", str(LITTLECLOUDS), "--out", str(out)).exit_code == 0
    refused = run("profile", "validate", "--strict", str(out))
    assert refused.exit_code == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"baa-audit: error: {out}:") for line in lines)
    assert "draft.reviewed_by is empty" in lines[0] and "draft.approved_on is empty" in lines[1]
    text = out.read_text(encoding="utf-8")
    text = text.replace("reviewed_by: null", "reviewed_by: Dana Privacy Officer")
    text = text.replace("approved_on: null", "approved_on: 2026-05-04")
    out.write_text(text, encoding="utf-8")
    approved = run("profile", "validate", "--strict", str(out))
    assert approved.exit_code == 0, approved.stderr
    assert "draft." not in approved.stderr


def test_shipped_profiles_pass_strict_validation() -> None:
    for name in ("strict", "hipaa-baseline"):
        path = ROOT / "policies" / "profiles" / f"{name}.yaml"
        result = run("profile", "validate", "--strict", str(path))
        assert result.exit_code == 0, result.stderr


def test_from_baa_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text("my own profile\n", encoding="utf-8")
    refused = run("profile", "from-baa", str(IMEPRO), "--out", str(out))
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        f"baa-audit: error: {out}: the profile file exists; use --force to overwrite it"
    )
    assert out.read_text(encoding="utf-8") == "my own profile\n"
    forced = run("profile", "from-baa", str(IMEPRO), "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert out.read_text(encoding="utf-8").startswith("# DRAFT profile")
    assert not [p for p in tmp_path.iterdir() if p.name != "draft.yaml"]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "latin1.txt",
            "Vendor shall use TLS 1.3 \u2013 café".encode("latin-1", "replace"),
            "not UTF-8",
        ),
        ("scan.txt", b"%PDF-1.7\x00\x01binary", "binary file"),
        ("menu.txt", b"Soup of the day.\n", "no promise recognised"),
        ("huge.txt", b"Vendor shall use TLS 1.3. " * 50_000, "the limit is"),
    ],
)
def test_unreadable_baas_are_one_line_and_exit_2(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    source = _write(tmp_path, name, data)
    out = tmp_path / "out.yaml"
    result = run("profile", "from-baa", str(source), "--out", str(out))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"baa-audit: error: {source}: ")
    assert message in lines[0]
    assert not out.exists()


def test_missing_baa_and_unknown_base(tmp_path: Path) -> None:
    missing = run("profile", "from-baa", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2
    assert (
        missing.stderr.strip() == f"baa-audit: error: {tmp_path / 'nope.txt'}: BAA file not found"
    )
    base = run("profile", "from-baa", str(IMEPRO), "--base", "nonesuch")
    assert base.exit_code == 2
    assert "unknown profile 'nonesuch'" in base.stderr


def test_html_and_markdown_are_read_by_their_names() -> None:
    page = run("profile", "from-baa", str(DATA / "trust-centre.html"))
    assert page.exit_code == 0, page.stderr
    assert yaml.safe_load(page.stdout)["draft"]["source_format"] == "html"
    markdown = run("profile", "from-baa", str(DATA / "sample-baa.md"), "--id", "example")
    assert markdown.exit_code == 0, markdown.stderr
    doc = yaml.safe_load(markdown.stdout)
    assert doc["id"] == "example" and doc["draft"]["source_format"] == "markdown"


def test_profile_diff_table_and_exit_code() -> None:
    result = run("profile", "diff", "hipaa-baseline", "strict")
    assert result.exit_code == 4
    out = result.stdout
    assert "+ session-management" in out
    assert "~ min_tls_version" in out and "1.2" in out and "1.3" in out
    assert "+ session_absolute_max_seconds" in out
    assert "+ ai-no-training" in out
    same = run("profile", "diff", "strict", "strict")
    assert same.exit_code == 0
    assert "The two profiles promise the same." in same.stdout


def test_profile_diff_json_between_two_baas() -> None:
    result = run("profile", "diff", str(IMEPRO), str(LITTLECLOUDS), "--format", "json")
    assert result.exit_code == 4
    diff = json.loads(result.stdout)
    changes = {(p["id_a"] or p["id_b"]): p["change"] for p in diff["promises"]}
    assert changes["session-management"] == "removed"
    assert changes["no-phi-in-logs"] == "removed"
    assert changes["tenant-isolation"] == "added"
    assert changes["encryption-in-transit"] == "changed"
    params = {p["name"]: p for p in diff["parameters"]}
    assert params["breach_notification_days"] == {
        "name": "breach_notification_days",
        "change": "changed",
        "a": 30,
        "b": 60,
        "promise_a": "breach-notification",
        "promise_b": "breach-notification",
    }
    assert params["min_tls_version"]["change"] == "removed"
    # LittleClouds also promises the Security Rule in general words ("appropriate safeguards",
    # "Subpart C"); IMEPro names the three kinds of safeguard (risk analysis, training)
    assert diff["safeguards_added"] == ["security-program", "tenant-isolation"]
    assert diff["a"]["baa"] == "IMEPro, Inc. Business Associate Agreement"


def test_profile_diff_pairs_promises_by_safeguards(tmp_path: Path) -> None:
    strict = (ROOT / "policies" / "profiles" / "strict.yaml").read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(
        strict.replace("id: ai-processing", "id: no-ai-training").replace(
            "id: strict", "id: renamed"
        ),
        encoding="utf-8",
    )
    result = run("profile", "diff", "strict", str(renamed), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert "ai-processing / no-ai-training" in json.loads(result.stdout)["same_promises"]


def test_reports_trace_each_clause_to_its_place_in_the_baa(tmp_path: Path) -> None:
    """clause -> promise -> policies -> findings, with where the clause is in the BAA file."""
    from tests.core.test_cli_errors import good_snapshot

    profile = tmp_path / "imepro.yaml"
    drafted = run("profile", "from-baa", str(IMEPRO), "--base", "strict", "--out", str(profile))
    assert drafted.exit_code == 0, drafted.stderr
    out = tmp_path / "out"
    result = run(
        "evaluate",
        str(good_snapshot(tmp_path)),
        "--profile",
        str(profile),
        "--out",
        str(out),
        "--format",
        "json,markdown,html",
        "--no-history",
    )
    assert result.exit_code in (0, 1, 3), result.stderr
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    with IMEPRO.open(encoding="utf-8", newline="") as handle:
        source = handle.read()
    assert doc["schema_version"] == "1.1"
    assert len(doc["promises"]) == 12
    for promise in doc["promises"]:
        at = promise["clause_offsets"]
        assert source[at["start"] : at["end"]] == promise["clause"], promise["id"]
    transit = next(p for p in doc["promises"] if p["id"] == "encryption-in-transit")
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert (
        "Quoted from imepro-baa.txt, &sect; 3. Security Measures, characters "
        f"{transit['clause_offsets']['start']}&ndash;{transit['clause_offsets']['end']}."
    ) in page
    markdown = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert f"(characters {transit['clause_offsets']['start']}-" in markdown


def test_profile_diff_never_prints_a_terminal_escape_from_a_baa(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "3. Security\nVendor shall use TLS 1.2 \x1b[2J\x1b]0;owned\x07 for all traffic.\n",
        encoding="utf-8",
    )
    result = run("profile", "diff", "strict", str(hostile))
    assert result.exit_code == 4
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\u001b[2J" in result.stdout
    drafted = run("profile", "from-baa", str(hostile))
    assert drafted.exit_code == 0
    assert "\x1b" not in drafted.stdout
