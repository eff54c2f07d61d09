"""A result whose findings stream from its findings file (``load_result(stream=True)``, what
``baa-audit report`` reads): every pass reads the file again and gives the findings the held
result has; a pass after the first is checked by the digest of what it read, and refuses a file
that changed under it; reading the findings any other way refuses rather than seeing none."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.core.errors import InputError
from auditor.core.findings_io import FINDINGS_FILE, FindingsFile, load_result
from auditor.core.result import consistency_problems
from auditor.evidence.history import result_digest
from tests.scale.sample import write_snapshot

KEY = "AKIA" + "IOSFODNN7EXAMPLE"


@pytest.fixture(scope="module")
def split_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("streamed")
    snapshot = write_snapshot(base / "snapshot.jsonl", copies=1)
    out = base / "out"
    res = CliRunner().invoke(
        cli,
        ["evaluate", str(snapshot), "--out", str(out), "--no-history", "--quiet",
         "--findings", "jsonl", "--format", "json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code in (0, 1, 3), res.stderr
    return out


def _with_secret(split_run: Path, tmp_path: Path) -> Path:
    """A copy of the run whose second finding's message holds an access key id."""
    directory = tmp_path / "run"
    shutil.copytree(split_run, directory)
    lines = (directory / FINDINGS_FILE).read_bytes().splitlines(keepends=True)
    finding = json.loads(lines[1])
    finding["message"] = f"key {KEY} here"
    lines[1] = (json.dumps(finding, sort_keys=True) + "\n").encode()
    data = b"".join(lines)
    (directory / FINDINGS_FILE).write_bytes(data)
    header = json.loads((directory / "result.json").read_bytes())
    header["findings_file"]["sha256"] = hashlib.sha256(data).hexdigest()
    (directory / "result.json").write_text(json.dumps(header))
    return directory


def test_every_pass_gives_the_held_findings(split_run: Path, tmp_path: Path) -> None:
    directory = _with_secret(split_run, tmp_path)
    held = load_result(directory / "result.json")
    streamed = load_result(directory / "result.json", stream=True)
    assert streamed.streamed and not held.streamed
    assert streamed.finding_count() == len(held.findings) > 100
    first, second = list(streamed.iter_findings()), list(streamed.iter_findings())
    assert first == second == held.findings
    # the line holding a key is redacted on the later passes too
    assert all(KEY not in f.message for f in second)
    assert "[REDACTED" in second[1].message
    assert result_digest(streamed) == result_digest(held)
    assert consistency_problems(streamed) == []


def test_a_file_changed_between_passes_is_refused(split_run: Path, tmp_path: Path) -> None:
    directory = tmp_path / "run"
    shutil.copytree(split_run, directory)
    streamed = load_result(directory / "result.json", stream=True)  # its first pass: checked
    path = directory / FINDINGS_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    finding = json.loads(lines[-1])
    finding["status"] = "PASS" if finding["status"] != "PASS" else "FAIL"
    lines[-1] = (json.dumps(finding, sort_keys=True) + "\n").encode()
    path.write_bytes(b"".join(lines))
    with pytest.raises(InputError, match="changed while it was read"):
        for _ in streamed.iter_findings():
            pass


def test_a_truncated_file_on_a_later_pass_is_refused(split_run: Path, tmp_path: Path) -> None:
    directory = tmp_path / "run"
    shutil.copytree(split_run, directory)
    streamed = load_result(directory / "result.json", stream=True)
    path = directory / FINDINGS_FILE
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:-3]))
    with pytest.raises(InputError) as caught:
        sum(1 for _ in streamed.iter_findings())
    assert "holds" in str(caught.value) or "changed" in str(caught.value)


def test_a_first_pass_refuses_a_file_that_does_not_match(split_run: Path, tmp_path: Path) -> None:
    directory = tmp_path / "run"
    shutil.copytree(split_run, directory)
    header = json.loads((directory / "result.json").read_bytes())
    ref = header["findings_file"]
    source = FindingsFile(directory / FINDINGS_FILE, ref["count"], "0" * 64)
    with pytest.raises(InputError, match="does not match the SHA-256"):
        next(iter(source))


def test_reading_streamed_findings_directly_refuses(split_run: Path) -> None:
    streamed = load_result(split_run / "result.json", stream=True)
    with pytest.raises(RuntimeError, match="iter_findings"):
        len(streamed.findings)
    with pytest.raises(RuntimeError, match="iter_findings"):
        list(streamed.findings)
    with pytest.raises(Exception, match="iter_findings"):
        streamed.model_dump(mode="json")  # written whole, it would silently hold no finding
    assert streamed.header_only().model_dump(mode="json")["findings"] == []


def test_changes_apply_as_findings_are_read(split_run: Path) -> None:
    streamed = load_result(split_run / "result.json", stream=True)
    marked = streamed.map_findings(lambda f: f.model_copy(update={"message": "seen"}))
    assert {f.message for f in marked.iter_findings()} == {"seen"}
    assert {f.message for f in streamed.iter_findings()} != {"seen"}  # the original is unchanged


def test_a_pass_by_status_gives_those_findings_and_still_checks_the_file(
    split_run: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "run"
    shutil.copytree(split_run, directory)
    held = load_result(directory / "result.json")
    streamed = load_result(directory / "result.json", stream=True)
    for wanted in (("FAIL",), ("FAIL", "ERROR"), ("PASS", "MANUAL", "NOT_APPLICABLE")):
        expected = [f for f in held.findings if f.status in wanted]
        assert expected
        assert list(streamed.iter_findings(wanted)) == expected
        assert list(held.iter_findings(wanted)) == expected
    # a line it skips unread still counts toward the digest: a changed PASS line is refused
    path = directory / FINDINGS_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if json.loads(line)["status"] == "PASS")
    lines[at] = lines[at].replace(b'"PASS"', b'"PASS" ', 1)
    path.write_bytes(b"".join(lines))
    with pytest.raises(InputError, match="changed while it was read"):
        list(streamed.iter_findings(("FAIL",)))
