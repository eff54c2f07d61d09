"""policies list|show and profile list|show|validate."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from auditor.cli.common import echo_err, echo_out, handle_errors
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
@handle_errors
def list_policies(
    provider: str | None, profile: str | None, safeguard: str | None, policy_dirs: tuple[Path, ...]
) -> None:
    """One line per policy: id, severity, safeguard, resource type, title."""
    policy_set = load_default_policies(policy_dirs)
    chosen = list(policy_set.policies)
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
    """List, show and validate BAA profiles."""


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
    for promise in prof.promises:
        echo_out(f'- {promise.id} [{", ".join(promise.safeguards)}]: "{promise.clause}"')
    params = {k: v for k, v in prof.parameters().resolved().items() if v is not None}
    echo_out(yaml.safe_dump({"parameters": params}, sort_keys=True), nl=False)


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
    echo_out(
        f"{file}: valid profile {prof.id!r} with {len(prof.promises)} promises; {len(running)} policies apply"
    )
    for key in sorted(promised):
        if not any(p.doc.safeguard == key for p in running):
            echo_err(f"{file}: note: no policy checks safeguard {key!r} with these parameters")


@policies.command("test")
@click.argument("policy_ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--policies",
    "policy_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Extra policy directory (your own policies).",
)
@handle_errors
def test_policies(policy_ids: tuple[str, ...], policy_dirs: tuple[Path, ...]) -> None:
    """Run each policy's cases (<ID>.cases.yaml beside it) through the engine.

    Every policy needs PASS, FAIL, ERROR and NOT_APPLICABLE cases. Exit 1 when any case fails.
    """
    from auditor.core.model.registry import resource_types
    from auditor.judge.policy.cases import run_policy_cases

    policy_set = load_default_policies(policy_dirs)
    chosen = [p for p in policy_set.policies if not policy_ids or p.id in policy_ids]
    unknown = set(policy_ids) - {p.id for p in chosen}
    if unknown:
        raise InputError(f"unknown policy {sorted(unknown)[0]!r}")
    types = resource_types()
    failed = 0
    total = 0
    for policy in chosen:
        for outcome in run_policy_cases(
            policy, policy_set.files[policy.id], policy_set, types, policy_set.catalog
        ):
            total += 1
            if not outcome.ok:
                failed += 1
                echo_out(f"FAIL {policy.id}: {outcome.name}: {outcome.problem}")
    echo_out(f"{total - failed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


__all__ = ["policies", "profile"]
