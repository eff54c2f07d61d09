"""policies list|show|test and profile list|show|validate|from-baa|diff."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import click
import yaml

from auditor import __version__
from auditor.cli.common import (
    choice_option,
    echo_err,
    echo_out,
    file_option,
    handle_errors,
    listing_format_option,
    policy_dirs_option,
    profile_named,
    selection_options,
)
from auditor.core.errors import InputError, ValidationFailed
from auditor.core.fileio import write_text_atomic
from auditor.judge.baa_text import (
    Draft,
    NoPromise,
    SourceFormat,
    detect_format,
    draft_profile,
    load_rules,
    profile_yaml,
)
from auditor.judge.catalog import Catalog, load_catalog
from auditor.judge.engine import policy_applies
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import Profile, load_profile, shipped_profiles, unreviewed
from auditor.judge.selection import Selection


@click.group()
def policies() -> None:
    """List and show the policies (checked when loaded)."""


@policies.command("list")
@click.option(
    "--provider",
    type=click.Choice(["aws", "gcp", "postgres"]),
    default=None,
    help="Only this provider's policies.",
)
@profile_named("Only policies that run under this profile.", default=None)
@click.option("--safeguard", default=None, help="Only policies for this safeguard key.")
@policy_dirs_option("Extra policy directory.")
@selection_options
@handle_errors
def list_policies(
    provider: str | None,
    profile: str | None,
    safeguard: str | None,
    policy_dirs: tuple[Path, ...],
    selection: Selection | None,
) -> None:
    """One line per policy: id, severity, safeguard, resource type, title.

    --checks, --skip-checks, --services and --severity preview what a scan, evaluate or iac
    run with the same options would judge.
    """
    from auditor.judge.selection import select_policies, validate_selection

    policy_set = load_default_policies(policy_dirs)
    chosen = list(policy_set.policies)
    if selection is not None:
        validate_selection(selection, chosen)
        chosen = list(select_policies(chosen, selection).chosen)
    if profile:
        loaded = load_profile(profile, policy_set.catalog).profile
        params = loaded.parameters().resolved()
        promised = loaded.promised_safeguards()
        chosen = [p for p in chosen if policy_applies(p, params, promised)]
    if provider:
        chosen = [p for p in chosen if p.provider == provider]
    if safeguard:
        if safeguard not in policy_set.catalog.safeguards:
            raise InputError(
                f"unknown safeguard {safeguard!r}; known: {', '.join(policy_set.catalog.safeguards)}"
            )
        chosen = [p for p in chosen if p.doc.safeguard == safeguard]
    for p in chosen:
        echo_out(
            f"{p.id:<16} {p.doc.severity:<8} {p.doc.safeguard:<22} {p.resource_type:<34} {p.doc.title}"
        )
    echo_err(f"{len(chosen)} policies")


@policies.command("show")
@click.argument("policy_id")
@handle_errors
def show_policy(policy_id: str) -> None:
    """Print one policy's file, with the titles of its safeguard and citations."""
    policy_set = load_default_policies()
    found = policy_set.by_id().get(policy_id)
    if found is None:
        raise InputError(f"unknown policy {policy_id!r}; see 'baa-audit policies list'")
    catalog = policy_set.catalog
    echo_out(f"# {found.id}: {found.doc.title}")
    echo_out(f"# safeguard: {catalog.safeguards[found.doc.safeguard].title}")
    for cite in found.doc.citations:
        c = catalog.citations[cite]
        echo_out(f"# cites 45 CFR {c.cfr} {c.title} ({c.kind})")
    echo_out(policy_set.files[found.id].read_text(encoding="utf-8"), nl=False)


@click.group()
def profile() -> None:
    """List, show, validate and compare BAA profiles, and draft one from a BAA's text."""


@profile.command("list")
@handle_errors
def list_profiles() -> None:
    """The shipped profiles."""
    catalog = load_catalog()
    for name in shipped_profiles():
        loaded = load_profile(name, catalog).profile
        echo_out(f"{name:<16} {len(loaded.promises)} promises  {loaded.title}")


@profile.command("show")
@click.argument("name_or_file")
@handle_errors
def show_profile(name_or_file: str) -> None:
    """Print a profile's promises and resolved parameters."""
    loaded = load_profile(name_or_file, load_catalog())
    prof = loaded.profile
    echo_out(f"{prof.id}: {prof.title}  ({loaded.source})")
    if prof.draft is not None:
        state = (
            f"approved by {prof.draft.reviewed_by} on {prof.draft.approved_on}"
            if prof.draft.approved()
            else "NOT YET APPROVED"
        )
        echo_out(
            f"# drafted from {prof.baa.source} ({prof.draft.generated_by}): {state}; "
            f"{len(prof.review)} sentences listed for review"
        )
    for promise in prof.promises:
        echo_out(f'- {promise.id} [{", ".join(promise.safeguards)}]: "{promise.clause}"')
    params = {k: v for k, v in prof.parameters().resolved().items() if v is not None}
    echo_out(yaml.safe_dump({"parameters": params}, sort_keys=True), nl=False)


@profile.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Also refuse a profile drafted from a BAA (profile from-baa) that no one has approved.",
)
@handle_errors
def validate_profile(file: Path, strict: bool) -> None:
    """Check a profile file: schema, safeguards, parameters. Exit 2 with file:line on mistakes.

    A draft written by 'profile from-baa' is valid but unreviewed until draft.reviewed_by and
    draft.approved_on are filled: validate warns, and with --strict refuses it (exit 2).
    """
    if not file.is_file():
        raise InputError("profile file not found", file=file)
    loaded = load_profile(str(file), load_catalog())
    pending = unreviewed(file)
    if pending and strict:
        raise ValidationFailed(pending)
    for problem in pending:
        echo_err(f"{problem} (warning)")
    if loaded.profile.review and pending:
        echo_err(
            f"{file}: warning: {len(loaded.profile.review)} sentences of the BAA are listed for review"
        )
    policy_set = load_default_policies()
    prof = loaded.profile
    params = prof.parameters().resolved()
    promised = prof.promised_safeguards()
    running = [p for p in policy_set.policies if policy_applies(p, params, promised)]
    echo_out(
        f"{file}: valid profile {prof.id!r} with {len(prof.promises)} promises; {len(running)} policies apply"
    )
    attested = {s for p in prof.promises if p.manual_evidence for s in p.safeguards}
    for key in sorted(promised):
        if not any(p.doc.safeguard == key for p in running):
            rests = "; the promise rests on its attestation" if key in attested else ""
            echo_err(
                f"{file}: note: no policy checks safeguard {key!r} with these parameters{rests}"
            )


#: a BAA is a few dozen kilobytes, a saved trust-centre page a few hundred
MAX_BAA_BYTES = 1024 * 1024
_BAA_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")


def _read_baa(file: Path) -> tuple[str, str]:
    """The BAA's text (UTF-8, line endings kept, so offsets are true) and its SHA-256."""
    if not file.is_file():
        raise InputError("BAA file not found", file=file)
    try:
        size = file.stat().st_size
        if size > MAX_BAA_BYTES:
            raise InputError(f"BAA file is {size} bytes; the limit is {MAX_BAA_BYTES}", file=file)
        with file.open("rb") as handle:
            data = handle.read(MAX_BAA_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read BAA file: {exc.strerror}", file=file) from None
    if len(data) > MAX_BAA_BYTES:
        raise InputError(f"BAA file is over the limit of {MAX_BAA_BYTES} bytes", file=file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}); save the BAA as UTF-8 plain text, Markdown or HTML",
            file=file,
        ) from None
    if "\x00" in text:
        raise InputError("a binary file, not a BAA's text (PDF? save it as text first)", file=file)
    return text, hashlib.sha256(data).hexdigest()


def _draft(
    file: Path,
    catalog: Catalog,
    source_format: str,
    base: str | None = None,
    profile_id: str | None = None,
) -> tuple[Draft, str]:
    text, digest = _read_baa(file)
    base_profile: Profile | None = load_profile(base, catalog).profile if base else None
    rules = load_rules(safeguards=set(catalog.safeguards))
    fmt: SourceFormat = (
        detect_format(file.name, text) if source_format == "auto" else source_format  # type: ignore[assignment]
    )
    try:
        drafted = draft_profile(
            text,
            source_name=file.name,
            source_format=fmt,
            source_sha256=digest,
            rules=rules,
            generated_by=f"baa-audit {__version__} profile from-baa",
            base=base_profile,
            base_name=base,
            profile_id=profile_id,
        )
    except NoPromise as exc:
        raise InputError(f"{exc}: is this a BAA?", file=file) from None
    except ValueError as exc:  # SourceError: not readable in bounded time
        raise InputError(str(exc), file=file) from None
    return drafted, profile_yaml(drafted.profile)


def _check_draft(document: str, catalog: Catalog) -> None:
    """The draft passes exactly what 'profile validate' checks (it is loaded the same way)."""
    with tempfile.TemporaryDirectory(prefix="baa-audit-draft-") as tmp:
        path = Path(tmp) / "draft.yaml"
        path.write_text(document, encoding="utf-8")
        load_profile(str(path), catalog)


@profile.command("from-baa")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@file_option(
    "--out",
    metavar="PROFILE.yaml",
    help="Write the draft here (atomically) instead of printing it.",
)
@click.option(
    "--base",
    default=None,
    metavar="NAME|FILE",
    help="Take the settings the BAA does not state (tag keys, log detectors, audit log retention, "
    "key rotation) from this profile: a shipped name or a file. A base of the same agreement also "
    "supplies the values its clauses leave unset, each listed under from_base.",
)
@choice_option(
    "--source-format",
    choices=["auto", "text", "markdown", "html"],
    default="auto",
    help="How to read FILE (auto: by its name, then its content).",
)
@click.option(
    "--id", "profile_id", default=None, help="Profile id (default: from the BAA's party)."
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@handle_errors
def profile_from_baa(
    file: Path,
    out: Path | None,
    base: str | None,
    source_format: str,
    profile_id: str | None,
    force: bool,
) -> None:
    """Draft a profile from a BAA or trust-centre page (plain text, Markdown or HTML).

    Every promise the rules recognise is written with its clause quoted exactly (and its character
    offsets in FILE), its safeguards and the parameters the text states. Vague wording keeps the
    promise with a note and no value; promises answered by documents say what to attach
    under manual_evidence; obligations no rule maps are listed under review. The draft passes
    'profile validate', and 'profile validate --strict' refuses it until a person approves it.

    \b
    Examples:
      baa-audit profile from-baa vendor-baa.txt --out vendor.yaml --base strict
      baa-audit profile from-baa saved-trust-page.html | less
    """
    if out is not None and out.exists() and not force:
        raise InputError("the profile file exists; use --force to overwrite it", file=out)
    catalog = load_catalog()
    drafted, document = _draft(file, catalog, source_format, base, profile_id)
    _check_draft(document, catalog)
    stats = drafted.stats
    summary = (
        f"{file}: {stats.promises} promises ({stats.text_parameters} parameters from the BAA"
        + (f", {stats.base_parameters} settings from {base}" if base else "")
        + f"), {stats.attestation_promises} answered by attestation, {stats.vague_promises} vague "
        f"or without a value, {stats.review} sentences to review"
    )
    if out is None:
        echo_out(document, nl=False)
        echo_err(summary)
        return
    write_text_atomic(out, document)
    echo_err(f"{summary}; draft written to {out}")


def _profile_or_draft(ref: str, catalog: Catalog) -> tuple[Profile, str]:
    path = Path(ref)
    if path.suffix.lower() in _BAA_SUFFIXES:
        drafted, _ = _draft(path, catalog, "auto")
        return drafted.profile, f"{ref}, drafted"
    loaded = load_profile(ref, catalog)
    return loaded.profile, loaded.source


@profile.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@listing_format_option(
    "json",
    "A readable table, or JSON.",
)
@handle_errors
def profile_diff(a: str, b: str, fmt: str) -> None:
    """Show what B promises that A does not, and the reverse.

    A and B are profiles (a shipped name or a YAML file) or BAAs (.txt, .md, .html: drafted
    on the fly). Promises pair by id, then by safeguards; parameters are compared per promise and
    over the whole profile.

    \b
    Examples:
      baa-audit profile diff hipaa-baseline strict
      baa-audit profile diff imepro-baa.txt littleclouds-baa.txt --format json

    Exit code 0 when they promise the same, 4 when they differ.
    """
    from auditor.judge.profile_diff import diff_profiles, render_profile_diff

    catalog = load_catalog()
    left, source_a = _profile_or_draft(a, catalog)
    right, source_b = _profile_or_draft(b, catalog)
    result = diff_profiles(left, right, source_a, source_b)
    if fmt == "json":
        echo_out(result.model_dump_json(indent=2))
    else:
        echo_out(render_profile_diff(result), nl=False)
    sys.exit(0 if result.is_empty() else 4)


def _policies_values(values: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """``--policies`` of ``policies test``: each value an existing directory (your own
    policies) or policy ids (comma lists and globs)."""
    dirs: list[Path] = []
    ids: list[str] = []
    for value in values:
        path = Path(value)
        if path.is_dir() or os.sep in value or value.startswith("."):
            dirs.append(path)
        else:
            ids.append(value)
    return dirs, ids


@policies.command("test")
@click.argument("policy_ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--checks",
    "--check",
    "checks",
    multiple=True,
    metavar="ID[,ID]",
    help="Only these policies' cases: ids or globs (AWS-S3-*), repeatable or comma-separated.",
)
@click.option(
    "--policies",
    "policy_values",
    multiple=True,
    metavar="DIR|ID[,ID]",
    help="A directory of your own policies (then only its policies' cases run, unless ids are "
    "given), or policy ids as for --checks. Repeatable.",
)
@handle_errors
def test_policies(
    policy_ids: tuple[str, ...], checks: tuple[str, ...], policy_values: tuple[str, ...]
) -> None:
    """Run each policy's cases (<ID>.cases.yaml beside it) through the engine.

    \b
    Examples:
      baa-audit policies test                          every shipped policy's cases
      baa-audit policies test AWS-ELB-001              one policy's cases
      baa-audit policies test --policies 'AWS-S3-*,GCP-SQL-001'
      baa-audit policies test --policies my-policies/  your own policies' cases

    Every policy needs PASS, FAIL, ERROR and NOT_APPLICABLE cases. Every failing case and
    every unknown id is reported (not only the first). Exit 1 when any case fails; exit 2 when
    a cases file cannot be read (every such file is named).
    """
    from auditor.core.errors import BaaAuditError, Problem, ValidationFailed
    from auditor.core.model.registry import resource_types
    from auditor.judge.policy.cases import run_policy_cases
    from auditor.judge.selection import Selection, check_selection, select_policies

    dirs, named = _policies_values(policy_values)
    policy_set = load_default_policies(dirs)
    selection = Selection.of(checks=(*policy_ids, *checks, *named))
    unknown = check_selection(selection, policy_set.policies)
    if unknown:
        raise ValidationFailed([Problem("policies test", None, p.message) for p in unknown])
    chosen = list(policy_set.policies)
    if selection.checks:
        chosen = list(select_policies(chosen, selection).chosen)
    elif dirs:  # your own directory and no ids: its policies only
        roots = [d.resolve() for d in dirs]
        chosen = [
            p
            for p in chosen
            if any(policy_set.files[p.id].resolve().is_relative_to(r) for r in roots)
        ]
    types = resource_types()
    failed = 0
    total = 0
    unreadable: list[Problem] = []
    for policy in chosen:
        try:
            outcomes = run_policy_cases(
                policy, policy_set.files[policy.id], policy_set, types, policy_set.catalog
            )
        except ValidationFailed as exc:  # a cases file that cannot be read: bad input
            unreadable.extend(exc.problems)
            continue
        except InputError as exc:
            if exc.file is not None:  # located in the file: unreadable (exit 2), go on
                unreadable.append(Problem(exc.file, exc.line, str(exc).split(": ", 1)[-1]))
                continue
            total += 1  # e.g. a case naming an unknown profile: a failing case; go on
            failed += 1
            echo_out(f"FAIL {policy.id}: cases file: {exc}")
            continue
        except BaaAuditError as exc:
            total += 1
            failed += 1
            echo_out(f"FAIL {policy.id}: cases file: {exc}")
            continue
        for outcome in outcomes:
            total += 1
            if not outcome.ok:
                failed += 1
                echo_out(f"FAIL {policy.id}: {outcome.name}: {outcome.problem}")
    echo_out(f"{total - failed} passed, {failed} failed ({len(chosen)} policies)")
    if unreadable:  # every unreadable cases file at once, then exit 2 (input error)
        raise ValidationFailed(unreadable)
    if failed:
        raise SystemExit(1)


__all__ = ["policies", "profile"]
