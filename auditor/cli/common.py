"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor.cli.pipeline import EXIT_USAGE
from auditor.core.errors import BaaAuditError, ValidationFailed
from auditor.core.result import SEVERITIES
from auditor.evidence.render import RENDERERS
from auditor.judge.selection import Selection

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    click.echo(f"baa-audit: error: {message}", err=True)


def handle_errors(fn: F) -> F:
    """Print a user error as one clear line (each located problem on its own line) and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            for problem in exc.problems:
                fail(str(problem))
            sys.exit(EXIT_USAGE)
        except BaaAuditError as exc:
            fail(str(exc))
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def profile_option(fn: F) -> F:
    return click.option(
        "--profile",
        "profile",
        default="strict",
        show_default=True,
        metavar="NAME|FILE",
        help="BAA profile: a shipped name (strict, hipaa-baseline) or a path to your own profile YAML.",
    )(fn)


def format_option(fn: F) -> F:
    return click.option(
        "--format",
        "formats",
        multiple=True,
        default=("json", "markdown"),
        show_default=True,
        metavar="FORMAT[,FORMAT]",
        help=f"Report formats to write (repeat or comma-separate): {', '.join(RENDERERS)}. result.json is always written.",
    )(fn)


def fail_on_option(fn: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(SEVERITIES),
        default="info",
        show_default=True,
        help="Exit 1 when a FAIL at or above this severity exists.",
    )(fn)


def waivers_option(fn: F) -> F:
    return click.option(
        "--waivers",
        type=click.Path(dir_okay=False, path_type=str),
        default=None,
        metavar="FILE",
        help="YAML file of waivers (reason, approver, expiry, policy and resource pattern).",
    )(fn)


def attestations_option(fn: F) -> F:
    return click.option(
        "--attestations",
        type=click.Path(dir_okay=False, path_type=str),
        default=None,
        metavar="FILE",
        help="YAML file of attestations: signed documents that answer MANUAL findings "
        "(see 'baa-audit attest template' and docs/attestations.md).",
    )(fn)


def policies_option(fn: F) -> F:
    return click.option(
        "--policies",
        "policy_dirs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=str),
        metavar="DIR",
        help="Extra directory of your own policies, loaded beside the shipped ones (repeatable).",
    )(fn)


def quiet_option(fn: F) -> F:
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="No progress output; print only the FAIL rows and the counts line (and errors).",
    )(fn)


def selection_options(fn: F) -> F:
    """``--checks``, ``--skip-checks``, ``--services``, ``--severity``: which checks run.

    The same spellings on scan, evaluate and iac (Prowler's; Checkov's ``--check`` and
    ``--skip-check`` and Prowler's ``--excluded-checks`` are accepted too). Each is repeatable
    and takes comma lists; ids take globs. See :mod:`auditor.judge.selection`.
    """
    options = [
        click.option(
            "--checks",
            "--check",
            "checks",
            multiple=True,
            metavar="ID[,ID]",
            help="Run only these policies: ids or globs (AWS-S3-*), repeatable or comma-separated. "
            "A promise with checks left out is never PASS (partial).",
        ),
        click.option(
            "--skip-checks",
            "--skip-check",
            "--excluded-checks",
            "skip_checks",
            multiple=True,
            metavar="ID[,ID]",
            help="Never run these policies (ids or globs); wins over --checks.",
        ),
        click.option(
            "--services",
            "services",
            multiple=True,
            metavar="SERVICE[,SERVICE]",
            help="Run only policies on these services: the resource type's service (s3, elbv2, "
            "sql, storage), optionally with its provider (aws.s3, gcp.sql), or a glob.",
        ),
        click.option(
            "--severity",
            "severity",
            multiple=True,
            metavar="SEVERITY[,SEVERITY]",
            help=f"Run only policies of these severities ({', '.join(SEVERITIES)}).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def selection_from(
    checks: tuple[str, ...],
    skip_checks: tuple[str, ...],
    services: tuple[str, ...],
    severity: tuple[str, ...],
) -> Selection | None:
    """The selection the options name (None when none was given)."""
    selection = Selection.of(checks, skip_checks, services, severity)
    return None if selection.empty else selection


def out_option(default: str, what: str) -> Callable[[F], F]:
    """``--out DIR``: where a command writes ``what``."""

    def decorate(fn: F) -> F:
        return click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path(default),
            show_default=True,
            help=f"Directory for {what}.",
        )(fn)

    return decorate


def summary_option(fn: F) -> F:
    return click.option(
        "--summary-line",
        "summary",
        is_flag=True,
        help="Print one machine-readable summary line on stdout.",
    )(fn)


HISTORY_ENV = "BAA_AUDIT_HISTORY"


def history_option(fn: F) -> F:
    """``--history FILE`` / ``--no-history``: the SQLite database every run is recorded in."""
    fn = click.option(
        "--no-history",
        is_flag=True,
        help="Do not record this run (and draw no trend).",
    )(fn)
    return click.option(
        "--history",
        "history_db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        envvar=HISTORY_ENV,
        metavar="FILE",
        help="History database (SQLite) to record this run in; the HTML report draws its trend "
        f"from it. Default: history.sqlite in --out. Env: {HISTORY_ENV}.",
    )(fn)


def warning_days_option(fn: F) -> F:
    return click.option(
        "--waiver-warning-days",
        type=click.IntRange(min=0),
        default=30,
        show_default=True,
        help="List waivers that expire within this many days in every report.",
    )(fn)


__all__ = [
    "HISTORY_ENV",
    "F",
    "attestations_option",
    "fail",
    "fail_on_option",
    "format_option",
    "handle_errors",
    "history_option",
    "out_option",
    "policies_option",
    "profile_option",
    "quiet_option",
    "selection_from",
    "selection_options",
    "summary_option",
    "waivers_option",
    "warning_days_option",
]
