"""Inline skips in Terraform: ``# baa-audit:skip=<POLICY-ID> <reason>`` on a resource.

Checkov users suppress a check where the resource is declared (``#checkov:skip=CKV_AWS_20:...``).
baa-audit reads its own comment, with the same placement rules:

* a ``#`` or ``//`` comment **inside** the resource block (any line from its header to its
  closing brace, the header line's trailing comment included), or in the comment lines
  **directly above** the block (no blank line between);
* ``ID`` is one policy id (no globs); the reason is required and follows after a space or a
  colon (``baa-audit:skip=AWS-S3-001: logs only, no PHI``, the colon being checkov's spelling).

The finding of that policy on that resource becomes WAIVED when it is a FAIL, with the reason
and the comment's ``file:line`` as the approver's record (the change was reviewed where the
comment was written). An ERROR stays ERROR: what was not assessed cannot be accepted. A skip
without a reason, or naming an unknown policy, is an input error (exit 2) naming its file:line;
every such mistake is reported at once. A skip that matches nothing is named in the warnings.

``.tf.json`` files are not read for skips: checkov's terraform framework does not read Terraform's
JSON syntax, so ``baa-audit iac`` reports such a file as not assessed (judge the plan instead).

``#checkov:skip=`` comments are checkov's: baa-audit does not honour them for its own policy
ids (they carry no reason by default and no record), and says so in the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.core.errors import Problem, ValidationFailed
from auditor.core.result import Finding, WaiverRef

MARKER = "baa-audit:skip="
_MARKER_BYTES = MARKER.encode()
_SUFFIX = ".tf"
#: After the marker: the id, then a space or a colon, then the reason.
_BODY = re.compile(r"(?P<id>[^\s:\"]*)(?P<rest>.*)$")
_HEREDOC = re.compile(r"<<-?\s*(?P<tag>[A-Za-z_][A-Za-z0-9_]*)\s*$")


@dataclass(frozen=True)
class InlineSkip:
    """One skip comment: where it is, what it skips, why."""

    file: Path  # absolute
    line: int
    policy_id: str
    reason: str
    #: the first code line after the comment block this skip opens (None: not directly above
    #: code, e.g. a blank line follows, or the skip trails code on its line)
    above: int | None = None

    def where(self, base: Path) -> str:
        return f"{display(self.file, base)}:{self.line}"


def display(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def terraform_files(directories: Iterable[Path], suffix: str = _SUFFIX) -> list[Path]:
    """The ``.tf`` files (or those ending in ``suffix``) under ``directories``, recursively,
    ``.terraform`` excluded, sorted: what checkov's terraform framework reads."""
    found: set[Path] = set()
    for directory in directories:
        for path in directory.rglob(f"*{suffix}"):
            if ".terraform" not in path.parts and path.is_file():
                found.add(path.resolve())
    return sorted(found)


def _comment_start(line: str) -> int | None:
    """Where a ``#`` or ``//`` comment starts on an HCL line (outside strings), else None."""
    in_string = False
    escaped = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#" or (ch == "/" and line[i + 1 : i + 2] == "/"):
            return i
        i += 1
    return None


def _parse_body(text: str) -> tuple[str, str]:
    """(policy id, reason) from what follows the marker."""
    match = _BODY.match(text.rstrip())  # a space right after '=' means no id
    if match is None:  # pragma: no cover - the pattern matches any string
        return "", ""
    reason = match.group("rest").strip()
    if reason.startswith(":"):
        reason = reason[1:].strip()
    return match.group("id").strip(), reason


def _hcl_skips(path: Path, text: str) -> tuple[list[InlineSkip], list[Problem]]:
    skips: list[InlineSkip] = []
    problems: list[Problem] = []
    lines = text.splitlines()
    heredoc: str | None = None
    pending: list[int] = []  # indexes into skips of whole-line skips awaiting their code line
    for number, raw in enumerate(lines, start=1):
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        stripped = raw.strip()
        start = _comment_start(raw)
        whole_line = start is not None and raw[:start].strip() == ""
        if not stripped:
            pending = []  # a blank line ends the comment block above a resource
            continue
        if not whole_line:
            for index in pending:
                skips[index] = _with_above(skips[index], number)
            pending = []
        code = raw if start is None else raw[:start]
        tag = _HEREDOC.search(code)
        if tag is not None:
            heredoc = tag.group("tag")
        if start is None:
            continue
        comment = raw[start:].lstrip("#/").strip()
        if not comment.startswith(MARKER):
            continue
        policy_id, reason = _parse_body(comment[len(MARKER) :])
        problem = _problem(path, number, policy_id, reason)
        if problem is not None:
            problems.append(problem)
            continue
        skips.append(InlineSkip(path, number, policy_id, reason))
        if whole_line:
            pending.append(len(skips) - 1)
    return skips, problems


def _with_above(skip: InlineSkip, line: int) -> InlineSkip:
    return InlineSkip(skip.file, skip.line, skip.policy_id, skip.reason, above=line)


def _problem(path: Path, line: int, policy_id: str, reason: str) -> Problem | None:
    if not policy_id:
        return Problem(str(path), line, f"{MARKER}<POLICY-ID> <reason>: the policy id is missing")
    if not reason:
        return Problem(
            str(path),
            line,
            f"{MARKER}{policy_id} has no reason; write why it is accepted after the id "
            f"({MARKER}{policy_id} <reason>)",
        )
    return None


def read_skips(files: Sequence[Path]) -> tuple[list[InlineSkip], list[Problem]]:
    """Every skip comment in ``files`` and every malformed one (no id, no reason)."""
    skips: list[InlineSkip] = []
    problems: list[Problem] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(path), None, f"cannot read: {exc.strerror}"))
            continue
        if _MARKER_BYTES not in data:  # the common case: one read, no parsing
            continue
        found, wrong = _hcl_skips(path, data.decode("utf-8", errors="replace"))
        skips.extend(found)
        problems.extend(wrong)
    return skips, problems


def load_skips(
    directories: Sequence[Path], known_ids: Iterable[str], base: Path
) -> list[InlineSkip]:
    """The skips under ``directories``; raises :class:`ValidationFailed` naming every skip
    without a reason or naming an unknown policy (file:line each)."""
    import difflib

    skips, problems = read_skips(terraform_files(directories))
    known = set(known_ids)
    for skip in skips:
        if skip.policy_id not in known:
            close = difflib.get_close_matches(skip.policy_id, sorted(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(
                Problem(
                    display(skip.file, base),
                    skip.line,
                    f"{MARKER}{skip.policy_id}: unknown policy id{hint}",
                )
            )
    if problems:
        shown = [
            Problem(display(Path(p.file), base), p.line, p.message)
            if Path(p.file).is_absolute()
            else p
            for p in problems
        ]
        raise ValidationFailed(sorted(shown, key=lambda p: (p.file, p.line or 0)))
    return skips


def _applies(skip: InlineSkip, file: str, start: int | None, end: int | None, base: Path) -> bool:
    if display(skip.file, base) != file or start is None:
        return False
    return start <= skip.line <= (end or start) or skip.above == start


def skip_waiver(skip: InlineSkip, finding: Finding, base: Path) -> WaiverRef:
    where = skip.where(base)
    return WaiverRef(
        id=f"inline:{where}",
        reason=skip.reason,
        approver=f"inline skip comment at {where}",
        expires=None,
        policy=skip.policy_id,
        resource=finding.resource.location.address
        if finding.resource.location is not None and finding.resource.location.address
        else finding.resource.id,
        kind="inline-skip",
        location=where,
    )


def apply_skips(
    findings: Sequence[Finding], skips: Sequence[InlineSkip], base: Path
) -> tuple[list[Finding], list[str]]:
    """FAIL findings a skip covers become WAIVED (the skip as their waiver); warnings name the
    skips that covered an ERROR or nothing at all."""
    used: set[int] = set()
    seen: dict[int, str] = {}
    out: list[Finding] = []
    for finding in findings:
        location = finding.resource.location
        match: int | None = None
        if location is not None:
            for index, skip in enumerate(skips):
                if skip.policy_id == finding.policy_id and _applies(
                    skip, location.file, location.line_start, location.line_end, base
                ):
                    match = index
                    break
        if match is None:
            out.append(finding)
            continue
        seen.setdefault(match, finding.status)
        if finding.status == "FAIL" and finding.waiver is None:
            used.add(match)
            waiver = skip_waiver(skips[match], finding, base)
            out.append(finding.model_copy(update={"status": "WAIVED", "waiver": waiver}))
        else:
            out.append(finding)
    warnings: list[str] = []
    for index, skip in enumerate(skips):
        if index in used:
            continue
        status = seen.get(index)
        if status == "ERROR":
            why = "its finding is ERROR (not assessed), which a skip cannot accept"
        elif status == "FAIL":
            why = "the failure is already covered by a waivers-file entry"
        elif status is not None:
            why = f"the finding is {status}: nothing to skip (the comment can go)"
        else:
            why = "no finding of that policy on the resource it sits in"
        warnings.append(f"inline skip of {skip.policy_id} at {skip.where(base)} is unused: {why}")
    return out, warnings


__all__ = [
    "MARKER",
    "InlineSkip",
    "apply_skips",
    "load_skips",
    "read_skips",
    "skip_waiver",
    "terraform_files",
]
