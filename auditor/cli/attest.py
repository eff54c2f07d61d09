"""attest template|validate, and copying attested documents into a run's output directory."""

from __future__ import annotations

import fnmatch
import json
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

import click

from auditor.cli.common import (
    cloud_option,
    echo_err,
    echo_out,
    fail,
    file_option,
    handle_errors,
    policy_dirs_option,
    profile_named,
)
from auditor.cli.pipeline import EXIT_USAGE, now_utc
from auditor.core.errors import InputError, Problem
from auditor.core.fileio import sha256_bytes, write_bytes_atomic, write_text_atomic
from auditor.judge.attestation_needs import Need, attestation_needs
from auditor.judge.attestations import (
    BUNDLE_DIR,
    FILE_IN_BUNDLE,
    AttestationSet,
    load_partial,
    reference_problems,
)
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

_WIDTH = 96
_LINE_BREAKS = re.compile(r"[\r\n\x85\u2028\u2029]+")
#: A document's place in the output directory: attestations/<16 hex>/<safe name>.
_DOCUMENT_PLACE = re.compile(rf"^{BUNDLE_DIR}/[0-9a-f]{{16}}/[A-Za-z0-9._-]+$")


# -- documents into the output directory ----------------------------------------------------------
def copy_documents(attestations: AttestationSet | None, out: Path) -> list[Path]:
    """Copy the attestations file and every document found into ``out/attestations/``.

    The HTML report links each document there, and ``bundle`` (or ``scan --bundle``) carries
    them. Documents a previous run left in that folder that this run does not name are removed,
    so the folder (and a bundle of it) holds exactly this run's evidence. A document that changed
    since it was hashed is refused: the result would name other bytes than the copy.
    """
    _remove_stale(out, set(attestations.documents()) if attestations else set())
    if attestations is None:
        (out / FILE_IN_BUNDLE).unlink(missing_ok=True)
        return []
    written: list[Path] = []
    target = out / FILE_IN_BUNDLE
    data = attestations.file.read_bytes()
    if sha256_bytes(data) != attestations.sha256:
        raise InputError(
            "attestations file changed while the run was written", file=attestations.file
        )
    write_bytes_atomic(target, data)
    written.append(target)
    for place, source in attestations.documents().items():
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read document: {exc.strerror}", file=source) from None
        digest = place.split("/")[1]
        if not sha256_bytes(data).startswith(digest):
            raise InputError("document changed while the run was written", file=source)
        path = out / place
        write_bytes_atomic(path, data)
        written.append(path)
    return written


def _remove_stale(out: Path, keep: set[str]) -> None:
    """Remove documents an earlier run copied into ``out`` that this run does not name."""
    folder = out / BUNDLE_DIR
    if not folder.is_dir():
        return
    for stale in sorted(folder.glob("*/*")):
        place = stale.relative_to(out).as_posix()
        if stale.is_file() and _DOCUMENT_PLACE.match(place) and place not in keep:
            stale.unlink()
            if not any(stale.parent.iterdir()):
                stale.parent.rmdir()


# -- attest template ------------------------------------------------------------------------------
def _comment(text: str, indent: str = "  ", lead: str = "# ") -> list[str]:
    flat = _LINE_BREAKS.sub(" ", text).strip()
    width = _WIDTH - len(indent) - len(lead)
    return [f"{indent}{lead}{line}".rstrip() for line in textwrap.wrap(flat, width) or [""]]


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _entry(need: Need) -> list[str]:
    lines = ["", "  # " + "-" * (_WIDTH - 4)]
    lines += _comment(need.title)
    for ref in need.clauses:
        where = f"§ {ref.section}, " if ref.section else ""
        lines += _comment(
            f"Answers promise {ref.promise} ({where}quoted): \u201c{ref.clause}\u201d"
        )
        for name, value in sorted(ref.parameters.items()):
            shown = (
                ", ".join(map(str, value))
                if isinstance(value, list)
                else json.dumps(value)
                if isinstance(value, bool)
                else value
            )
            lines += _comment(f"{name} = {shown}", lead="#   ")
    lines += _comment(f"Attach: {need.attach}")
    lines.append(f"  - id: {need.suggested_id}")
    lines.append(f"    {need.key}: {need.target}")
    lines.append('    document: ""          # a path relative to this file, or an https:// URL')
    lines.append("    # sha256: ...         # required for a URL; checked when given for a file")
    lines.append('    signed_by: ""         # who signed or approved it (name and role)')
    lines.append("    signed_on: null       # YYYY-MM-DD")
    lines.append("    review_by: null       # YYYY-MM-DD: when it must be reviewed again")
    if need.vendor is not None:
        lines.append("    scope:")
        lines.append(f"      vendors: [{_quoted(need.vendor)}]")
    elif need.provider is not None:
        key = "accounts" if need.provider == "aws" else "projects"
        lines.append(f"    # scope: {{{key}: [...]}}   # optional: only these {key} (globs)")
    return lines


def render_template(profile_id: str, title: str, baa: str, needs: Sequence[Need]) -> str:
    today = now_utc().date().isoformat()
    lines = [
        f"# Attestations for profile {profile_id} ({title}); BAA: {baa}.",
        f"# Written by 'baa-audit attest template --profile {profile_id}' on {today}.",
        "#",
        "# Each entry answers one promise or policy whose findings no API can show (MANUAL). Fill",
        "# in the document (a path relative to this file, or a URL with its sha256), who signed or",
        "# approved it, when, and when it must be reviewed again. Delete an entry you cannot fill:",
        "# its findings stay MANUAL. Then check the file and use it:",
        f"#   baa-audit attest validate attestations.yaml --profile {profile_id}",
        f"#   baa-audit scan ... --profile {profile_id} --attestations attestations.yaml --bundle evidence.zip",
        "# Format: docs/attestations.md.",
        "version: 1",
        f"profile: {_quoted(profile_id)}",
        "attestations:",
    ]
    if not needs:
        lines[-1] = "attestations: []   # this profile needs no attestation"
    for need in needs:
        lines += _entry(need)
    return "\n".join(lines) + "\n"


@click.group()
def attest() -> None:
    """Attestations: the signed documents that answer what no API can show.

    \b
    The workflow of a compliance team:
      baa-audit attest template --profile strict --out attestations.yaml
      (fill in each entry: document, signed_by, signed_on, review_by)
      baa-audit attest validate attestations.yaml --profile strict
      baa-audit scan --provider aws --profile strict --attestations attestations.yaml \\
          --out out/ --bundle evidence.zip
      baa-audit verify evidence.zip
    """


@attest.command("template")
@profile_named(required=True)
@cloud_option("Only the policies of this cloud (contractual promises are always listed).")
@policy_dirs_option("Extra directory of your own policies (repeatable).")
@file_option(
    "--out",
    help="Write the skeleton here (default: standard output).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@handle_errors
def template(
    profile: str, provider: str, policy_dirs: tuple[Path, ...], out: Path | None, force: bool
) -> None:
    """Write the skeleton of every attestation a profile needs, with the clause each answers.

    One entry per contractual promise (per vendor where the promise names subprocessors) and
    per policy that can only be shown by evidence (MANUAL), each with the BAA's clause, the
    parameters it promises and the evidence to attach, as YAML comments.
    """
    policies = load_default_policies(policy_dirs)
    prof = load_profile(profile, policies.catalog).profile
    needs = [
        n
        for n in attestation_needs(prof, policies)
        if provider == "all" or n.provider in (None, provider)
    ]
    text = render_template(prof.id, prof.title, prof.baa.name, needs)
    if out is None:
        echo_out(text, nl=False)
        return
    if out.exists() and not force:
        raise InputError("file exists (use --force to overwrite)", file=out)
    write_text_atomic(out, text)
    echo_err(f"baa-audit: wrote {out} ({len(needs)} attestations to fill in)")


# -- attest validate ------------------------------------------------------------------------------
def _document_problems(attestations: AttestationSet, today: date) -> list[Problem]:
    problems: list[Problem] = []
    file = str(attestations.file)
    for item in attestations.entries:
        entry, doc = item.entry, item.document
        if doc.state != "found":
            problems.append(
                Problem(file, item.document_line, f"attestation {entry.id}: {doc.detail}")
            )
        if entry.signed_on > today:
            problems.append(
                Problem(
                    file,
                    item.line,
                    f"attestation {entry.id}: signed_on {entry.signed_on} is in the future",
                )
            )
    return problems


def _date_warnings(attestations: AttestationSet, today: date, days: int) -> list[str]:
    warnings = []
    horizon = today + timedelta(days=days)
    for item in attestations.entries:
        e = item.entry
        if today > e.review_by:
            warnings.append(
                f"attestation {e.id}: {e.document} was due for review on {e.review_by}; "
                "a run judges what it answers FAIL"
            )
        elif e.review_by <= horizon:
            warnings.append(f"attestation {e.id}: {e.document} is due for review on {e.review_by}")
    return warnings


def _answered(need: Need, attestations: AttestationSet) -> bool:
    """Whether some entry would answer the MANUAL item ``need`` stands for."""
    for item in attestations.entries:
        e = item.entry
        if need.kind == "policy":
            if e.policy == need.target or e.promise in {c.promise for c in need.clauses}:
                return True
        elif e.promise == need.target:
            if e.scope is None:
                return True
            vendor = (need.vendor or "").lower()
            if need.kind == "vendor" and any(
                fnmatch.fnmatch(vendor, v.lower()) for v in e.scope.vendors
            ):
                return True
    return False


def _unanswered(attestations: AttestationSet, needs: Iterable[Need]) -> list[str]:
    out = []
    for need in needs:
        if not _answered(need, attestations):
            what = f"{need.key} {need.target}" + (f" (vendor {need.vendor})" if need.vendor else "")
            out.append(f"no attestation answers {what}; its findings stay MANUAL")
    return out


@attest.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@profile_named(
    default=None,
    help="Also check the promises named against this profile, and list what it needs that the "
    "file does not answer.",
)
@policy_dirs_option("Extra directory of your own policies (repeatable).")
@click.option(
    "--warning-days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Warn about reviews due within this many days.",
)
@handle_errors
def validate(
    file: Path, profile: str | None, policy_dirs: tuple[Path, ...], warning_days: int
) -> None:
    """Check an attestations file: every mistake at once, each as file:line; exit 2 on any.

    Checks the format (strict types, real dates, review after signing, unique ids), that every
    policy named exists (and, with --profile, every promise), and that every document exists and
    matches the SHA-256 recorded for it (a URL needs one). Overdue and soon-due reviews are
    warnings: a run judges an overdue attestation's findings FAIL.
    """
    loaded, problems = load_partial(file)
    policies = load_default_policies(policy_dirs)
    prof = load_profile(profile, policies.catalog).profile if profile else None
    if prof is not None and loaded.profile is not None and loaded.profile != prof.id:
        problems.append(
            Problem(
                str(file),
                None,
                f"the file is written for profile {loaded.profile!r}, not {prof.id!r}",
            )
        )
    refs, warnings = reference_problems(loaded, prof, (p.id for p in policies.policies))
    today = now_utc().date()
    problems += refs + _document_problems(loaded, today)
    warnings += _date_warnings(loaded, today, warning_days)
    if prof is not None:
        warnings += _unanswered(loaded, attestation_needs(prof, policies))
    for item in loaded.entries:
        e, doc = item.entry, item.document
        digest = f"sha256:{doc.sha256}" if doc.sha256 else "no digest"
        echo_out(
            f"{e.id:<28} {e.answers:<34} {e.document} {digest} (signed {e.signed_on} by "
            f"{e.signed_by}; review by {e.review_by})"
        )
    for warning in warnings:
        echo_err(f"baa-audit: warning: {warning}")
    if problems:
        for problem in sorted(problems, key=lambda p: (p.line or 0, p.message)):
            fail(str(problem))
        echo_err(f"baa-audit: {file}: {len(problems)} mistake{'s' if len(problems) != 1 else ''}")
        sys.exit(EXIT_USAGE)
    files = sum(1 for i in loaded.entries if i.document.source is not None)
    urls = len(loaded.entries) - files
    echo_err(
        f"baa-audit: {file}: {len(loaded.entries)} attestations valid; {files} documents hashed"
        + (f", {urls} URLs with recorded digests" if urls else "")
    )


__all__ = ["attest", "copy_documents", "render_template"]
