"""policies list|show and profile list|show|validate."""

from __future__ import annotations

import os
from pathlib import Path

import click
import yaml

from auditor.cli.common import handle_errors, selection_from, selection_options
from auditor.core.errors import InputError
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import policy_applies
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile, shipped_profiles


@click.group()
def policies() -> None:
    """List and show the policies (checked when loaded)."""


@policies.command("list")
@click.option(
    "--provider",
    type=click.Choice(["aws", "gcp"]),
    default=None,
    help="Only this provider's policies.",
)
@click.option(
    "--profile",
    default=None,
    metavar="NAME|FILE",
    help="Only policies that run under this profile.",
)
@click.option("--safeguard", default=None, help="Only policies for this safeguard key.")
@click.option(
    "--policies",
    "policy_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Extra policy directory.",
)
@selection_options
@handle_errors
def list_policies(
    provider: str | None,
    profile: str | None,
    safeguard: str | None,
    policy_dirs: tuple[Path, ...],
    checks: tuple[str, ...],
    skip_checks: tuple[str, ...],
    services: tuple[str, ...],
    severity: tuple[str, ...],
) -> None:
    """One line per policy: id, severity, safeguard, resource type, title.

    --checks, --skip-checks, --services and --severity preview what a scan, evaluate or iac
    run with the same options would judge.
    """
    from auditor.judge.selection import select_policies, validate_selection

    policy_set = load_default_policies(policy_dirs)
    chosen = list(policy_set.policies)
    selection = selection_from(checks, skip_checks, services, severity)
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
        click.echo(
            f"{p.id:<16} {p.doc.severity:<8} {p.doc.safeguard:<22} {p.resource_type:<34} {p.doc.title}"
        )
    click.echo(f"{len(chosen)} policies", err=True)


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
    click.echo(f"# {found.id}: {found.doc.title}")
    click.echo(f"# safeguard: {catalog.safeguards[found.doc.safeguard].title}")
    for cite in found.doc.citations:
        c = catalog.citations[cite]
        click.echo(f"# cites 45 CFR {c.cfr} {c.title} ({c.kind})")
    click.echo(policy_set.files[found.id].read_text(encoding="utf-8"), nl=False)


@click.group()
def profile() -> None:
    """List, show and validate BAA profiles."""


@profile.command("list")
@handle_errors
def list_profiles() -> None:
    """The shipped profiles."""
    catalog = load_catalog()
    for name in shipped_profiles():
        loaded = load_profile(name, catalog).profile
        click.echo(f"{name:<16} {len(loaded.promises)} promises  {loaded.title}")


@profile.command("show")
@click.argument("name_or_file")
@handle_errors
def show_profile(name_or_file: str) -> None:
    """Print a profile's promises and resolved parameters."""
    loaded = load_profile(name_or_file, load_catalog())
    prof = loaded.profile
    click.echo(f"{prof.id}: {prof.title}  ({loaded.source})")
    for promise in prof.promises:
        click.echo(f'- {promise.id} [{", ".join(promise.safeguards)}]: "{promise.clause}"')
    params = {k: v for k, v in prof.parameters().resolved().items() if v is not None}
    click.echo(yaml.safe_dump({"parameters": params}, sort_keys=True), nl=False)


@profile.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@handle_errors
def validate_profile(file: Path) -> None:
    """Check a profile file: schema, safeguards, parameters. Exit 2 with file:line on mistakes."""
    if not file.is_file():
        raise InputError("profile file not found", file=file)
    loaded = load_profile(str(file), load_catalog())
    policy_set = load_default_policies()
    prof = loaded.profile
    params = prof.parameters().resolved()
    promised = prof.promised_safeguards()
    running = [p for p in policy_set.policies if policy_applies(p, params, promised)]
    click.echo(
        f"{file}: valid profile {prof.id!r} with {len(prof.promises)} promises; {len(running)} policies apply"
    )
    for key in sorted(promised):
        if not any(p.doc.safeguard == key for p in running):
            click.echo(
                f"{file}: note: no policy checks safeguard {key!r} with these parameters", err=True
            )


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
    every unknown id is reported (not only the first). Exit 1 when any case fails.
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
    for policy in chosen:
        try:
            outcomes = run_policy_cases(
                policy, policy_set.files[policy.id], policy_set, types, policy_set.catalog
            )
        except BaaAuditError as exc:  # e.g. a case naming an unknown profile: report, go on
            total += 1
            failed += 1
            click.echo(f"FAIL {policy.id}: cases file: {exc}")
            continue
        for outcome in outcomes:
            total += 1
            if not outcome.ok:
                failed += 1
                click.echo(f"FAIL {policy.id}: {outcome.name}: {outcome.problem}")
    click.echo(f"{total - failed} passed, {failed} failed ({len(chosen)} policies)")
    if failed:
        raise SystemExit(1)


__all__ = ["policies", "profile"]
