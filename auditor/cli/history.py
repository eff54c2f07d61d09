"""``baa-audit history``, ``diff`` and ``merge``: runs over time and shards of one run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from auditor.cli.common import (
    HISTORY_ENV,
    F,
    echo_out,
    fail_on_option,
    format_option,
    handle_errors,
    history_option,
    out_option,
    quiet_option,
    summary_option,
)
from auditor.cli.pipeline import (
    check_formats,
    check_history,
    exit_code,
    finish_run,
    history_path,
    load_result,
)
from auditor.cli.run import report_summary
from auditor.core.errors import InputError
from auditor.core.result import RunResult, Severity
from auditor.evidence.diff import diff as diff_runs
from auditor.evidence.diff import render_drift_text
from auditor.evidence.history import HISTORY_FILENAME, History
from auditor.evidence.merge import merge as merge_results

#: Where ``scan`` records by default when run with its default ``--out``.
DEFAULT_DB = Path("baa-audit-out") / HISTORY_FILENAME


def _db_option(fn: F) -> F:
    """``--db FILE``: the history database to read."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        envvar=HISTORY_ENV,
        show_default=True,
        help=f"History database (SQLite). Env: {HISTORY_ENV}.",
    )(fn)


def _load_run(ref: str, db: Path, profile: str | None = None) -> tuple[RunResult, str]:
    """A result file, or a run id (``7``, ``#7``, ``latest``, ``previous``) from the database.

    ``latest`` and ``previous`` count only runs of ``profile`` when one is given.
    """
    path = Path(ref)
    if path.is_file():
        return load_result(path), str(path)
    key = ref.lstrip("#")
    with History(db, create=False) as history:
        if key in ("latest", "previous"):
            run_id = history.latest(profile)
            if run_id is not None and key == "previous":
                run_id = history.latest(profile, before=run_id)
            if run_id is None:
                raise InputError(f"no {key} run in the history database", file=db)
        elif key.isdigit():
            run_id = int(key)
        else:
            raise InputError(f"{ref!r} is neither a result file nor a run id")
        return history.load(run_id), f"run {run_id}"


@click.command()
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--profile", default=None, metavar="ID", help="Only runs against this profile.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
@handle_errors
def history(db: Path, limit: int, profile: str | None, as_json: bool) -> None:
    """List recorded runs, newest first.

    \b
    Examples:
      baa-audit history
      baa-audit history --db /data/history.sqlite --profile strict --json
    """
    with History(db, create=False) as store:
        rows = store.runs(limit=limit, profile=profile)
    for row in rows:
        if as_json:
            echo_out(json.dumps(row.__dict__, sort_keys=True), one_line=True)
            continue
        counts = " ".join(f"{k.lower()}={v}" for k, v in row.summary.items())
        flag = " incomplete" if row.incomplete else ""
        echo_out(f"#{row.id}  {row.started_at}  {row.profile}  {counts}{flag}  [{row.scope_label}]")


@click.command()
@click.argument("old")
@click.argument("new")
@_db_option
@click.option(
    "--profile",
    default=None,
    metavar="ID",
    help="latest / previous count only runs against this profile.",
)
@click.option("--json", "as_json", is_flag=True, help="The drift as JSON.")
@handle_errors
def diff(old: str, new: str, db: Path, profile: str | None, as_json: bool) -> None:
    """Show what changed from OLD to NEW (result files, or run ids / latest / previous).

    \b
    Examples:
      baa-audit diff previous latest --profile strict
      baa-audit diff 12 15 --db /data/history.sqlite
      baa-audit diff old/result.json new/result.json --json

    Exit code 0 when nothing changed, 1 when there are new failures, 4 for other changes.
    """
    before, old_label = _load_run(old, db, profile)
    after, new_label = _load_run(new, db, profile)
    drift = diff_runs(before, after, old_label=old_label, new_label=new_label)
    if as_json:
        echo_out(drift.model_dump_json(indent=2))
    else:
        echo_out(render_drift_text(drift), nl=False)
    sys.exit(1 if drift.new_failures else (0 if drift.is_empty() else 4))


@click.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@out_option("baa-audit-merged", "the merged result.json and reports")
@format_option
@fail_on_option
@history_option
@quiet_option
@summary_option
@handle_errors
def merge(
    results: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    fail_on: Severity,
    history_db: Path | None,
    no_history: bool,
    quiet: bool,
    summary: bool,
) -> None:
    """Merge the result.json files of all shards of one run into one result and report.

    The merged run is recorded in the history database (default OUT/history.sqlite), and its
    HTML report draws the trend from it. Refuses a shard set with a shard missing or given twice
    (exit 2).
    """
    chosen = check_formats(formats)
    merged = merge_results([load_result(p) for p in results])
    db = history_path(out, history_db, no_history)
    check_history(db)
    written, recorded = finish_run(merged, out, chosen, db)
    code = exit_code(merged, fail_on)
    report_summary(merged, written, code, quiet, summary, recorded)
    sys.exit(code)


__all__ = ["diff", "history", "merge"]
