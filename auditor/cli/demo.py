"""baa-audit demo: the whole path on a bundled sample environment, no cloud account, no network."""

from __future__ import annotations

import contextlib
import shutil
import sys
import textwrap
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import click

from auditor.cli.common import cloud_option, handle_errors, profile_named, quiet_option
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
from auditor.core.errors import CollectionError
from auditor.core.fileio import sha256_file, write_text_atomic
from auditor.core.inventory import load_snapshot
from auditor.core.progress import BarProgress, NullProgress, Progress, close_progress
from auditor.core.result import STATUSES, RunResult
from auditor.evidence.render import RENDERERS

#: What the demo writes unless --format says otherwise: the result, the Markdown summary and the
#: HTML evidence report (PDF needs WeasyPrint and Pango: add --format pdf).
DEMO_FORMATS: tuple[str, ...] = ("json", "markdown", "html")
#: The emulators' HTTP access log, in the output directory (never on the terminal).
EMULATOR_LOG = "emulator.log"


class _QuietLines(NullProgress):
    """Progress for the demo off a terminal: notes pass through, finished tasks are not listed
    one by one (the demo prints what it collected once, after collecting)."""

    def note(self, message: str) -> None:
        click.echo(f"baa-audit: {message}", err=True)


def _progress(quiet: bool) -> Progress:
    if quiet:
        return NullProgress()
    if sys.stderr.isatty():
        return BarProgress()  # transient: it leaves no lines behind
    return _QuietLines()


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Directory for the demo's outputs.",
)
@profile_named("BAA profile to judge the sample environment against.")
@cloud_option("Which emulated cloud to scan.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=(",".join(DEMO_FORMATS),),
    show_default=True,
    metavar="FORMAT[,FORMAT]",
    help=f"Report formats to write (repeat or comma-separate): {', '.join(RENDERERS)}. "
    "result.json is always written.",
)
@quiet_option
@handle_errors
def demo(out: Path, profile: str, provider: str, formats: tuple[str, ...], quiet: bool) -> None:
    """Run the full audit on a bundled sample environment.

    Starts an emulated AWS account (moto's server on 127.0.0.1) and an emulated GCP organization
    (a local Cloud Asset API), seeds them with compliant and non-compliant resources, scans them
    with the real collectors over HTTP, and writes the snapshot, result and reports. The
    emulators' HTTP log goes to emulator.log in --out.

    The sample is deterministic: two demo runs on the same day find the same resources with the
    same ids, so `baa-audit diff` of their results shows nothing changed.

    \b
    Exit codes: 0 when the demo ran to the end (the sample has FAIL findings by
    design, so they do not make the demo fail); 2 when it could not run (a
    missing extra, an unusable --out, an unknown profile).
    """
    started = now_utc()
    chosen = check_formats(formats)
    check_out_dir(out)
    db = default_history_path(out)
    check_history(db)
    try:
        from baa_audit_sample import environment
        from baa_audit_sample.logs import sample_day
    except ImportError as exc:
        raise CollectionError(
            f"the demo needs its extras ({exc.name}): pip install 'baa-audit[demo,aws,gcp]'"
        ) from None
    out.mkdir(parents=True, exist_ok=True)
    waivers = out / "waivers.yaml"
    write_text_atomic(waivers, demo_waivers(sample_day()))
    inputs = load_inputs(profile, waivers)
    progress = _progress(quiet)
    snapshot = out / SNAPSHOT_FILE
    log_file = out / EMULATOR_LOG
    began = time.monotonic()
    try:
        with contextlib.ExitStack() as stack:
            providers, options = stack.enter_context(environment(provider, log_file=log_file))
            options.params = inputs.profile.profile.parameters()
            collect_to_snapshot(providers, options, snapshot, progress, source="demo")
    finally:
        close_progress(progress)
    seconds = time.monotonic() - began
    inventory = load_snapshot(snapshot)
    result = evaluate_inventory(inventory, inputs, sha256_file(snapshot), started)
    outputs, recorded = finish_run(result, out, chosen, db)
    written = [snapshot, *outputs]
    by_provider = Counter(r.provider for r in inventory.resources)
    collected = ", ".join(f"{n} {p} resources" for p, n in sorted(by_provider.items()))

    def echo(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    echo("")
    echo(f"Seeded and scanned the emulators in {seconds:.0f} s: {collected or 'nothing'}.")
    for line in summary_lines(result, _width()):
        echo(line)
    echo("Outputs:")
    for path in written:
        echo(f"  {path}")
    if recorded is not None:
        hint = "the report shows the trend" if recorded[1] > 1 else "run again to see a trend"
        echo(f"  {db} (run #{recorded[1]}; {hint})")
    echo(f"  {log_file} (the emulators' HTTP log)")
    report = next(
        (p for p in written if p.suffix == ".html"),
        next((p for p in written if p.suffix == ".md"), written[-1]),
    )
    click.echo(f"Open the report: {report}")
    sys.exit(0)


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))


def summary_lines(result: RunResult, width: int = 100) -> list[str]:
    """The terminal summary: a line per promise, its clause shortened at a word boundary."""
    lines = [f"Demo audit against profile {result.profile.id!r} ({result.profile.baa_name}):"]
    for promise in result.promises:
        head = f"  {promise.verdict:<15} {promise.id}: "
        room = max(20, width - len(head))
        clause = " ".join(promise.clause.split())
        lines.append(head + textwrap.shorten(clause, width=room, placeholder=" ..."))
    order: list[str] = [s for s in STATUSES if s in result.summary]
    order += sorted(set(result.summary) - set(order))
    counts = ", ".join(f"{status} {result.summary[status]}" for status in order)
    lines.append(f"Findings: {counts}")
    lines.append(
        "The sample has FAIL findings by design; reads moto cannot answer are served from "
        "recorded AWS answers (baa_audit_sample/aws/recorded.py)."
    )
    return lines


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


__all__ = ["DEMO_FORMATS", "EMULATOR_LOG", "demo", "demo_waivers", "summary_lines"]
