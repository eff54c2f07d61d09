"""End to end: a scan of the demo emulators with the shipped sample attestations.

The demo environment (moto's server and the GCP emulator, on 127.0.0.1) is scanned by
``baa-audit scan`` in a subprocess, with ``docs/examples/attestations/attestations.yaml`` and
``--bundle``. Every MANUAL finding of the demo becomes ATTESTED, except the two entries that are
wrong on purpose: the overdue workforce-training review (FAIL) and the missing return-or-
destruction document (ERROR). Then ``verify`` catches a document edited inside the bundle.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "attestations"
#: The sample was written on this day; its dates move with the calendar so that what is current
#: and what is overdue stays as written on any day the test runs.
WRITTEN = date(2026, 12, 3)
_DATED = re.compile(r"^(\s*(?:signed_on|review_by): )(\d{4}-\d{2}-\d{2})", re.MULTILINE)


def shifted_copy(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target)
    path = target / "attestations.yaml"
    delta = date.today() - WRITTEN

    def move(match: re.Match[str]) -> str:
        return match.group(1) + (date.fromisoformat(match.group(2)) + delta).isoformat()

    path.write_text(_DATED.sub(move, path.read_text()))
    return path


def cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "auditor.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("moto", reason="the demo extra is installed with the test tools")
    from baa_audit_sample import DEMO_AWS_REGIONS, environment, patched_env

    work = tmp_path_factory.mktemp("attested-demo")
    attestations = shifted_copy(work / "compliance")
    out = work / "out"
    bundle = work / "evidence.zip"
    with patched_env({"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}), environment("all") as (_, options):
        env = {k: v for k, v in os.environ.items() if not k.startswith("BAA_AUDIT_")}
        sources = [arg for s in options.gcp_sources or [] for arg in ("--gcp-source", s)]
        proc = cli(
            "scan",
            "--provider",
            "all",
            "--regions",
            ",".join(DEMO_AWS_REGIONS),
            "--gcp-scope",
            options.gcp_scope,
            "--gcp-endpoint",
            options.gcp_endpoint,
            *sources,
            "--sample-logs",
            "--profile",
            "strict",
            "--attestations",
            attestations,
            "--out",
            out,
            "--format",
            "json,html,markdown",
            "--bundle",
            bundle,
            "--no-history",
            "--quiet",
            env=env,
        )
    # the same snapshot judged without attestations: the demo's MANUAL findings
    plain = cli(
        "evaluate", out / "snapshot.jsonl", "--profile", "strict", "--out", work / "plain",
        "--no-history", "--quiet",
    )  # fmt: skip
    return out, bundle, proc, plain, work


def _findings(path: Path) -> dict[tuple[str, str, str], dict]:
    result = json.loads(path.read_text())
    return {
        (f["policy_id"], f["resource"]["account"], f["resource"]["id"]): f
        for f in result["findings"]
    }


def test_the_demo_s_manual_findings_become_attested_overdue_fail_missing_error(scanned) -> None:
    out, _, proc, plain, work = scanned
    assert proc.returncode == 1, proc.stderr[-3000:]  # the demo fails on purpose; the FAIL counts
    assert plain.returncode in (1, 3), plain.stderr[-2000:]
    before = _findings(work / "plain" / "result.json")
    after = _findings(out / "result.json")
    assert before.keys() == after.keys()
    manual = {k for k, f in before.items() if f["status"] == "MANUAL"}
    assert len(manual) >= 20  # policies over both clouds, and the contractual items
    assert {k[0] for k in manual} >= {
        "GCP-AI-003",
        "AWS-APIGW-005",
        "GCP-GCE-014",
        "BAA-SUBCONTRACTORS",
        "BAA-BREACH-NOTIFICATION",
    }
    outcome = {k: after[k]["status"] for k in manual}
    failed = {k for k, s in outcome.items() if s == "FAIL"}
    errored = {k for k, s in outcome.items() if s == "ERROR"}
    assert [k[0] for k in failed] == ["BAA-WORKFORCE-TRAINING"]
    assert [k[0] for k in errored] == ["BAA-RETURN-OR-DESTRUCTION"]
    assert all(s == "ATTESTED" for k, s in outcome.items() if k not in failed | errored)
    # nothing else moved: an attestation answers only MANUAL findings
    for key, finding in before.items():
        if key not in manual:
            assert after[key]["status"] == finding["status"], key

    (fail_key,) = failed
    overdue = after[fail_key]
    shifted = (date(2026, 6, 30) + (date.today() - WRITTEN)).isoformat()
    assert (
        f"evidence/workforce-training-2025.md was due for review on {shifted}" in overdue["message"]
    )
    (error_key,) = errored
    assert "evidence/return-or-destruction-procedure.pdf" in after[error_key]["message"]

    result = json.loads((out / "result.json").read_text())
    assert result["summary"]["MANUAL"] == 0
    assert result["summary"]["ATTESTED"] == len(manual) - 2
    verdicts = {p["id"]: p["verdict"] for p in result["promises"]}
    assert verdicts["breach-notification"] == "ATTESTED"
    assert verdicts["risk-analysis"] == "ATTESTED"
    assert verdicts["workforce-training"] == "FAIL"
    assert verdicts["return-or-destruction"] == "ERROR"
    assert "attestations" in result["inputs"]
    assert len(result["attestations"]) == 14


def test_reports_show_each_attestation_beside_what_it_answers(scanned) -> None:
    out, _, _, _, _ = scanned
    result = json.loads((out / "result.json").read_text())
    page = (out / "report.html").read_text()
    for record in result["attestations"]:
        if record["bundle_path"]:
            assert f'href="{record["bundle_path"]}"' in page
            assert (out / record["bundle_path"]).is_file()
        if record["sha256"]:
            assert record["sha256"] in page
    breach = next(f for f in result["findings"] if f["policy_id"] == "BAA-BREACH-NOTIFICATION")
    assert breach["attestation"]["signed_by"] == "Dana Whitfield, Privacy Officer"
    assert breach["evidence"]["promised.breach_notification_days"] == 30
    markdown = (out / "report.md").read_text()
    assert "## Attested (answered by a document, not read from a cloud)" in markdown
    assert "breach\\_notification\\_days = 30" in markdown


def test_the_bundle_carries_the_documents_and_verify_catches_an_edit(scanned) -> None:
    out, bundle, _, _, work = scanned
    result = json.loads((out / "result.json").read_text())
    places = sorted({r["bundle_path"] for r in result["attestations"] if r["bundle_path"]})
    # 14 entries: one document missing, one URL (never fetched), two entries share a document
    assert len(places) == 11
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert set(places) <= names and "attestations/attestations.yaml" in names
    ok = cli("verify", bundle)
    # no key: integrity only (exit 4); every file and document is as manifest and result say
    assert ok.returncode == 4, ok.stderr
    assert "integrity only, signer not checked" in ok.stdout
    edited = work / "edited.zip"
    place = next(p for p in places if p.endswith("breach-notification-procedure.md"))
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(edited, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == place:
                data = data.replace(b"30", b"60")  # the window quietly widened
            zout.writestr(info, data)
        zout.comment = zin.comment
    bad = cli("verify", edited)
    assert bad.returncode == 1
    assert f"changed: {place}" in bad.stderr
    assert "NOT VERIFIED" in bad.stderr
