"""attest template|validate, evaluate --attestations, bundle and verify, through the CLI."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner

from auditor.cli import cli
from auditor.evidence.bundle import MANIFEST, bundle_bytes
from auditor.evidence.history import History

from .conftest import entry

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "attestations"


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# -- template -----------------------------------------------------------------------------------
def test_template_lists_every_attestation_the_profile_needs_with_its_clause(tmp_path: Path) -> None:
    out = tmp_path / "attestations.yaml"
    made = invoke("attest", "template", "--profile", "strict", "--out", out)
    assert made.exit_code == 0, made.output
    text = out.read_text()
    data = yaml.safe_load(text)
    assert data["profile"] == "strict" and data["version"] == 1
    ids = [e["id"] for e in data["attestations"]]
    assert len(ids) == len(set(ids))
    promises = {e.get("promise") for e in data["attestations"]} - {None}
    assert promises == {
        "subcontractors",
        "risk-analysis",
        "workforce-training",
        "breach-notification",
        "return-or-destruction",
    }
    vendors = [e["scope"]["vendors"] for e in data["attestations"] if "scope" in e]
    assert vendors == [["gcp"], ["cloudflare"], ["stripe"], ["resend"]]
    policies = {e.get("policy") for e in data["attestations"]} - {None}
    assert {"GCP-AI-003", "AWS-APIGW-005", "GCP-ACM-004", "GCP-GCE-014"} <= policies
    # the clause each one answers, quoted, with the contractual parameter
    assert "in no case later than 30 calendar days after discovery" in text
    assert "#   breach_notification_days = 30" in text
    assert "# Attach: The approved breach-notification procedure" in text
    # the skeleton is not yet valid: every blank is a located mistake
    checked = invoke("attest", "validate", out)
    assert checked.exit_code == 2
    mistakes = [
        line for line in checked.output.splitlines() if line.startswith("baa-audit: error:")
    ]
    assert len(mistakes) == 4 * len(ids)  # document, signed_by, signed_on, review_by each
    assert all(re.match(rf"baa-audit: error: {re.escape(str(out))}:\d+: ", m) for m in mistakes)
    # refuses to overwrite
    again = invoke("attest", "template", "--profile", "strict", "--out", out)
    assert again.exit_code == 2 and "use --force" in again.output


def test_template_by_provider_and_to_stdout() -> None:
    aws = invoke("attest", "template", "--profile", "hipaa-baseline", "--provider", "aws")
    assert aws.exit_code == 0
    data = yaml.safe_load(aws.output)
    policies = [e["policy"] for e in data["attestations"] if "policy" in e]
    assert policies and all(p.startswith("AWS-") for p in policies)
    assert "in no case later than sixty (60) calendar days" in aws.output


def test_a_filled_template_validates(tmp_path: Path) -> None:
    out = tmp_path / "attestations.yaml"
    invoke("attest", "template", "--profile", "hipaa-baseline", "--provider", "gcp", "--out", out)
    (tmp_path / "evidence.md").write_text("signed\n")
    data = yaml.safe_load(out.read_text())
    for item in data["attestations"]:
        item.update(
            document="evidence.md",
            signed_by="Dana Whitfield",
            signed_on=date(2026, 3, 1),
            review_by=date(2099, 3, 1),
        )
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    checked = invoke("attest", "validate", out, "--profile", "hipaa-baseline")
    assert checked.exit_code == 0, checked.output
    assert (
        f"{len(data['attestations'])} attestations valid; {len(data['attestations'])} documents hashed"
        in checked.output
    )
    assert "sha256:" in checked.output
    assert "no attestation answers policy AWS-" in checked.output  # the AWS ones were left out


# -- validate -----------------------------------------------------------------------------------
def test_validate_the_shipped_example(tmp_path: Path) -> None:
    checked = invoke("attest", "validate", EXAMPLE / "attestations.yaml", "--profile", "strict")
    assert checked.exit_code == 2
    errors = [e for e in checked.output.splitlines() if e.startswith("baa-audit: error:")]
    assert len(errors) == 1
    assert "ATT-RETURN-OR-DESTRUCTION" in errors[0] and "no such file" in errors[0]
    assert (
        "ATT-WORKFORCE-TRAINING: evidence/workforce-training-2025.md was due for review on 2026-06-30"
        in checked.output
    )


def test_validate_checks_names_against_profile_and_policies(tmp_path: Path, folder) -> None:
    path = folder(
        [
            entry("A", "promise:no-such-promise", "d.md"),
            entry("B", "policy:NOPE-001", "d.md"),
            entry("C", "promise:breach-notification", "d.md", sha256="1" * 64),
            entry(
                "D",
                "promise:risk-analysis",
                "d.md",
                signed_on=date(2999, 1, 1),
                review_by=date(3000, 1, 1),
            ),
        ],
        {"d.md": "x"},
        profile="strict",
    )
    checked = invoke("attest", "validate", path, "--profile", "strict")
    assert checked.exit_code == 2
    assert "profile strict makes no promise 'no-such-promise'" in checked.output
    assert "unknown policy 'NOPE-001'" in checked.output
    assert "the attestations file records " + "1" * 64 in checked.output
    assert "signed_on 2999-01-01 is in the future" in checked.output
    other = invoke("attest", "validate", path, "--profile", "hipaa-baseline")
    assert "written for profile 'strict', not 'hipaa-baseline'" in other.output


# -- evaluate, bundle, verify -------------------------------------------------------------------
def _evaluate(snapshot: Path, out: Path, attestations: Path, *extra: str):
    return invoke(
        "evaluate",
        snapshot,
        "--profile",
        "strict",
        "--attestations",
        attestations,
        "--out",
        out,
        "--format",
        "json,html,markdown",
        *extra,
    )


def test_evaluate_copies_documents_and_links_them(tmp_path: Path, folder, snapshot: Path) -> None:
    path = folder(
        [
            entry("ATT-BREACH", "promise:breach-notification", "evidence/breach procedure.md"),
            entry("ATT-AI", "policy:GCP-AI-003", "evidence/ai.md"),
        ],
        {"evidence/breach procedure.md": "v3\n", "evidence/ai.md": "terms\n"},
    )
    out = tmp_path / "out"
    ran = _evaluate(snapshot, out, path)
    assert ran.exit_code in (1, 3), ran.output
    result = json.loads((out / "result.json").read_text())
    assert result["schema_version"] == "1.1"
    assert (
        result["inputs"]["attestations"]
        == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    )
    records = {r["id"]: r for r in result["attestations"]}
    place = records["ATT-BREACH"]["bundle_path"]
    assert re.fullmatch(r"attestations/[0-9a-f]{16}/breach_procedure\.md", place)
    assert (out / place).read_text() == "v3\n"
    assert (out / "attestations" / "attestations.yaml").read_bytes() == path.read_bytes()
    attested = [f for f in result["findings"] if f["status"] == "ATTESTED"]
    assert {f["policy_id"] for f in attested} == {"BAA-BREACH-NOTIFICATION", "GCP-AI-003"}
    assert result["summary"]["ATTESTED"] == 2
    page = (out / "report.html").read_text()
    assert f'<a href="{place}">evidence/breach procedure.md</a>' in page
    assert records["ATT-BREACH"]["sha256"] in page
    assert "Dana Whitfield, Privacy Officer" in page
    markdown = (out / "report.md").read_text()
    assert "## Attestations" in markdown and records["ATT-AI"]["sha256"] in markdown
    assert "(breach\\_notification\\_days = 30)" in markdown  # the window, with its clause
    # a second run without one of the documents leaves no stale copy behind
    path2 = folder(
        [entry("ATT-AI", "policy:GCP-AI-003", "evidence/ai.md")], {"evidence/ai.md": "terms\n"}
    )
    assert _evaluate(snapshot, out, path2).exit_code in (1, 3)
    assert not (out / place).exists()


def test_evaluate_refuses_a_file_for_another_profile(tmp_path: Path, folder, snapshot) -> None:
    path = folder(
        [entry("A", "promise:breach-notification", "d.md")], {"d.md": "x"}, profile="acme"
    )
    out = tmp_path / "out"
    ran = _evaluate(snapshot, out, path)
    assert ran.exit_code == 2
    assert "written for profile 'acme'; this run is against 'strict'" in ran.output
    assert not out.exists()


def test_evaluate_refuses_unknown_policies_and_warns_about_foreign_promises(
    tmp_path: Path, folder, snapshot
) -> None:
    bad = folder([entry("A", "policy:GCP-AI-999", "d.md")], {"d.md": "x"})
    ran = _evaluate(snapshot, tmp_path / "out", bad)
    assert ran.exit_code == 2 and "unknown policy 'GCP-AI-999'" in ran.output
    assert not (tmp_path / "out").exists()
    foreign = folder([entry("A", "promise:tenant-isolation", "d.md")], {"d.md": "x"})
    ran = _evaluate(snapshot, tmp_path / "out", foreign)
    assert ran.exit_code in (1, 3)
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert any("makes no promise 'tenant-isolation'" in w for w in result["warnings"])


def _rezip(
    bundle: Path, target: Path, change: dict[str, bytes], drop: set[str] = frozenset()
) -> None:
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info, change.get(info.filename, zin.read(info.filename)))
        zout.comment = zin.comment


def test_bundle_carries_the_documents_and_verify_catches_an_edited_one(
    tmp_path: Path, folder, snapshot
) -> None:
    path = folder(
        [entry("ATT-BREACH", "promise:breach-notification", "evidence/breach.md")],
        {"evidence/breach.md": "v3\n"},
    )
    out = tmp_path / "out"
    _evaluate(snapshot, out, path, "--no-history")
    bundle = tmp_path / "evidence.zip"
    made = invoke("bundle", out, "--out", bundle)
    assert made.exit_code == 0, made.output
    result = json.loads((out / "result.json").read_text())
    place = result["attestations"][0]["bundle_path"]
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {place, "attestations/attestations.yaml", "report.html"} <= names
    # no key: integrity only (exit 4), every file and document as the manifest and result say
    assert invoke("verify", bundle).exit_code == 4

    edited = tmp_path / "edited.zip"
    _rezip(bundle, edited, {place: b"v4, backdated\n"})
    checked = invoke("verify", edited)
    assert checked.exit_code == 1
    assert f"changed: {place}" in checked.output

    # the document and the manifest both swapped (an unsigned bundle re-made): result.json
    # still records the document's digest
    with zipfile.ZipFile(bundle) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if n != MANIFEST}
    files[place] = b"v4, backdated\n"
    remade = tmp_path / "remade.zip"
    remade.write_bytes(bundle_bytes(files, tool_version="x"))
    checked = invoke("verify", remade)
    assert checked.exit_code == 1
    assert (
        f"changed: {place} (attestation ATT-BREACH: SHA-256 differs from the one result.json records)"
        in checked.output
    )

    files.pop(place)
    removed = tmp_path / "removed.zip"
    removed.write_bytes(bundle_bytes(files, tool_version="x"))
    checked = invoke("verify", removed)
    assert checked.exit_code == 1 and f"missing: {place}" in checked.output


def test_bundle_refuses_a_directory_whose_documents_are_gone(
    tmp_path: Path, folder, snapshot
) -> None:
    path = folder([entry("A", "promise:breach-notification", "d.md")], {"d.md": "x"})
    out = tmp_path / "out"
    _evaluate(snapshot, out, path, "--no-history")
    shutil.rmtree(out / "attestations")
    made = invoke("bundle", out)
    assert made.exit_code == 2
    assert "cannot bundle: missing attestations/attestations.yaml" in made.output
    assert not (out / "evidence-bundle.zip").exists()


def test_history_records_attested_counts_and_migrates_old_databases(
    tmp_path: Path, folder, snapshot
) -> None:
    old = tmp_path / "old.sqlite"
    with History(old):
        pass
    with sqlite3.connect(old) as conn:  # make it a version-1 database, as before ATTESTED
        conn.execute("DELETE FROM schema_migrations WHERE version > 1")
        conn.execute("ALTER TABLE runs DROP COLUMN attested")
    path = folder([entry("A", "promise:breach-notification", "d.md")], {"d.md": "x"})
    ran = _evaluate(snapshot, tmp_path / "out", path, "--history", old)
    assert ran.exit_code in (1, 3)
    with History(old, create=False) as store:
        assert store.schema_version() == 2
        (row,) = store.runs()
        assert row.summary["ATTESTED"] == 1
        again = store.load(row.id)
    assert again.count("ATTESTED") == 1 and again.attestations[0].id == "A"
