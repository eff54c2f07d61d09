"""scan, collect, evaluate, report: the three stages together and one by one."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from auditor.cli.attest import copy_documents
from auditor.cli.bundle import bundle_outputs, check_bundle_options, sign_key_option
from auditor.cli.common import (
    F,
    JudgeArgs,
    choice_option,
    echo_err,
    echo_out,
    fail_on_option,
    file_option,
    format_option,
    handle_errors,
    history_option,
    judge_options,
    out_option,
    passed_as,
    profile_option,
    quiet_option,
    stacked,
    summary_option,
    warning_days_option,
)
from auditor.cli.pipeline import (
    RESULT_FILE,
    SNAPSHOT_FILE,
    EvaluationInputs,
    check_formats,
    check_history,
    check_out_dir,
    check_selection_runs,
    collect_to_snapshot,
    evaluate_inventory,
    exit_code,
    finish_run,
    history_path,
    load_result,
    now_utc,
    summary_line,
    trend_for,
    write_outputs,
)
from auditor.collect import PROVIDERS, providers_for_all
from auditor.collect.base import CollectOptions
from auditor.core.errors import CollectionError, InputError
from auditor.core.fileio import sha256_file
from auditor.core.findings_io import FINDINGS_MODES, INLINE_FINDINGS_MAX, FindingsMode
from auditor.core.inventory import Inventory, load_snapshot
from auditor.core.progress import close_progress, make_progress
from auditor.core.result import RunResult, Severity
from auditor.judge.parallel import MIN_RESOURCES

GCP_ENDPOINT_ENV = "BAA_AUDIT_GCP_ENDPOINT"


def _providers(provider: str) -> list[str]:
    return providers_for_all() if provider == "all" else [provider]


def _shard(value: str | None) -> tuple[int, int] | None:
    """K/N, or auto/N (auto): K from the job engine's task index (see auditor/core/shard.py)."""
    from auditor.core.shard import parse_shard

    shard = parse_shard(value)
    return shard.as_tuple() if shard else None


def findings_option(fn: F) -> F:
    """``--findings auto|inline|jsonl``: where result.json's findings go (schema 1.2)."""
    return choice_option(
        "--findings",
        "findings_mode",
        choices=FINDINGS_MODES,
        default="auto",
        help="Where the findings go: inline in result.json, or jsonl: findings.jsonl beside a "
        "small result.json that names it with its count and SHA-256 (schema 1.2; every reader "
        f"takes both). auto: jsonl above {INLINE_FINDINGS_MAX:,} findings.",
    )(fn)


def jobs_option(fn: F) -> F:
    """``--jobs N``: processes to judge on (the result is the same for every N)."""
    return click.option(
        "--jobs",
        type=click.IntRange(1, 256),
        default=None,
        metavar="N",
        envvar="BAA_AUDIT_JOBS",
        help="Processes to judge the policies on (default: every core this process may use). "
        f"Used from {MIN_RESOURCES:,} resources up; the result is the same for every N. "
        "Env: BAA_AUDIT_JOBS.",
    )(fn)


def collect_options(fn: F) -> F:
    options = [
        click.option(
            "--provider",
            type=click.Choice([*PROVIDERS, "all"]),
            required=True,
            help="What to collect from: a cloud, or a PostgreSQL server (connection from "
            "BAA_AUDIT_PG_DSN and the PG* variables; see docs/postgres.md). 'all': both clouds, "
            "and postgres when BAA_AUDIT_PG_DSN is set.",
        ),
        click.option(
            "--probe-isolation",
            "pg_probe_isolation",
            is_flag=True,
            help="PostgreSQL: also probe tenant isolation live, as the profile's app_role in a "
            "read-only transaction that is always rolled back (counts rows only; docs/postgres.md).",
        ),
        click.option(
            "--regions",
            default=None,
            metavar="R1,R2",
            help="AWS regions to scan (default: every enabled region).",
        ),
        click.option(
            "--aws-profile",
            default=None,
            metavar="NAME",
            help="AWS shared-config profile (default: the standard credential chain).",
        ),
        click.option(
            "--gcp-scope",
            default=None,
            metavar="SCOPE",
            help="GCP scope: organizations/ID, folders/ID or projects/ID.",
        ),
        click.option(
            "--gcp-endpoint",
            default=None,
            envvar=GCP_ENDPOINT_ENV,
            metavar="URL",
            help=f"Point the Google clients at a local emulator (anonymous credentials). Env: {GCP_ENDPOINT_ENV}.",
        ),
        file_option(
            "--gcp-export-file",
            help="Read GCP assets from a 'gcloud asset export' output file instead of the API.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 256),
            default=8,
            show_default=True,
            help="Parallel API workers.",
        ),
        click.option(
            "--shard",
            default=None,
            metavar="K/N",
            help="Scan only shard K of N (accounts/projects partitioned deterministically); "
            "auto/N takes K from JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or "
            "CLOUD_RUN_TASK_INDEX (+1).",
        ),
        click.option(
            "--org-role-name",
            default=None,
            metavar="NAME",
            help="AWS Organizations: scan every member account by assuming this read-only role.",
        ),
        click.option("--external-id", default=None, help="sts:ExternalId for --org-role-name."),
        click.option(
            "--account",
            "accounts_include",
            multiple=True,
            metavar="ID",
            help="With --org-role-name: only these accounts (repeatable).",
        ),
        click.option(
            "--exclude-account",
            "accounts_exclude",
            multiple=True,
            metavar="ID",
            help="With --org-role-name: never these accounts (repeatable).",
        ),
        click.option(
            "--ou",
            "ous",
            multiple=True,
            metavar="OU",
            help="With --org-role-name: only accounts under this OU or root, nested OUs included.",
        ),
        click.option(
            "--sample-logs",
            is_flag=True,
            help="Opt in to sampling log contents for PHI (needs permission to read logs; nothing matched is stored).",
        ),
        click.option(
            "--sample-bound",
            "sample_bounds",
            multiple=True,
            metavar="KEY=VALUE",
            help="A bound of PHI sampling, e.g. window_hours=24, max_events_per_log=1000, max_bytes_total=50000000, max_wall_seconds=300 (see docs/phi.md).",
        ),
        click.option(
            "--gcp-source",
            "gcp_sources",
            multiple=True,
            type=click.Choice(["directory", "access-bindings", "iap", "vertex", "logging", "all"]),
            envvar="BAA_AUDIT_GCP_SOURCES",
            help="Read a GCP source outside Cloud Asset Inventory (repeatable; see docs/gcp-sources.md). Unread sources are reported as gaps.",
        ),
        click.option(
            "--gcp-directory-customer",
            default=None,
            envvar="BAA_AUDIT_GCP_DIRECTORY_CUSTOMER",
            metavar="ID",
            help="Admin SDK customer id for 2-Step Verification (default: the organization's).",
        ),
        click.option(
            "--gcp-directory-subject",
            default=None,
            envvar="BAA_AUDIT_GCP_DIRECTORY_SUBJECT",
            metavar="EMAIL",
            help="Admin to impersonate through domain-wide delegation for the Directory API.",
        ),
        click.option(
            "--gcp-access-org",
            default=None,
            metavar="organizations/ID",
            help="Organization of the Access Context Manager session bindings (default: the scope's).",
        ),
        click.option(
            "--gcp-iap-resource",
            "gcp_iap_resources",
            multiple=True,
            metavar="NAME",
            help="IAP settings to read (repeatable; default: each project's iap_web).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


#: collection flags whose values CollectOptions takes as given (same names)
_COLLECT_AS_GIVEN = (
    "aws_profile",
    "gcp_scope",
    "gcp_endpoint",
    "gcp_export_file",
    "workers",
    "sample_logs",
    "org_role_name",
    "external_id",
    "gcp_directory_customer",
    "gcp_directory_subject",
    "gcp_access_org",
    "pg_probe_isolation",
)
#: repeatable collection flags, as lists: always, or None when not given
_COLLECT_LISTS = ("accounts_include", "accounts_exclude", "ous")
_COLLECT_LISTS_OR_NONE = ("gcp_sources", "gcp_iap_resources")


def _build_options(
    *,
    provider: str,
    regions: str | None,
    shard: str | None,
    sample_bounds: tuple[str, ...],
    **flags: Any,
) -> CollectOptions:
    """CollectOptions from the collection flags (see :func:`collect_options`), checked."""
    gcp_scope, gcp_export_file = flags["gcp_scope"], flags["gcp_export_file"]
    if gcp_export_file is not None and not gcp_export_file.is_file():
        raise InputError("GCP export file not found", file=gcp_export_file)
    if "gcp" in _providers(provider) and not gcp_scope and gcp_export_file is None:
        raise InputError(
            "--gcp-scope is required for GCP (organizations/ID, folders/ID or projects/ID)"
        )
    if gcp_scope and not gcp_scope.startswith(("organizations/", "folders/", "projects/")):
        raise InputError(
            f"--gcp-scope must start with organizations/, folders/ or projects/, got {gcp_scope!r}"
        )
    if flags["pg_probe_isolation"] and "postgres" not in _providers(provider):
        raise InputError(
            "--probe-isolation probes a PostgreSQL database: use it with --provider postgres "
            "(or all, with BAA_AUDIT_PG_DSN set)"
        )
    given: dict[str, Any] = {name: flags[name] for name in _COLLECT_AS_GIVEN}
    given.update({name: list(flags[name]) for name in _COLLECT_LISTS})
    given.update({name: list(flags[name]) or None for name in _COLLECT_LISTS_OR_NONE})
    return CollectOptions(
        sampling=_sampling(sample_bounds),
        regions=[r.strip() for r in regions.split(",") if r.strip()] if regions else None,
        shard=_shard(shard),
        **given,
    )


def _sampling(pairs: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--sample-bound takes KEY=VALUE, got {pair!r}")
        values[key.strip()] = value.strip()
    if values:
        from auditor.collect.phi.bounds import SamplingBounds

        try:
            SamplingBounds.from_options(values)
        except CollectionError as exc:
            raise InputError(str(exc)) from None
    return values


#: the findings table on stdout stops here (a run of a million resources has hundreds of
#: thousands of FAIL rows; the reports and result.json hold every one)
TABLE_MAX_ROWS = 200


def print_findings(result: RunResult, quiet: bool) -> None:
    """The findings table (FAIL and ERROR rows, at most ``TABLE_MAX_ROWS``; ``quiet``: FAIL
    only) and the counts, on stdout."""
    import shutil

    from auditor.evidence.render.terminal import PIPE_WIDTH, render_table

    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((PIPE_WIDTH, 24)).columns if tty else PIPE_WIDTH
    color = tty and "NO_COLOR" not in os.environ
    # the table neutralises every cell itself and may colour its status column
    table = render_table(result, quiet=quiet, width=width, color=color, max_rows=TABLE_MAX_ROWS)
    click.echo(table, nl=False)


def report_summary(
    result: RunResult,
    written: list[Path],
    code: int,
    quiet: bool,
    summary: bool,
    recorded: tuple[Path, int] | None = None,
) -> None:
    """stdout: the findings table and counts (then ``--summary-line``); stderr: the promises'
    verdicts, warnings and the files written (not with ``--quiet``)."""
    print_findings(result, quiet)
    if not quiet:
        for promise in result.promises:
            partial = " (partial)" if promise.left_out else ""
            echo_err(f"  {promise.verdict:<15} {promise.id}{partial}")
        if result.selection is not None:
            echo_err(
                f"baa-audit: selection left out {len(result.selection.left_out)} checks that "
                "would have run (see result.json 'selection')"
            )
        for warning in result.warnings:
            echo_err(f"baa-audit: warning: {warning}")
        for path in written:
            echo_err(f"baa-audit: wrote {path}")
        if recorded is not None:
            echo_err(f"baa-audit: recorded run #{recorded[1]} in {recorded[0]}")
    if summary:
        echo_out(summary_line(result, code))


@dataclass(frozen=True)
class RunArgs:
    """The options scan and evaluate share (see :func:`run_options`): what to judge against,
    and where and how the outcome goes."""

    judging: JudgeArgs
    out: Path
    formats: tuple[str, ...]
    fail_on: Severity
    waiver_warning_days: int
    history_db: Path | None
    no_history: bool
    quiet: bool
    summary: bool
    findings_mode: FindingsMode
    jobs: int | None

    def history(self) -> Path | None:
        """Check the output directory and the history database the run is recorded in."""
        check_out_dir(self.out)
        db = history_path(self.out, self.history_db, self.no_history)
        check_history(db)
        return db

    def judge(
        self,
        inventory: Inventory,
        snapshot: Path,
        inputs: EvaluationInputs,
        started: datetime,
        chosen: list[str],
        db: Path | None,
        keep: Sequence[Path] = (),
    ) -> tuple[RunResult, list[Path], tuple[Path, int] | None]:
        """Evaluate the snapshot, write the outputs (and the attested documents) and record
        the run; returns the result, the files written and where it was recorded."""
        result = evaluate_inventory(
            inventory,
            inputs,
            sha256_file(snapshot),
            started,
            self.waiver_warning_days,
            jobs=self.jobs,
        )
        written, recorded = finish_run(
            result, self.out, chosen, db, keep=keep, findings=self.findings_mode
        )
        written += copy_documents(inputs.attestations, self.out)
        return result, written, recorded

    def exit(
        self, result: RunResult, written: list[Path], recorded: tuple[Path, int] | None
    ) -> None:
        """Report the outcome (see :func:`report_summary`) and exit with its code."""
        code = exit_code(result, self.fail_on)
        report_summary(result, written, code, self.quiet, self.summary, recorded)
        sys.exit(code)


def run_options(out_what: str) -> Callable[[F], F]:
    """The options of scan and evaluate, --profile to --summary-line, passed to the command
    (with ``--findings`` and ``--jobs``, which come last) as ``run``, a :class:`RunArgs`."""
    return stacked(
        judge_options("baa-audit-out", out_what, attestations=True),
        fail_on_option,
        warning_days_option,
        history_option,
        quiet_option,
        summary_option,
        passed_as("run", RunArgs, *(field.name for field in fields(RunArgs))),
    )


@click.command()
@collect_options
@run_options("the snapshot, result.json and reports")
@file_option(
    "--bundle",
    "bundle_path",
    help="Also write an evidence bundle (zip of snapshot, result, reports, SHA-256 manifest).",
)
@sign_key_option
@findings_option
@jobs_option
@handle_errors
def scan(
    run: RunArgs,
    bundle_path: Path | None,
    sign_key: Path | None,
    **collect: Any,
) -> None:
    """Collect, evaluate and render in one go.

    \b
    Examples:
      baa-audit scan --provider aws --profile strict --out out/
      baa-audit scan --provider gcp --gcp-scope organizations/123456789012 --format html,sarif
      baa-audit scan --provider all --gcp-scope projects/phi-prod --waivers waivers.yaml
      BAA_AUDIT_PG_DSN='host=db.internal dbname=app user=baa_audit' \\
        baa-audit scan --provider postgres --profile littleclouds --out out/
      baa-audit scan --provider aws --attestations attestations.yaml --bundle evidence.zip

    Every run is recorded in a history database (default OUT/history.sqlite; see
    `baa-audit history` and `baa-audit diff`), and the HTML report draws the trend from it.

    Exit codes: 0 no failures at or above --fail-on; 1 failures; 2 usage or input error (nothing
    written); 3 no failures but some checks could not be assessed.
    """
    started = now_utc()
    chosen = check_formats(run.formats)
    check_bundle_options(bundle_path, sign_key)
    inputs = run.judging.load()
    options = _build_options(**collect)
    options.params = inputs.profile.profile.parameters()
    check_selection_runs(inputs, _providers(collect["provider"]))
    db = run.history()
    snapshot = run.out / SNAPSHOT_FILE
    progress = make_progress(run.quiet)
    try:
        collect_to_snapshot(_providers(collect["provider"]), options, snapshot, progress)
    finally:
        close_progress(progress)
    inventory = load_snapshot(snapshot)
    result, outputs, recorded = run.judge(
        inventory, snapshot, inputs, started, chosen, db, keep=[snapshot]
    )
    written = [snapshot, *outputs]
    if bundle_path is not None:
        written.append(bundle_outputs(result, run.out, written, bundle_path, sign_key))
    run.exit(result, written, recorded)


@click.command()
@collect_options
@profile_option
@click.option(
    "--snapshot",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Snapshot file to write (JSON Lines).",
)
@quiet_option
@handle_errors
def collect(
    profile: str,
    snapshot: Path,
    quiet: bool,
    **collect: Any,
) -> None:
    """Collect live configuration into a snapshot file (stage 1 of 3).

    The snapshot is itself evidence: `baa-audit evaluate` can re-run on it offline, years later.
    The profile is read only for what collection needs (PHI tags, log groups to sample).
    """
    from auditor.judge.catalog import load_catalog
    from auditor.judge.profile import load_profile

    loaded = load_profile(profile, load_catalog())
    options = _build_options(**collect)
    options.params = loaded.profile.parameters()
    if snapshot.exists() and snapshot.is_dir():
        raise InputError("snapshot path is a directory", file=snapshot)
    progress = make_progress(quiet)
    try:
        collect_to_snapshot(_providers(collect["provider"]), options, snapshot, progress)
    finally:
        close_progress(progress)
    if not quiet:
        echo_err(f"baa-audit: wrote {snapshot}")


@click.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@run_options("result.json and reports")
@findings_option
@jobs_option
@handle_errors
def evaluate(snapshot: Path, run: RunArgs) -> None:
    """Evaluate a snapshot against a BAA profile and write the result (stage 2 of 3).

    The run is recorded in the history database (default OUT/history.sqlite).
    """
    started = now_utc()
    chosen = check_formats(run.formats)
    inputs = run.judging.load()
    inventory = load_snapshot(snapshot)
    db = run.history()
    result, written, recorded = run.judge(inventory, snapshot, inputs, started, chosen, db)
    run.exit(result, written, recorded)


@click.command()
@click.argument("result_file", metavar="RESULT", type=click.Path(path_type=Path))
@format_option
@out_option(None, "the reports (default: beside RESULT)")
@file_option(
    "--history",
    "history_db",
    help="History database to draw the HTML trend from (default: history.sqlite beside RESULT, "
    "when there is one). Nothing is recorded.",
)
@click.option("--no-history", is_flag=True, help="Draw no trend.")
@handle_errors
def report(
    result_file: Path,
    formats: tuple[str, ...],
    out: Path | None,
    history_db: Path | None,
    no_history: bool,
) -> None:
    """Render a result.json into report formats (stage 3 of 3)."""
    chosen = check_formats(formats)
    # a result with a findings file is read from it again for each pass, never held whole
    result = load_result(result_file, stream=True)
    target = out or result_file.parent
    check_out_dir(target)
    if history_db is not None and not history_db.is_file():
        raise InputError("history database not found", file=history_db)
    db = None if no_history else history_path(result_file.parent, history_db, False)
    check_history(db)
    trend = trend_for(result, db)
    same_file = (target / RESULT_FILE).resolve() == result_file.resolve()
    written = write_outputs(
        result,
        target,
        [name for name in chosen if name != "json"],
        trend,
        include_result="json" in chosen and not same_file,
        merge=True,
        cleaned=True,  # load_result redacted it as it read it (the same sanitizing walk)
    )
    for path in written:
        echo_err(f"baa-audit: wrote {path}")


__all__ = ["collect", "evaluate", "print_findings", "report", "report_summary", "scan"]
