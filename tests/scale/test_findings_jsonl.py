"""Findings as JSON Lines beside a small result header (schema 1.2): the round trip, every
reader (report, diff, merge, bundle, verify, history), and hostile findings files."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core import findings_io
from auditor.core.errors import InputError
from auditor.core.findings_io import FINDINGS_FILE, load_result
from auditor.core.safe_load import Limits
from auditor.evidence.render import RENDERERS
from tests.scale.sample import write_snapshot


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("jsonl")
    snapshot = write_snapshot(base / "snapshot.jsonl", copies=1)
    dirs: dict[str, Path] = {"snapshot": snapshot}
    for mode in ("inline", "jsonl", "auto"):
        out = base / mode
        code, _, err = run(
            "evaluate", str(snapshot), "--out", str(out), "--no-history", "--quiet",
            "--findings", mode, "--format", "json",
        )  # fmt: skip
        assert code in (0, 1, 3), err
        dirs[mode] = out
    return dirs


def _copy(runs: dict[str, Path], tmp_path: Path, mode: str = "jsonl") -> Path:
    target = tmp_path / mode
    shutil.copytree(runs[mode], target)
    return target


def _rewrite(directory: Path, lines: list[bytes], *, count: int | None = None) -> None:
    """Replace the findings file and make the header's digest (and count) match it."""
    data = b"".join(lines)
    (directory / FINDINGS_FILE).write_bytes(data)
    header = json.loads((directory / "result.json").read_bytes())
    header["findings_file"]["sha256"] = hashlib.sha256(data).hexdigest()
    header["findings_file"]["count"] = len(lines) if count is None else count
    (directory / "result.json").write_text(json.dumps(header))


TIMES = {"started_at", "finished_at"}


def _untimed(data: bytes) -> dict[str, object]:
    """A result.json without its run times (two runs of one snapshot differ only there)."""
    value = json.loads(data)
    return {k: v for k, v in value.items() if k not in TIMES}


def _header(directory: Path) -> dict[str, object]:
    value = json.loads((directory / "result.json").read_bytes())
    assert isinstance(value, dict)
    return value


# -- the contract ------------------------------------------------------------------------------
def test_small_run_stays_one_document_byte_for_byte(runs: dict[str, Path]) -> None:
    auto = (runs["auto"] / "result.json").read_bytes()
    assert _untimed(auto) == _untimed((runs["inline"] / "result.json").read_bytes())
    assert not (runs["auto"] / FINDINGS_FILE).exists()
    result = load_result(runs["auto"] / "result.json")
    assert json.loads(auto)["schema_version"] == "1.1"
    assert RENDERERS["json"].render(result) == auto


def test_jsonl_header_names_file_count_and_digest(runs: dict[str, Path]) -> None:
    header = _header(runs["jsonl"])
    data = (runs["jsonl"] / FINDINGS_FILE).read_bytes()
    assert header["schema_version"] == "1.2"
    assert "findings" not in header
    assert header["findings_file"] == {
        "path": FINDINGS_FILE,
        "count": data.count(b"\n"),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    inline = json.loads((runs["inline"] / "result.json").read_bytes())
    assert [json.loads(line) for line in data.splitlines()] == inline["findings"]
    assert len(inline["findings"]) > 100
    manifest = json.loads((runs["jsonl"] / "baa-audit-outputs.json").read_bytes())
    assert FINDINGS_FILE in json.dumps(manifest)


def test_round_trip_both_forms_read_the_same(runs: dict[str, Path]) -> None:
    inline = load_result(runs["inline"] / "result.json")
    split = load_result(runs["jsonl"] / "result.json")
    assert split.model_dump(exclude=TIMES) == inline.model_dump(exclude=TIMES)
    assert (
        RENDERERS["json"].render(split.model_copy(update=inline.model_dump(include=TIMES)))
        == (runs["inline"] / "result.json").read_bytes()
    )


def test_auto_goes_to_jsonl_above_the_threshold(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(findings_io, "INLINE_FINDINGS_MAX", 10)
    out = tmp_path / "out"
    code, _, err = run(
        "evaluate", str(runs["snapshot"]), "--out", str(out), "--no-history", "--quiet",
        "--format", "json",
    )  # fmt: skip
    assert code in (0, 1, 3), err
    assert _untimed((out / "result.json").read_bytes()) == _untimed(
        (runs["jsonl"] / "result.json").read_bytes()
    )
    assert (out / FINDINGS_FILE).read_bytes() == (runs["jsonl"] / FINDINGS_FILE).read_bytes()


def test_help_names_the_option() -> None:
    for command in ("evaluate", "scan"):
        code, out, _ = run(command, "--help")
        assert code == 0
        assert "--findings" in out and "findings.jsonl" in out


# -- every reader ------------------------------------------------------------------------------
@pytest.mark.parametrize("formats", ["html,json,csv,sarif", "markdown,junit,ocsf"])
def test_report_is_the_same_from_both_forms(
    runs: dict[str, Path], tmp_path: Path, formats: str
) -> None:
    made = {}
    split = _copy(runs, tmp_path)  # with the inline run's times: the runs differ only there
    header = _header(split)
    header.update({k: _header(runs["inline"])[k] for k in TIMES})
    (split / "result.json").write_text(json.dumps(header))
    sources = {"inline": runs["inline"], "jsonl": split}
    for mode in ("inline", "jsonl"):
        out = tmp_path / f"r-{mode}"
        code, _, err = run(
            "report", str(sources[mode] / "result.json"), "--out", str(out), "--no-history",
            "--format", formats,
        )  # fmt: skip
        assert code == 0, err
        made[mode] = {
            p.name: p.read_bytes() for p in out.iterdir() if p.name != "baa-audit-outputs.json"
        }
    assert made["inline"] == made["jsonl"]
    assert len(made["jsonl"]) == len(formats.split(","))


def test_diff_of_the_two_forms_finds_no_change(runs: dict[str, Path]) -> None:
    code, out, err = run(
        "diff", str(runs["inline"] / "result.json"), str(runs["jsonl"] / "result.json"), "--json"
    )
    assert code == 0, err + out


def test_merge_reads_a_jsonl_result(runs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "merged"
    code, _, err = run(
        "merge", str(runs["jsonl"] / "result.json"), "--out", str(out), "--no-history",
        "--quiet", "--format", "json",
    )  # fmt: skip
    assert code in (0, 1, 3), err
    assert (
        load_result(out / "result.json").findings
        == load_result(runs["inline"] / "result.json").findings
    )


def test_history_records_a_jsonl_run(runs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "h"
    code, _, err = run(
        "evaluate", str(runs["snapshot"]), "--out", str(out), "--quiet", "--findings", "jsonl",
        "--format", "json",
    )  # fmt: skip
    assert code in (0, 1, 3), err
    db = out / "history.sqlite"
    code, out_text, err = run("diff", "1", str(runs["inline"] / "result.json"), "--db", str(db))
    assert code == 0, err + out_text


def test_bundle_and_verify_carry_the_findings_file(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    zipped = tmp_path / "evidence.zip"
    code, _, err = run("bundle", str(directory), "--out", str(zipped))
    assert code == 0, err
    with zipfile.ZipFile(zipped) as archive:
        assert FINDINGS_FILE in archive.namelist()
    code, _, err = run("verify", str(zipped))
    assert code == 4, err  # integrity only: unsigned


def test_verify_refuses_a_findings_file_other_than_the_header_records(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    """A bundle rebuilt with a consistent manifest but another findings file: the header's
    digest still tells."""
    from auditor.evidence.bundle import write_bundle

    directory = _copy(runs, tmp_path)
    files = {p.name: p.read_bytes() for p in directory.iterdir()}
    lines = files[FINDINGS_FILE].splitlines(keepends=True)
    files[FINDINGS_FILE] = b"".join(lines[1:])
    zipped = tmp_path / "forged.zip"
    write_bundle(zipped, files, tool_version="0.1.0")
    code, _, err = run("verify", str(zipped))
    assert code == 1
    assert FINDINGS_FILE in err and "result.json records" in err


def test_bundle_refuses_a_changed_findings_file(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    with (directory / FINDINGS_FILE).open("ab") as handle:
        handle.write(b"\n")
    code, _, err = run("bundle", str(directory), "--out", str(tmp_path / "b.zip"))
    assert code == 2
    assert FINDINGS_FILE in err and "SHA-256" in err


# -- hostile findings files ----------------------------------------------------------------------
def _report_error(directory: Path) -> tuple[int, str]:
    code, _, err = run(
        "report", str(directory / "result.json"), "--out", str(directory / "r"), "--no-history",
        "--format", "csv",
    )  # fmt: skip
    assert not (directory / "r").exists()
    return code, err


def test_truncated_findings_file_is_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    path = directory / FINDINGS_FILE
    path.write_bytes(path.read_bytes()[:-40])
    code, err = _report_error(directory)
    assert code == 2
    assert str(path) in err and "SHA-256" in err and "truncated" in err
    assert "Traceback" not in err


def test_missing_findings_file_is_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    (directory / FINDINGS_FILE).unlink()
    code, err = _report_error(directory)
    assert code == 2 and FINDINGS_FILE in err and "not found" in err


def test_count_is_recomputed(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    _rewrite(directory, lines, count=len(lines) + 1)
    code, err = _report_error(directory)
    assert code == 2 and f"holds {len(lines)} findings" in err


def test_summary_is_recomputed_from_the_findings_file(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    directory = _copy(runs, tmp_path)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if b'"status":"FAIL"' not in line]
    assert len(kept) < len(lines)
    _rewrite(directory, kept)  # a consistent digest and count, but the FAILs are gone
    code, err = _report_error(directory)
    assert code == 2 and "does not add up" in err


def test_wrong_types_are_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    finding = json.loads(lines[0])
    finding["severity"] = 5
    lines[0] = (json.dumps(finding) + "\n").encode()
    _rewrite(directory, lines)
    code, err = _report_error(directory)
    assert code == 2 and "severity" in err


@pytest.mark.parametrize("line", [b"[1, 2]\n", b"{not json\n", b"\n", b'{"a": 1, "a": 2}\n'])
def test_malformed_lines_are_refused_with_their_line(
    runs: dict[str, Path], tmp_path: Path, line: bytes
) -> None:
    directory = _copy(runs, tmp_path)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    lines.insert(2, line)
    _rewrite(directory, lines)
    code, err = _report_error(directory)
    assert code == 2 and f"{FINDINGS_FILE}:3" in err


def test_huge_line_is_refused_before_it_is_parsed(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(findings_io, "FINDINGS", Limits("findings file", 1 << 30, max_line=4096))
    directory = _copy(runs, tmp_path)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    lines[1] = b'{"message": "' + b"x" * 10_000 + b'"}\n'
    _rewrite(directory, lines)
    with pytest.raises(InputError, match=r"findings.jsonl:2: finding too long"):
        load_result(directory / "result.json")


@pytest.mark.parametrize(
    "ref",
    [
        {"path": "../../etc/passwd.jsonl", "count": 1, "sha256": "0" * 64},
        {"path": "/tmp/x.jsonl", "count": 1, "sha256": "0" * 64},
        {"path": "findings.jsonl", "count": "1", "sha256": "0" * 64},
        {"path": "findings.jsonl", "count": 1, "sha256": "nope"},
        {"path": "findings.jsonl", "count": 1},
        "findings.jsonl",
    ],
)
def test_bad_references_are_refused(runs: dict[str, Path], tmp_path: Path, ref: object) -> None:
    directory = _copy(runs, tmp_path)
    header = _header(directory)
    header["findings_file"] = ref
    (directory / "result.json").write_text(json.dumps(header))
    code, err = _report_error(directory)
    assert code == 2 and "findings_file" in err and "Traceback" not in err


def test_both_inline_findings_and_a_file_are_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    header = _header(directory)
    header["findings"] = []
    (directory / "result.json").write_text(json.dumps(header))
    code, err = _report_error(directory)
    assert code == 2 and "both findings and a findings_file" in err


def test_a_newer_schema_is_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    directory = _copy(runs, tmp_path)
    header = _header(directory)
    header["schema_version"] = "1.99"
    (directory / "result.json").write_text(json.dumps(header))
    code, err = _report_error(directory)
    assert code == 2 and "newer than this tool supports" in err


def test_secrets_in_a_findings_file_are_redacted_on_load(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    directory = _copy(runs, tmp_path)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    finding = json.loads(lines[0])
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    finding["message"] = f"key {key} here"
    lines[0] = (json.dumps(finding, sort_keys=True) + "\n").encode()
    _rewrite(directory, lines)
    result = load_result(directory / "result.json")
    assert key not in result.model_dump_json()
    # and so in every report rendered from it (report does not clean a loaded result twice)
    reports = tmp_path / "reports"
    code, _, err = run(
        "report", str(directory / "result.json"), "--out", str(reports), "--no-history",
        "--format", "json,markdown,html,csv,sarif,junit,ocsf",
    )  # fmt: skip
    assert code == 0, err
    written = sorted(p.name for p in reports.iterdir())
    assert "report.html" in written and "result.json" in written
    for path in reports.iterdir():
        assert key.encode() not in path.read_bytes(), path.name


def test_an_inline_run_removes_an_earlier_findings_file(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    out = _copy(runs, tmp_path)
    code, _, err = run(
        "evaluate", str(runs["snapshot"]), "--out", str(out), "--no-history", "--quiet",
        "--findings", "inline", "--format", "json",
    )  # fmt: skip
    assert code in (0, 1, 3), err
    assert not (out / FINDINGS_FILE).exists()
    assert "findings_file" not in _header(out)
    assert load_result(out / "result.json").findings
