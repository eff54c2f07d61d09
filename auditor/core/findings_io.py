"""Findings as JSON Lines beside a small result header (result schema 1.2).

A result whose findings do not fit comfortably in one JSON document is written as two files:

* ``result.json``: the result without its ``findings`` list, with ``schema_version`` ``1.2`` and
  ``findings_file``: ``{"path": "findings.jsonl", "count": N, "sha256": HEX}``;
* ``findings.jsonl`` (beside it): one finding per line, compact JSON with sorted keys, in the
  result's order (:meth:`~auditor.core.result.Finding.sort_key`).

A result of ``INLINE_FINDINGS_MAX`` findings or fewer stays one document, byte for byte as schema
1.1 wrote it (``--findings inline|jsonl|auto`` on ``scan`` and ``evaluate`` decides).

Reading is bounded and trusts nothing: the file named must be a plain name beside the header
(no directory, no ``..``); its SHA-256 is checked first (a mismatch names the file: it was
changed or truncated), then each line within :data:`FINDINGS` (bytes per file and per line,
depth, strings) is parsed strictly (in C when it is written as this tool writes lines,
:func:`~auditor.core.safe_load.parse_json_line`), redacted and validated as a finding, an error
naming the line; the count is recomputed and must be the header's; the summary and every roll-up
are recomputed from the findings (:func:`~auditor.core.safe_load.check_consistent`), never
trusted.

Renderers read findings through :func:`iter_findings`: held in memory, or, for a result loaded
with ``stream=True`` (``baa-audit report``), read from the findings file again on each pass
(:class:`FindingsFile`), so memory does not grow with the findings.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import orjson

from auditor.core.errors import InputError
from auditor.core.json_text import dumps_indented, dumps_sorted_compact
from auditor.core.result import RESULT_SCHEMA_VERSION, Finding, RunResult
from auditor.core.safe_load import (
    RESULT,
    UNBOUNDED,
    GiB,
    Limits,
    MiB,
    check_consistent,
    check_version,
    clean_finding,
    dumps,
    located,
    needs_sanitizing,
    parse_json_document,
    parse_json_line,
    parse_result,
    read_limited,
    sanitize,
    validate_json_model,
    validate_value,
)

FINDINGS_FILE = "findings.jsonl"
#: the result schema version of a result whose findings live in a JSON Lines file
FINDINGS_FILE_SCHEMA_VERSION = "1.2"
#: ``--findings auto``: above this many findings they go to ``findings.jsonl``
INLINE_FINDINGS_MAX = 100_000
#: from this many resources an evaluation spills its findings to a file as they are judged
#: (:class:`FindingsSpill`) rather than hold them (same result; memory flat in the findings)
SPILL_RESOURCES = 50_000
FINDINGS = Limits("findings file", max_bytes=64 * GiB, max_line=16 * MiB)
FindingsMode = Literal["auto", "inline", "jsonl"]
FINDINGS_MODES: tuple[FindingsMode, ...] = ("auto", "inline", "jsonl")

_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.jsonl")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def iter_findings(result: RunResult) -> Iterator[Finding]:
    """The result's findings, in order: what every renderer reads (held, or streamed from the
    findings file, :class:`FindingsFile`)."""
    return result.iter_findings()


def uses_findings_file(result: RunResult, mode: FindingsMode) -> bool:
    """Whether ``result`` is written as a header and ``findings.jsonl`` under ``mode``."""
    if mode == "auto":
        return result.finding_count() > INLINE_FINDINGS_MAX
    return mode == "jsonl"


def finding_line(finding: Finding) -> bytes:
    """One line of ``findings.jsonl``. Of a finding's fields only ``evidence`` is untyped (a
    test checks the model), so only it can hold a float."""
    data = finding.model_dump(mode="json")
    return dumps_sorted_compact(data, floats_in=data["evidence"]) + b"\n"


class FindingsLines:
    """``findings`` as the lines of ``findings.jsonl``, produced one at a time (nothing joined
    in memory); once iterated, :attr:`count` and :attr:`sha256` describe what was produced,
    for the header written after them. ``raw``: the lines already written (chunks of a file
    of them), copied instead."""

    def __init__(self, findings: Iterable[Finding], raw: Iterable[bytes] | None = None) -> None:
        self._findings = findings
        self._raw = raw
        self._digest = hashlib.sha256()
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        if self._raw is not None:
            for line in self._raw:
                self._digest.update(line)
                self.count += 1
                yield line
            return
        for finding in self._findings:
            line = finding_line(finding)
            self._digest.update(line)
            self.count += 1
            yield line

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def result_lines(result: RunResult) -> FindingsLines:
    """``result``'s findings as the lines of ``findings.jsonl``: from the lines of the spill
    they stream from, when they do (:meth:`FindingsFile.copied_lines`)."""
    stream = result.stream_of() if result.streamed else None
    if isinstance(stream, FindingsFile) and (copied := stream.copied_lines()) is not None:
        return copied
    return FindingsLines(result.iter_findings())


def findings_lines(findings: Iterable[Finding]) -> tuple[bytes, int, str]:
    """``findings`` as JSON Lines in memory: the bytes, the count and their SHA-256."""
    lines = FindingsLines(findings)
    data = b"".join(lines)
    return data, lines.count, lines.sha256


def header_json(result: RunResult, count: int, sha256: str, name: str = FINDINGS_FILE) -> bytes:
    """``result.json`` for a result whose findings are in ``name`` (formatted as the inline form)."""
    data = result.model_dump(mode="json", exclude={"findings"})
    data["schema_version"] = FINDINGS_FILE_SCHEMA_VERSION
    data["findings_file"] = {"path": name, "count": count, "sha256": sha256}
    return (dumps_indented(data) + "\n").encode()


def split_result(result: RunResult) -> tuple[bytes, bytes]:
    """``result`` as (``result.json`` header, ``findings.jsonl``)."""
    lines, count, sha256 = findings_lines(iter_findings(result))
    return header_json(result, count, sha256), lines


def _reference(header: Path, value: Any) -> tuple[Path, int, str]:
    """The findings file a header names, checked: (path, count, sha256)."""
    if not isinstance(value, dict) or set(value) != {"path", "count", "sha256"}:
        raise located(header, None, "findings_file: expected an object with path, count and sha256")
    name, count, sha256 = value["path"], value["count"], value["sha256"]
    if not isinstance(name, str) or not _PLAIN_NAME.fullmatch(name):
        shown = name[:60] if isinstance(name, str) else type(name).__name__
        raise located(
            header,
            None,
            f"findings_file.path {shown!r}: expected a plain .jsonl file name beside the result",
        )
    if type(count) is not int or count < 0:
        raise located(header, None, "findings_file.count: expected a non-negative integer")
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise located(header, None, "findings_file.sha256: expected 64 lowercase hex digits")
    return header.parent / name, count, sha256


def _check_digest(path: Path, sha256: str) -> None:
    try:
        size = path.stat().st_size
        if size > FINDINGS.max_bytes:
            raise located(
                path,
                None,
                f"findings file too large ({size:,} bytes; limit {FINDINGS.max_bytes:,})",
            )
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise InputError("findings file named by the result not found", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read findings file: {exc.strerror or exc}", file=path) from None
    if digest.hexdigest() != sha256:
        raise InputError(
            "findings file does not match the SHA-256 its result header records: "
            "it was changed or truncated",
            file=path,
        )


def _checked_lines(
    path: Path, sha256: str, redacted: set[int] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, finding as a checked, redacted JSON object) for each line of ``path``;
    ``redacted`` collects the numbers of the lines that had to be walked for redaction."""
    _check_digest(path, sha256)
    limit = FINDINGS.max_line or FINDINGS.max_bytes
    with path.open("rb") as handle:
        lineno = 0
        while raw := handle.readline(limit + 2):
            lineno += 1
            yield lineno, _checked_line(path, raw, lineno, limit, redacted)


def _checked_line(
    path: Path, raw: bytes, lineno: int, limit: int, redacted: set[int] | None = None
) -> dict[str, Any]:
    """Line ``lineno`` of findings file ``path``: one finding as a checked, redacted object."""
    if len(raw) > limit + 1:
        raise located(path, lineno, f"finding too long (limit {limit:,} bytes per line)")
    if not raw.strip():
        raise located(path, lineno, "empty line in a findings file")
    value = parse_json_line(raw, path, FINDINGS, line=lineno)
    if not isinstance(value, dict):
        raise located(path, lineno, "expected a JSON object (one finding per line)")
    if not needs_sanitizing(raw, FINDINGS):  # most lines certainly pass unchanged
        return value
    cleaned, _ = sanitize(value, FINDINGS, path, lineno)
    if redacted is not None:
        redacted.add(lineno)
    return cleaned if isinstance(cleaned, dict) else value


class _Proof:
    """Whether one whole pass over a findings file has checked every line, and which lines it
    had to redact (shared by the :meth:`FindingsFile.mapped` copies of one file)."""

    def __init__(self) -> None:
        self.checked = False
        self.redacted: set[int] = set()


class FindingsFile:
    """The findings of a 1.2 header's ``findings_file``, read afresh on each pass and never held.

    The first pass checks the file's SHA-256, then reads, redacts and validates each line
    strictly (an error names the line) and checks their number against the header's. A later
    pass hashes the bytes as it reads them and validates each line straight from its bytes with
    the same strict JSON mode (four times cheaper): a line that needs redacting, or that the fast
    validation refuses, goes the first pass's way; at the end the digest and the count must
    still be the header's, or the pass fails (what it produced is discarded: outputs are written
    as one set). ``changes`` are applied to each finding as it is read (:meth:`mapped`).
    """

    def __init__(
        self,
        path: Path,
        count: int,
        sha256: str,
        changes: tuple[Callable[[Finding], Finding], ...] = (),
        proof: _Proof | None = None,
        owner: object = None,
        spilled: bool = False,
    ) -> None:
        self.path, self.count, self.sha256, self._changes = path, count, sha256, changes
        self._proof = proof or _Proof()
        self._owner = owner  # what must live while the file is read (its temporary directory)
        # a spill's file: each line is the finding it gives in its fields' order, which
        # :meth:`copied_lines` turns into findings.jsonl's without reading it as a finding
        self._spilled = spilled

    #: what a pass gives is redacted (lines are redacted as they are read, or were before
    #: they were spilled): :func:`~auditor.core.safe_load.clean_result` need not walk them again
    redacted = True

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Finding]:
        return self.select(None)

    def select(self, statuses: Collection[str] | None) -> Iterator[Finding]:
        """A pass giving only the findings of ``statuses`` (None: all). After the first pass,
        a line that cannot be of one (its text does not hold ``"status":"<one of them>"``) is
        hashed and counted but not read as a finding."""
        wanted = None if statuses is None else frozenset(statuses)
        findings = self._again(wanted) if self._proof.checked else self._first()
        seen = 0
        for read in findings:
            seen += 1
            if read is None or (wanted is not None and read.status not in wanted):
                continue
            finding = read
            for change in self._changes:
                finding = change(finding)
            yield finding
        if seen != self.count:
            raise InputError(
                f"findings file holds {seen} findings, its result header says {self.count}",
                file=self.path,
            )
        self._proof.checked = True

    def _first(self) -> Iterator[Finding]:
        self._proof.redacted = set()
        for lineno, value in _checked_lines(self.path, self.sha256, self._proof.redacted):
            yield validate_value(Finding, value, self.path, lineno, what="finding")

    def _again(self, wanted: frozenset[str] | None) -> Iterator[Finding | None]:
        """A later pass; None for a line skipped because it cannot be of ``wanted``."""
        marks = None if wanted is None else [f'"status":"{s}"'.encode() for s in wanted]
        digest = hashlib.sha256()
        limit = FINDINGS.max_line or FINDINGS.max_bytes
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise InputError(
                f"cannot read findings file: {exc.strerror or exc}", file=self.path
            ) from None
        with handle:
            lineno = 0
            while raw := handle.readline(limit + 2):
                lineno += 1
                digest.update(raw)
                if marks is not None and not any(mark in raw for mark in marks):
                    yield None
                    continue
                yield self._line(raw, lineno, limit)
        if digest.hexdigest() != self.sha256:
            raise InputError(
                "findings file changed while it was read: it no longer matches the SHA-256 its "
                "result header records",
                file=self.path,
            )

    def _line(self, raw: bytes, lineno: int, limit: int) -> Finding:
        # the digest, checked at the end, proves these are the bytes the first pass checked
        if lineno not in self._proof.redacted and len(raw) <= limit + 1:
            try:
                return Finding.model_validate_json(raw, strict=True)
            except ValueError:
                pass  # decided, and named, the first pass's way
        value = _checked_line(self.path, raw, lineno, limit)
        return validate_value(Finding, value, self.path, lineno, what="finding")

    def mapped(self, change: Callable[[Finding], Finding]) -> FindingsFile:
        return FindingsFile(
            self.path, self.count, self.sha256, (*self._changes, change), self._proof, self._owner
        )

    def copied_lines(self) -> FindingsLines | None:
        """A spill's lines as the lines of findings.jsonl (:func:`sorted_line`), without
        reading each as a finding (None for any other file). Hashed as they are read; a file
        that changed is refused at the end."""
        if not self._spilled or self._changes:
            return None
        return FindingsLines((), self._raw())

    def _raw(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for line in handle:
                digest.update(line)
                yield sorted_line(line)
        if digest.hexdigest() != self.sha256:
            raise InputError("findings file changed while it was copied", file=self.path)


def _field_order_line(finding: Finding) -> bytes:
    """``finding`` as one line of JSON in its fields' own order (evidence in the policy's
    order, which the findings table shows), unlike :func:`finding_line`'s sorted keys."""
    return finding.__pydantic_serializer__.to_json(finding) + b"\n"


def sorted_line(line: bytes) -> bytes:
    """A line of :func:`_field_order_line` as :func:`finding_line` writes the same finding."""
    data = orjson.loads(line)
    return dumps_sorted_compact(data, floats_in=data["evidence"]) + b"\n"


def spill_runs(findings: Sequence[Finding]) -> list[tuple[str, bytes]]:
    """Sorted ``findings`` as (policy id, their lines), a run per policy id, each finding
    redacted first (:class:`FindingsSpill`); the lines keep the fields' own order."""
    runs: list[tuple[str, bytes]] = []
    start = 0
    while start < len(findings):
        policy = findings[start].policy_id
        end = start
        lines: list[bytes] = []
        while end < len(findings) and findings[end].policy_id == policy:
            line = _field_order_line(findings[end])
            if needs_sanitizing(line, UNBOUNDED):  # most findings certainly need nothing
                line = _field_order_line(clean_finding(findings[end]))
            lines.append(line)
            end += 1
        runs.append((policy, b"".join(lines)))
        start = end
    return runs


class FindingsSpill:
    """Findings written out as they are judged, a group at a time, then given back as one
    stream in the result's order (:meth:`finish`), so an evaluation holds one group at a time.

    Each group comes sorted (:meth:`~auditor.core.result.Finding.sort_key`, whose first part is
    the policy id); it is written as runs of one policy id each to a private temporary file in
    ``directory``, a line per finding in its fields' own order (the evidence in the policy's
    order, as a held finding has it). :meth:`finish` writes the runs in policy-id order (runs of
    one id from several groups, which no shipped policy set makes, are merged in memory: a
    stable sort of their findings, in the groups' order, as one sort of the whole would) to a
    second file beside it and returns that as a :class:`FindingsFile`, whose lines become
    findings.jsonl's as they are written out (:meth:`FindingsFile.copied_lines`). What is
    spilled is redacted first.
    """

    def __init__(self, directory: Path | None = None) -> None:
        # by default a private temporary directory (honouring TMPDIR), removed with the last
        # stream reading from it, or when this process exits
        self._owner = (
            tempfile.TemporaryDirectory(prefix="baa-audit-findings-") if directory is None else None
        )
        if directory is None:
            assert self._owner is not None
            directory = Path(self._owner.name)
        self.directory = directory
        self._spill = directory / "spill.jsonl"
        self._handle = self._spill.open("wb", buffering=1 << 20)
        self._offset = 0
        # (policy id, group index, offset, length)
        self._runs: list[tuple[str, int, int, int]] = []

    def add_runs(self, index: int, runs: Sequence[tuple[str, bytes]]) -> None:
        """Group ``index``'s findings as :func:`spill_runs` gives them."""
        for policy, lines in runs:
            self._handle.write(lines)
            self._runs.append((policy, index, self._offset, len(lines)))
            self._offset += len(lines)

    def add(self, index: int, findings: Sequence[Finding]) -> None:
        """Group ``index``'s findings, sorted."""
        self.add_runs(index, spill_runs(findings))

    def finish(self) -> FindingsFile:
        """``findings.jsonl`` in the result's order, as the stream the result reads."""
        self._handle.close()
        path = self.directory / "ordered.jsonl"
        digest, count = hashlib.sha256(), 0
        by_policy: dict[str, list[tuple[int, int, int]]] = {}
        for policy, index, offset, length in self._runs:
            by_policy.setdefault(policy, []).append((index, offset, length))
        with self._spill.open("rb") as spill, path.open("wb", buffering=1 << 20) as out:
            for policy in sorted(by_policy):
                runs = sorted(by_policy[policy])
                if len(runs) == 1:  # copied as it is, a megabyte at a time
                    _, offset, length = runs[0]
                    spill.seek(offset)
                    while length > 0:
                        chunk = spill.read(min(length, _CHUNK))
                        length -= len(chunk)
                        digest.update(chunk)
                        out.write(chunk)
                        count += chunk.count(b"\n")
                    continue
                merged: list[Finding] = []
                for _, offset, length in runs:
                    spill.seek(offset)
                    merged += [
                        Finding.model_validate_json(line)
                        for line in spill.read(length).splitlines()
                    ]
                merged.sort(key=Finding.sort_key)
                for finding in merged:
                    line = _field_order_line(finding)
                    digest.update(line)
                    out.write(line)
                count += len(merged)
        self._spill.unlink()
        proof = _Proof()
        proof.checked = True  # this process wrote it, from findings it made, just now
        return FindingsFile(
            path, count, digest.hexdigest(), proof=proof, owner=self._owner, spilled=True
        )


def _split_result_file(header: Path, value: dict[str, Any], stream: bool) -> RunResult:
    """A result written as a 1.2 header and its findings file. The findings are validated line
    by line (:class:`FindingsFile`), the header on its own, then the whole is checked to add
    up. ``stream``: the findings stay in the file (every reader goes through
    :func:`iter_findings`, each pass reading the file again); else they are held."""
    if "findings" in value:
        raise located(header, None, "result has both findings and a findings_file")
    source = FindingsFile(*_reference(header, value.pop("findings_file")))
    # in memory the findings are inline again: the result is what schema 1.1 describes
    value["schema_version"] = RESULT_SCHEMA_VERSION
    value["findings"] = []
    value, _ = sanitize(value, RESULT, header)
    result = validate_json_model(RunResult, dumps(value), header, what="result")
    if stream:
        result = result.with_stream(source)
    else:
        result.findings = list(source)
    check_consistent(result, header)
    return result


def findings_reference(result_json: bytes) -> tuple[str, str] | None:
    """(file name, SHA-256) of the findings file a result.json names, if it names a well-formed
    one (a bundle's verification checks the member against it)."""
    try:
        value = json.loads(result_json)
    except ValueError:
        return None
    ref = value.get("findings_file") if isinstance(value, dict) else None
    if not isinstance(ref, dict):
        return None
    name, sha256 = ref.get("path"), ref.get("sha256")
    if isinstance(name, str) and _PLAIN_NAME.fullmatch(name) and isinstance(sha256, str):
        return name, sha256
    return None


# -- reading a result: the header and its findings file ----------------------------------------
def load_result(path: Path, *, stream: bool = False) -> RunResult:
    """Read a result.json strictly, and refuse one that does not add up.

    ``stream``: a result with a findings file keeps its findings there (read again on each
    pass, :class:`FindingsFile`), so memory does not grow with them; an inline result is held.

    Beyond the checks of every JSON input: the ``schema_version`` must not be newer than this
    tool's (both are named), and the stored summary, promise and safeguard counts must be those
    of the findings (:func:`~auditor.core.result.consistency_problems`): a result is re-validated,
    never trusted. Secrets the redactor knows are redacted on load.
    """
    if not path.is_file():
        raise InputError("result file not found", file=path)
    value, text = parse_json_document(read_limited(path, RESULT), path, RESULT)
    if isinstance(value, dict) and "findings_file" in value:
        check_version(value, path, None)
        return _split_result_file(path, value, stream)
    return parse_result(value, text, path)


__all__ = [
    "FINDINGS",
    "FINDINGS_FILE",
    "FINDINGS_FILE_SCHEMA_VERSION",
    "FINDINGS_MODES",
    "INLINE_FINDINGS_MAX",
    "SPILL_RESOURCES",
    "FindingsFile",
    "FindingsLines",
    "FindingsMode",
    "FindingsSpill",
    "finding_line",
    "findings_lines",
    "findings_reference",
    "header_json",
    "iter_findings",
    "load_result",
    "result_lines",
    "sorted_line",
    "spill_runs",
    "split_result",
    "uses_findings_file",
]
