"""One test per hostile input the issue names: tampered summary, future schema, "yes" for a
boolean, duplicate keys, wildcard waivers, terminal escapes, a lone surrogate, secrets in old
files, partial output sets, unsigned bundles, an unwritable --out, an overflowing option."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import cli
from auditor.core.fileio import OUTPUTS_MANIFEST, OutputSet, sha256_file
from auditor.core.result import SUPPORTED_SCHEMA_VERSION
from tests.hostile import corpus
from tests.hostile.inputs import (
    PLANTED,
    PLANTED_PASSWORD,
    WAIVERS,
    evaluate_result,
    resnapshot,
    snapshot_lines,
    write_snapshot,
)

REPO = Path(__file__).resolve().parents[2]
VOL2 = "arn:aws:ec2:us-east-1:111111111111:volume/vol-2"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    return write_snapshot(tmp_path / "snapshot.jsonl")


@pytest.fixture
def result_file(tmp_path: Path, snapshot: Path) -> Path:
    return evaluate_result(snapshot, tmp_path / "run")


def _edit_snapshot(path: Path, target: Path, **data: object) -> Path:
    records = snapshot_lines(path)
    for record in records:
        if record.get("kind") == "resource" and record["data"]["id"] == VOL2:
            record["data"].update(data)
    return resnapshot(records, target)


# -- results are re-validated ---------------------------------------------------------------
def test_a_tampered_summary_is_refused_by_every_reader(tmp_path: Path, result_file: Path) -> None:
    data = json.loads(result_file.read_text())
    assert data["summary"]["FAIL"] > 0
    fails = data["summary"]["FAIL"]
    data["summary"]["FAIL"] = 0
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    for args in (
        ["report", tampered, "--out", tmp_path / "o1"],
        ["diff", tampered, result_file],
        ["merge", tampered, "--out", tmp_path / "o2"],
    ):
        res = invoke(*args)
        assert res.exit_code == 2, res.output
        assert f"{tampered}: result does not add up" in res.stderr
        assert f"summary says FAIL 0 (the findings hold {fails})" in res.stderr
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_a_promise_verdict_better_than_its_findings_is_refused(
    tmp_path: Path, result_file: Path
) -> None:
    data = json.loads(result_file.read_text())
    promise = next(p for p in data["promises"] if p["verdict"] == "FAIL")
    promise["verdict"] = "PASS"
    tampered = tmp_path / "result.json"
    tampered.write_text(json.dumps(data))
    res = invoke("report", tampered)
    assert res.exit_code == 2
    assert f"promise {promise['id']!r} verdict is PASS but its findings make it FAIL" in res.stderr


def test_a_future_schema_names_both_versions(tmp_path: Path, result_file: Path) -> None:
    data = json.loads(result_file.read_text())
    data["schema_version"] = "7.3"
    future = tmp_path / "future.json"
    future.write_text(json.dumps(data))
    res = invoke("report", future)
    assert res.exit_code == 2
    assert (
        f"schema_version 7.3 is newer than this tool supports ({SUPPORTED_SCHEMA_VERSION})"
        in res.stderr
    )
    assert str(future) in res.stderr


# -- strict types, duplicate keys, dates ----------------------------------------------------
def test_yes_for_a_boolean_in_a_snapshot_is_an_input_error_not_a_pass(
    tmp_path: Path, snapshot: Path
) -> None:
    bad = _edit_snapshot(snapshot, tmp_path / "yes.jsonl", encrypted="yes")
    res = invoke("evaluate", bad, "--out", tmp_path / "out")
    assert res.exit_code == 2, res.output
    line = next(
        i for i, r in enumerate(snapshot_lines(bad), 1) if r.get("data", {}).get("id") == VOL2
    )
    assert (
        f"{bad}:{line}: invalid resource record: data.encrypted: Input should be a valid boolean"
        in res.stderr
    )
    assert not (tmp_path / "out").exists()
    for value in (1, "true", 1.0):
        bad = _edit_snapshot(snapshot, tmp_path / "v.jsonl", encrypted=value)
        assert invoke("evaluate", bad, "--out", tmp_path / "out").exit_code == 2


def test_yes_for_a_boolean_in_a_profile_is_located(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_bytes(corpus.profile_cases()["yes-for-boolean"])
    res = invoke("profile", "validate", profile)
    assert res.exit_code == 2
    assert (
        f"{profile}:8: promises.0.parameters.customer_managed_keys: Input should be a valid boolean"
        in res.stderr
    )


def test_duplicate_keys_are_refused_with_their_place(
    tmp_path: Path, snapshot: Path, result_file: Path
) -> None:
    lines = snapshot.read_bytes().splitlines(keepends=True)
    lines.insert(
        1,
        b'{"kind":"coverage","provider":"aws","account":"1","account":"2","resource_type":"aws.ec2.volume","count":0}\n',
    )
    dup = resnapshot(lines, tmp_path / "dup.jsonl")
    res = invoke("evaluate", dup, "--out", tmp_path / "out")
    assert res.exit_code == 2
    assert f"{dup}:2: duplicate key 'account' in one JSON object" in res.stderr

    text = result_file.read_text()  # indented: the duplicate is located by line and column
    doubled = text.replace('"tool_version":', '"tool_version": "0", "tool_version":', 1)
    dup_result = tmp_path / "dup.json"
    dup_result.write_text(doubled)
    res = invoke("report", dup_result)
    assert res.exit_code == 2
    assert "duplicate key 'tool_version' in one JSON object" in res.stderr
    assert f"{dup_result}:1:1:" in res.stderr  # the object that holds it: the document

    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVERS + "    reason: again\n")
    res = invoke("waivers", "validate", waivers)
    assert res.exit_code == 2
    assert f"{waivers}:8: malformed YAML: duplicate key 'reason'" in res.stderr


def test_impossible_dates_are_located_not_tracebacks(tmp_path: Path, snapshot: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVERS.replace("2099-01-31", "2027-02-30"))
    for args in (["waivers", "validate", waivers], ["evaluate", snapshot, "--waivers", waivers]):
        res = invoke(*args, *(["--out", tmp_path / "out"] if args[0] == "evaluate" else []))
        assert res.exit_code == 2
        assert (
            f"{waivers}:7: malformed YAML: invalid date '2027-02-30': day is out of range for month"
            in res.stderr
        )
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "id: acme\ntitle: ACME\nbaa: {name: ACME BAA, dated: 2027-02-30}\npromises:\n"
        "  - {id: keys, clause: CMK, safeguards: [encryption-at-rest]}\n"
    )
    res = invoke("profile", "validate", profile)
    assert res.exit_code == 2
    assert f"{profile}:3: malformed YAML: invalid date '2027-02-30'" in res.stderr


# -- waivers --------------------------------------------------------------------------------
def _waiver(**fields: str) -> str:
    entry = {
        "id": "W-1",
        "policy": "AWS-EBS-002",
        "resource": f'"{VOL2}"',
        "reason": "accepted",
        "approver": "ciso@example.com",
        "expires": "2099-01-31",
        **fields,
    }
    return "  - " + "\n    ".join(f"{k}: {v}" for k, v in entry.items()) + "\n"


def test_a_wildcard_waiver_needs_scope_all(tmp_path: Path, snapshot: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver(policy='"*"', resource='"*"'))
    res = invoke("waivers", "validate", waivers)
    assert res.exit_code == 2
    assert (
        f"{waivers}:3: waiver 'W-1' matches every policy (policy: '*'); say 'scope: all'"
        in res.stderr
    )
    res = invoke("evaluate", snapshot, "--waivers", waivers, "--out", tmp_path / "out")
    assert res.exit_code == 2 and not (tmp_path / "out").exists()
    # the resource pattern defaults to "*": a waiver of a policy everywhere says so too
    waivers.write_text("waivers:\n" + _waiver().replace(f'    resource: "{VOL2}"\n', ""))
    res = invoke("waivers", "validate", waivers)
    assert res.exit_code == 2 and "matches every resource" in res.stderr


def test_wildcard_waivers_are_listed_first_in_every_report(tmp_path: Path, snapshot: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver(id="W-ALL", resource='"*"', scope="all"))
    assert invoke("waivers", "validate", waivers).exit_code == 0
    out = tmp_path / "out"
    res = invoke(
        "evaluate",
        snapshot,
        "--waivers",
        waivers,
        "--out",
        out,
        "--no-history",
        "--format",
        "markdown,html,csv,sarif,junit",
    )
    assert res.exit_code in (1, 3), res.output
    md = (out / "report.md").read_text()
    assert md.index("Wildcard waivers in force") < md.index("## Promises")
    assert "W-ALL" in md.split("## Promises")[0]
    html = (out / "report.html").read_text()
    assert html.index('id="wildcard-waivers"') < html.index('id="promises"')
    rows = list(csv.DictReader(io.StringIO((out / "report.csv").read_text())))
    assert rows[0]["waiver_id"] == "W-ALL"
    sarif = json.loads((out / "report.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"].startswith("Wildcard waiver W-ALL (scope: all)")
    junit = (out / "report.junit.xml").read_text()
    assert junit.index("wildcard_waiver:W-ALL") < junit.index('name="profile"')


def test_a_waiver_for_an_unknown_policy_is_an_error(tmp_path: Path, snapshot: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver(policy="AWS-NOPE-999"))
    res = invoke("evaluate", snapshot, "--waivers", waivers, "--out", tmp_path / "out")
    assert res.exit_code == 2
    assert f"{waivers}:3: waiver 'W-1': no policy matches 'AWS-NOPE-999'" in res.stderr


def test_waivers_validate_reports_every_mistake_at_once(tmp_path: Path, result_file: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n"
        + _waiver(policy="AWS-NOPE-999")  # line 3
        + _waiver(id="W-2", policy='"*"')  # line 9
        + _waiver(id="W-3", approver='""')  # line 18
        + _waiver(id="W-2")  # line 20: the id of the second again
        + _waiver(id="W-5", resource='"arn:nothing"')  # valid, matches nothing
    )
    res = invoke("waivers", "validate", waivers, "--result", result_file)
    assert res.exit_code == 2
    errors = [line for line in res.stderr.splitlines() if "error:" in line]
    assert [e.split(": ")[2] for e in errors] == [
        f"{waivers}:3",
        f"{waivers}:9",
        f"{waivers}:18",
        f"{waivers}:20",
    ]
    assert "W-5' matches no finding of the result" in res.stderr


# -- text for humans ------------------------------------------------------------------------
OSC_TITLE = "\x1b]0;pwned\x07"
RTL = "\u202e"


def test_terminal_escapes_never_reach_stderr_or_reports(tmp_path: Path, snapshot: Path) -> None:
    hostile_id = f"{VOL2}{OSC_TITLE}{RTL}gnp.exe\x1b[2J\x00\x9b"
    bad = _edit_snapshot(snapshot, tmp_path / "s.jsonl", id=hostile_id, name=" =cmd|' /C calc'!A0")
    waivers = tmp_path / "w.yaml"  # an expired waiver: its warning quotes the resource id
    waivers.write_text(
        "waivers:\n" + _waiver(resource='"arn:aws:ec2:*:volume/vol-2*"', expires="2020-01-01")
    )
    out = tmp_path / "out"
    res = invoke(
        "evaluate",
        bad,
        "--waivers",
        waivers,
        "--out",
        out,
        "--no-history",
        "--format",
        "markdown,html,csv,sarif,junit",
    )
    assert res.exit_code in (1, 3), res.output
    assert "counts as FAIL again" in res.stderr
    for stream in (res.stderr, res.stdout):
        for char in ("\x1b", "\x07", "\x00", "\x9b", RTL):
            assert char not in stream
    assert "\\x1b]0;pwned\\x07\\u202egnp.exe" in res.stderr  # shown, not acted on
    for name in ("report.md", "report.html", "report.csv", "report.sarif", "report.junit.xml"):
        text = (out / name).read_text()
        for char in ("\x1b", "\x07", "\x00", "\x9b", RTL):
            assert char not in text, (name, repr(char))
    rows = list(csv.reader(io.StringIO((out / "report.csv").read_text())))
    names = [row[12] for row in rows[1:] if row[12].lstrip("'").startswith(" =cmd")]
    assert names and all(n.startswith("'") for n in names)
    # the machine contract keeps the evidence exactly (escaped by JSON, never raw on a terminal)
    data = json.loads((out / "result.json").read_text())
    assert any(f["resource"]["id"] == hostile_id for f in data["findings"])


def test_csv_formula_guard_after_leading_spaces() -> None:
    from auditor.evidence.render.csv import safe_cell

    for cell in (" =cmd", "\t=1+1", "   @SUM(A1)", " \u00a0-2", "=x", "+1"):
        assert safe_cell(cell).startswith("'"), cell
    for cell in ("plain", " plain", "a=b", ""):
        assert safe_cell(cell) == cell


def test_a_lone_surrogate_is_replaced_not_a_crash(tmp_path: Path, snapshot: Path) -> None:
    raw = snapshot.read_bytes().replace(b'"name":"scratch"', b'"name":"scr\\ud800atch"')
    records = [json.loads(line) for line in raw.splitlines()]
    bad = resnapshot(records, tmp_path / "s.jsonl")
    out = tmp_path / "out"
    res = invoke("evaluate", bad, "--out", out, "--format", "json,markdown,html,csv")
    assert res.exit_code in (1, 3), res.output
    for path in out.iterdir():
        if path.suffix != ".sqlite":
            path.read_bytes().decode("utf-8")  # valid UTF-8 everywhere
    assert "scr\ufffdatch" in (out / "result.json").read_text()


# -- secrets --------------------------------------------------------------------------------
def _no_secret_anywhere(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PLANTED.encode() not in data, path
            assert PLANTED_PASSWORD.encode() not in data, path


def test_a_snapshot_with_secrets_leaks_none_into_any_output(tmp_path: Path) -> None:
    old = write_snapshot(tmp_path / "old.jsonl", secrets=True)
    assert PLANTED.encode() in old.read_bytes() and PLANTED_PASSWORD.encode() in old.read_bytes()
    out = tmp_path / "out"
    res = invoke(
        "evaluate", old, "--out", out, "--format", "json,markdown,html,csv,sarif,junit,ocsf"
    )
    assert res.exit_code in (1, 3), res.output
    assert (out / "history.sqlite").is_file()
    _no_secret_anywhere(out)
    assert PLANTED not in res.output
    assert "[REDACTED:" in (out / "result.json").read_text()


def test_a_result_with_secrets_leaks_none_into_reports_history_or_bundles(
    tmp_path: Path, result_file: Path, snapshot: Path
) -> None:
    data = json.loads(result_file.read_text())
    data["findings"][0]["message"] += f" key {PLANTED}"
    data["findings"][0]["evidence"]["tags.db_password"] = PLANTED_PASSWORD
    run = tmp_path / "old-run"
    run.mkdir()
    (run / "result.json").write_text(json.dumps(data))
    res = invoke(
        "report",
        run / "result.json",
        "--out",
        tmp_path / "reports",
        "--format",
        "json,markdown,html,csv,sarif",
    )
    assert res.exit_code == 0, res.output
    _no_secret_anywhere(tmp_path / "reports")
    res = invoke("merge", run / "result.json", "--out", tmp_path / "merged")
    assert res.exit_code in (1, 3), res.output
    _no_secret_anywhere(tmp_path / "merged")  # result, report and history database
    # a bundle never carries the file that holds them
    res = invoke("bundle", run)
    assert res.exit_code == 2
    assert f"{run / 'result.json'}: holds a secret the redactor knows" in res.stderr
    assert not (run / "evidence-bundle.zip").exists()
    (run / "result.json").unlink()
    shutil_copy(result_file, run / "result.json")
    write_snapshot(run / "snapshot.jsonl", secrets=True)
    res = invoke("bundle", run)
    assert res.exit_code == 2 and "snapshot.jsonl: holds a secret" in res.stderr


def shutil_copy(src: Path, dst: Path) -> None:
    dst.write_bytes(src.read_bytes())


# -- outputs: all or nothing, manifest last -------------------------------------------------
def test_outputs_carry_a_manifest_written_last(tmp_path: Path, snapshot: Path) -> None:
    out = tmp_path / "out"
    res = invoke("evaluate", snapshot, "--out", out, "--format", "markdown,csv", "--no-history")
    assert res.exit_code in (1, 3)
    manifest = json.loads((out / OUTPUTS_MANIFEST).read_text())
    assert manifest["format"] == "baa-audit-outputs"
    assert sorted(manifest["files"]) == ["report.csv", "report.md", "result.json"]
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == sha256_file(out / name)
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_an_interrupted_render_leaves_the_old_complete_set(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert invoke(
        "evaluate", snapshot, "--out", out, "--format", "markdown,csv", "--no-history"
    ).exit_code in (1, 3)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from auditor.evidence.render import RENDERERS

    def killed(result: object, *_: object) -> bytes:
        raise KeyboardInterrupt  # the job is stopped while the CSV renders

    import dataclasses

    # the CSV is written in pieces (chunks) when it can be: stop either way
    stopped = dataclasses.replace(RENDERERS["csv"], render=killed, chunks=killed)
    monkeypatch.setitem(RENDERERS, "csv", stopped)
    res = CliRunner().invoke(
        cli,
        ["evaluate", str(snapshot), "--out", str(out), "--format", "markdown,csv", "--no-history"],
    )
    assert res.exit_code == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_a_set_interrupted_while_moving_has_no_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    with OutputSet(out) as first:
        first.add("result.json", b"{}")
        first.add("report.md", b"# old")
    assert (out / OUTPUTS_MANIFEST).is_file()
    real_replace = Path.replace
    moved: list[str] = []

    def crash_after_one(self: Path, target: Path) -> Path:
        if moved:
            raise OSError(28, "No space left on device")
        moved.append(self.name)
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", crash_after_one)
    with pytest.raises(Exception, match="No space left"), OutputSet(out) as second:
        second.add("result.json", b'{"new": 1}')
        second.add("report.md", b"# new")
    monkeypatch.undo()
    assert not (out / OUTPUTS_MANIFEST).exists()  # a reader can tell: this set is partial
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


# -- bundles --------------------------------------------------------------------------------
def test_verify_without_a_key_is_integrity_only(tmp_path: Path, result_file: Path) -> None:
    run = result_file.parent
    assert invoke("bundle", run).exit_code == 0
    res = invoke("verify", run / "evidence-bundle.zip")
    assert res.exit_code == 4
    assert "integrity only, signer not checked" in res.stdout
    assert "verified" not in res.stdout.replace("not verified", "")
    assert "4  integrity only" in invoke("verify", "--help").stdout


def test_verify_of_a_file_that_is_not_a_zip_exits_2(tmp_path: Path) -> None:
    fake = tmp_path / "b.zip"
    fake.write_text("hello")
    res = invoke("verify", fake)
    assert res.exit_code == 2 and f"{fake}: not a zip file" in res.stderr


def test_verify_never_inflates_past_a_members_declared_size(tmp_path: Path) -> None:
    """A member that declares 1 KB but inflates to 64 MB is read to 1 KB (plus one chunk) and
    reported: bounded, in a subprocess whose address space is limited."""
    from auditor.evidence.bundle import build_manifest

    payload = b"\0" * (64 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json", build_manifest({"result.json": b"x" * 1024}, tool_version="0")
        )
        archive.writestr("result.json", payload)
    data = _declare(buffer.getvalue(), "result.json", 1024)
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(data)
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, 1536 * 1024**2))\n"
        "from auditor.evidence.bundle import verify_bundle\n"
        f"report = verify_bundle({str(bomb)!r})\n"
        "print([str(p) for p in report.problems])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert proc.returncode == 0, proc.stderr
    problems, peak_kib = proc.stdout.splitlines()
    assert "changed: result.json" in problems  # zipfile stops at the declared size: bad CRC
    assert int(peak_kib) < 512 * 1024  # far below the 64 MB it would inflate to, plus Python


def _declare(data: bytes, name: str, size: int) -> bytes:
    """``data`` (a zip) with member ``name`` declaring ``size`` bytes, in both of its headers."""
    import struct

    raw = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", raw, info.header_offset + 22, size)
    position = raw.find(b"PK\x01\x02")
    while position != -1:
        name_len = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46 : position + 46 + name_len] == name.encode():
            struct.pack_into("<I", raw, position + 24, size)
            break
        position = raw.find(b"PK\x01\x02", position + 4)
    return bytes(raw)


# -- the command line never shows a traceback -----------------------------------------------
def test_out_a_dangling_symlink_or_unwritable_is_exit_2(tmp_path: Path, snapshot: Path) -> None:
    dangling = tmp_path / "link"
    dangling.symlink_to(tmp_path / "nowhere")
    res = invoke("evaluate", snapshot, "--out", dangling)
    assert res.exit_code == 2
    assert f"{dangling}: output directory is a dangling symbolic link" in res.stderr
    # no write permission (as root too: /proc/self refuses writes to everyone) ...
    res = invoke("evaluate", snapshot, "--out", "/proc/self/baa-out")
    assert res.exit_code == 2 and "not writable" in res.stderr
    # ... and a directory whose writes fail only when tried (sysfs: EPERM)
    res = invoke("evaluate", snapshot, "--out", "/sys/baa-out", "--no-history")
    assert res.exit_code == 2, res.output
    assert "/sys" in res.stderr and "Traceback" not in res.output


def test_an_overflowing_option_is_a_usage_error(tmp_path: Path, snapshot: Path) -> None:
    res = invoke(
        "evaluate", snapshot, "--waiver-warning-days", "99999999999999", "--out", tmp_path / "o"
    )
    assert res.exit_code == 2
    assert "99999999999999 is not in the range 0<=x<=3650" in res.stderr


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.cli.run as run_module

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"boom {PLANTED}")

    monkeypatch.setattr(run_module, "evaluate_inventory", broken)
    res = CliRunner().invoke(cli, ["evaluate", str(snapshot), "--out", str(tmp_path / "o")])
    assert res.exit_code == 3
    assert res.stderr.strip().splitlines() == [
        "baa-audit: error: internal error: RuntimeError: boom [REDACTED:aws-access-key-id] "
        "(run with --debug for the traceback)"
    ]
    res = CliRunner().invoke(
        cli, ["--debug", "evaluate", str(snapshot), "--out", str(tmp_path / "o")]
    )
    assert isinstance(res.exception, RuntimeError)


def test_the_installed_entry_point_shows_no_traceback(tmp_path: Path) -> None:
    deep = tmp_path / "result.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("BAA_AUDIT_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "report", str(deep)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{deep}:" in proc.stderr and "nested too deeply" in proc.stderr


def test_history_rows_are_parsed_strictly(tmp_path: Path, result_file: Path) -> None:
    from tests.hostile.inputs import history_db

    db = history_db(tmp_path / "h.sqlite", result_file)
    conn = sqlite3.connect(db)
    conn.execute('UPDATE findings SET finding_json = \'{"a": 1, "a": 2}\' WHERE seq = 0')
    conn.commit()
    conn.close()
    res = invoke("diff", "1", "2", "--db", db)
    assert res.exit_code == 2
    assert "duplicate key 'a'" in res.stderr and str(db) in res.stderr
