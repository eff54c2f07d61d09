"""baa-audit demo: the whole path on a bundled sample environment, no cloud account, no network."""

from __future__ import annotations

import contextlib
import sys
from datetime import date, timedelta
from pathlib import Path

import click

from auditor.cli.common import format_option, handle_errors, quiet_option
from auditor.cli.pipeline import (
    SNAPSHOT_FILE,
    check_formats,
    check_history,
    check_out_dir,
    collect_to_snapshot,
    default_history_path,
    evaluate_inventory,
    finish_run,
    load_inputs,
    now_utc,
)
from auditor.collect.base import CollectOptions
from auditor.core.errors import CollectionError
from auditor.core.fileio import sha256_file, write_text_atomic
from auditor.core.inventory import load_snapshot
from auditor.core.progress import close_progress, make_progress


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Directory for the demo's outputs.",
)
@click.option(
    "--profile",
    default="strict",
    show_default=True,
    metavar="NAME|FILE",
    help="BAA profile to judge the sample environment against.",
)
@click.option(
    "--provider",
    type=click.Choice(["aws", "gcp", "all"]),
    default="all",
    show_default=True,
    help="Which emulated cloud to scan.",
)
@format_option
@quiet_option
@handle_errors
def demo(out: Path, profile: str, provider: str, formats: tuple[str, ...], quiet: bool) -> None:
    """Run the full audit on a bundled sample environment.

    Starts an emulated AWS account (moto's server on 127.0.0.1) and an emulated GCP organization
    (a local Cloud Asset API), seeds them with compliant and non-compliant resources, scans them
    with the real collectors over HTTP, and writes the snapshot, result and reports.
    """
    started = now_utc()
    chosen = check_formats(
        formats if formats != ("json", "markdown") else ("json", "markdown", *_rich_formats())
    )
    check_out_dir(out)
    db = default_history_path(out)
    check_history(db)
    waivers = out / "waivers.yaml"
    write_text_atomic(waivers, demo_waivers(now_utc().date()))
    inputs = load_inputs(profile, waivers)
    try:
        from baa_audit_sample import environment
    except ImportError as exc:
        raise CollectionError(
            f"the demo needs its extras ({exc.name}): pip install 'baa-audit[demo,aws,gcp]'"
        ) from None
    progress = make_progress(quiet)
    snapshot = out / SNAPSHOT_FILE
    try:
        with contextlib.ExitStack() as stack:
            providers, options = stack.enter_context(environment(provider))
            options.params = inputs.profile.profile.parameters()
            collect_to_snapshot(providers, options, snapshot, progress, source="demo")
    finally:
        close_progress(progress)
    inventory = load_snapshot(snapshot)
    result = evaluate_inventory(inventory, inputs, sha256_file(snapshot), started)
    outputs, recorded = finish_run(result, out, chosen, db)
    written = [snapshot, *outputs]
    click.echo("", err=True)
    click.echo(
        f"Demo audit against profile {result.profile.id!r} ({result.profile.baa_name}):", err=True
    )
    for promise in result.promises:
        click.echo(f"  {promise.verdict:<15} {promise.id}: {promise.clause[:90]}", err=True)
    counts = ", ".join(f"{k} {v}" for k, v in result.summary.items())
    click.echo(f"Findings: {counts}", err=True)
    click.echo("Outputs:", err=True)
    for path in written:
        click.echo(f"  {path}", err=True)
    if recorded is not None:
        hint = "the report shows the trend" if recorded[1] > 1 else "run again to see a trend"
        click.echo(f"  {db} (run #{recorded[1]}; {hint})", err=True)
    report = next(
        (p for p in written if p.suffix == ".html"),
        next((p for p in written if p.suffix == ".md"), written[-1]),
    )
    click.echo(f"Open the report: {report}")
    _ = CollectOptions  # the environment yields options of this type
    sys.exit(0)


def demo_waivers(today: date) -> str:
    """Two waivers for the sample account: one in force (expiring soon), one already expired."""
    soon = (today + timedelta(days=20)).isoformat()
    past = (today - timedelta(days=5)).isoformat()
    return f"""# Waivers for the demo account (written by 'baa-audit demo'; the format of --waivers).
waivers:
  - id: W-DEMO-001
    policy: AWS-IAM-004
    resource: "arn:aws:iam::*:user/ci-bot"
    reason: CI deploy user keeps a directly attached policy until the pipeline moves to OIDC roles (SEC-101)
    approver: security-lead@example.com
    expires: {soon}
  - id: W-DEMO-002
    policy: AWS-S3-*
    resource: "arn:aws:s3:::legacy-exports"
    reason: Legacy export bucket was to be decommissioned last month (SEC-087)
    approver: ciso@example.com
    expires: {past}
"""


def _rich_formats() -> tuple[str, ...]:
    from auditor.evidence.render import RENDERERS

    return tuple(name for name in ("html",) if name in RENDERERS)


__all__ = ["demo"]
