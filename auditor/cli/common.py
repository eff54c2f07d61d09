"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor.cli.pipeline import EXIT_INCOMPLETE, EXIT_USAGE, EvaluationInputs, load_inputs
from auditor.core.errors import BaaAuditError, ValidationFailed
from auditor.core.redact import redact_text
from auditor.core.result import SEVERITIES
from auditor.core.text import for_terminal, neutralise
from auditor.evidence.render import RENDERERS
from auditor.judge.selection import Selection

F = TypeVar("F", bound=Callable[..., Any])


#: Where the global ``--debug`` flag is kept (``click.Context.meta``).
DEBUG_KEY = "baa_audit.debug"
DEBUG_ENV = "BAA_AUDIT_DEBUG"
#: At most this many located problems are printed; the rest are counted.
MAX_PROBLEMS_SHOWN = 200


def safe_text(text: str, *, one_line: bool = True) -> str:
    """Text fit for the terminal: secrets redacted, control and bidi characters neutralised,
    bounded (every line the command line prints goes through here)."""
    cleaned = redact_text(text)
    return for_terminal(cleaned) if one_line else neutralise(cleaned)


def echo_err(message: str) -> None:
    """One line on stderr, through :func:`safe_text`."""
    click.echo(safe_text(message), err=True)


def echo_out(text: str, *, nl: bool = True, one_line: bool = False) -> None:
    """Text on stdout (tables, listings, drift, JSON), neutralised of control and bidi
    characters. (What it shows was redacted when it was loaded; a pattern over JSON text
    would break it.)"""
    click.echo(for_terminal(text) if one_line else neutralise(text), nl=nl)


def fail(message: str) -> None:
    echo_err(f"baa-audit: error: {message}")


def debug_enabled() -> bool:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().meta.get(DEBUG_KEY):
        return True
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


#: Unexpected exceptions that mean the input was bad (too deep, not text, not writable ...).
_INPUT_EXCEPTIONS: tuple[type[BaseException], ...] = (
    OSError,
    RecursionError,
    MemoryError,
    UnicodeError,
    OverflowError,
)


def report_unexpected(exc: BaseException) -> int:
    """Say what went wrong in one line (with a hint to ``--debug``); returns the exit code:
    2 when the exception means bad input (a file too deep, not UTF-8, unwritable), else 3."""
    code = EXIT_USAGE if isinstance(exc, _INPUT_EXCEPTIONS) else EXIT_INCOMPLETE
    what = "input error" if code == EXIT_USAGE else "internal error"
    if isinstance(exc, OSError) and exc.filename:
        detail = f"{exc.filename}: {exc.strerror or exc}"
    elif isinstance(exc, RecursionError):
        detail = "input nested too deeply"
    elif isinstance(exc, MemoryError):
        detail = "input too large for the memory available"
    else:
        detail = f"{type(exc).__name__}: {exc}"
    fail(f"{what}: {detail} (run with --debug for the traceback)")
    return code


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Print a user error as one clear line (each located problem on its own line) and exit 2.

    Any other exception is one line too, exit 2 (bad input) or 3, never a traceback (unless
    ``--debug``).
    """
    try:
        yield
    except ValidationFailed as exc:
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            fail(str(problem))
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            fail(f"... and {len(exc.problems) - MAX_PROBLEMS_SHOWN} more problems")
        sys.exit(EXIT_USAGE)
    except BaaAuditError as exc:
        fail(str(exc))
        sys.exit(EXIT_USAGE)
    except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
        raise
    except KeyboardInterrupt:
        fail("interrupted")
        sys.exit(130)
    except Exception as exc:
        if debug_enabled():
            raise
        sys.exit(report_unexpected(exc))


def handle_errors(fn: F) -> F:
    """The command with :func:`one_line_errors` around it."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_line_errors():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def profile_named(
    help: str = "BAA profile: a shipped name (strict, hipaa-baseline) or a path to your own "
    "profile YAML.",
    *,
    default: str | None = "strict",
    required: bool = False,
) -> Callable[[F], F]:
    """``--profile NAME|FILE``: a shipped profile's name or a profile file of one's own;
    ``required``: no default (click enforces a required option only when it has none)."""
    if required:
        return click.option("--profile", "profile", required=True, metavar="NAME|FILE", help=help)
    return click.option(
        "--profile",
        "profile",
        default=default,
        show_default=default is not None,
        metavar="NAME|FILE",
        help=help,
    )


def profile_option(fn: F) -> F:
    """``--profile``, default strict."""
    return profile_named()(fn)


def choice_option(
    *param_decls: str, choices: Sequence[str], default: str, help: str
) -> Callable[[F], F]:
    """A flag that picks one of ``choices``, ``default`` when not given (shown in --help)."""
    return click.option(
        *param_decls,
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=help,
    )


def cloud_option(help: str) -> Callable[[F], F]:
    """``--provider aws|gcp|all``, default all: the policies (or the sample) of which cloud."""
    return choice_option("--provider", choices=["aws", "gcp", "all"], default="all", help=help)


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


def listing_format_option(machine: str, help: str) -> Callable[[F], F]:
    """``--format table|MACHINE`` as ``fmt``, default table: for people, or for a program."""
    return choice_option("--format", "fmt", choices=["table", machine], default="table", help=help)


def fail_on_option(fn: F) -> F:
    return choice_option(
        "--fail-on",
        choices=SEVERITIES,
        default="info",
        help="Exit 1 when a FAIL at or above this severity exists.",
    )(fn)


def file_option(
    *param_decls: str,
    help: str,
    metavar: str = "FILE",
    multiple: bool = False,
    path_type: type[str] | type[Path] = Path,
) -> Callable[[F], F]:
    """An optional flag that names a file (not a directory), ``None`` when not given (``()``
    when ``multiple``)."""
    return click.option(
        *param_decls,
        multiple=multiple,
        type=click.Path(dir_okay=False, path_type=path_type),
        default=None,
        metavar=metavar,
        help=help,
    )


def waivers_option(fn: F) -> F:
    return file_option(
        "--waivers",
        path_type=str,
        help="YAML file of waivers (reason, approver, expiry, policy and resource pattern).",
    )(fn)


def attestations_option(fn: F) -> F:
    return file_option(
        "--attestations",
        path_type=str,
        help="YAML file of attestations: signed documents that answer MANUAL findings "
        "(see 'baa-audit attest template' and docs/attestations.md).",
    )(fn)


def policy_dirs_option(help_text: str) -> Callable[[F], F]:
    """``--policies DIR`` (repeatable) as ``policy_dirs``, a tuple of paths."""
    return click.option(
        "--policies",
        "policy_dirs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        metavar="DIR",
        help=help_text,
    )


def policies_option(fn: F) -> F:
    return policy_dirs_option(
        "Extra directory of your own policies, loaded beside the shipped ones (repeatable)."
    )(fn)


def quiet_option(fn: F) -> F:
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="No progress output; print only the FAIL rows and the counts line (and errors).",
    )(fn)


def passed_as(name: str, build: Callable[..., Any], *params: str) -> Callable[[F], F]:
    """Hand the command the values of the options ``params`` as one argument ``name``, built
    by ``build`` (called with them, in that order): the options a group of commands share
    reach each as one value, not as a list of parameters repeated in every signature."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = build(*(kwargs.pop(param) for param in params))
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def stacked(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """The decorators applied as if written one above the other, first on top (so options show
    in ``--help`` in this order)."""

    def decorate(fn: F) -> F:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return decorate


def selection_from(
    checks: tuple[str, ...],
    skip_checks: tuple[str, ...],
    services: tuple[str, ...],
    severity: tuple[str, ...],
) -> Selection | None:
    """The selection the options name (None when none was given)."""
    selection = Selection.of(checks, skip_checks, services, severity)
    return None if selection.empty else selection


def selection_options(fn: F) -> F:
    """``--checks``, ``--skip-checks``, ``--services``, ``--severity``: which checks run, passed
    to the command as ``selection`` (None when none was given).

    The same spellings on scan, evaluate and iac (Prowler's; Checkov's ``--check`` and
    ``--skip-check`` and Prowler's ``--excluded-checks`` are accepted too). Each is repeatable
    and takes comma lists; ids take globs. See :mod:`auditor.judge.selection`.
    """
    return stacked(
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
        passed_as("selection", selection_from, "checks", "skip_checks", "services", "severity"),
    )(fn)


@dataclass(frozen=True)
class JudgeArgs:
    """What a judging command was told to judge against: ``--profile``, ``--waivers``,
    ``--attestations`` (None where the command has no such option), ``--policies`` and the
    selection."""

    profile: str
    waivers: Path | None
    policy_dirs: tuple[Path, ...]
    selection: Selection | None
    attestations: Path | None = None

    @classmethod
    def of(
        cls,
        profile: str,
        waivers: str | None,
        policy_dirs: tuple[Path, ...],
        selection: Selection | None,
        attestations: str | None = None,
    ) -> JudgeArgs:
        return cls(
            profile,
            Path(waivers) if waivers else None,
            tuple(Path(d) for d in policy_dirs),
            selection,
            Path(attestations) if attestations else None,
        )

    def load(self) -> EvaluationInputs:
        """Load and check the profile, policies, waivers and attestations."""
        return load_inputs(
            self.profile,
            self.waivers,
            list(self.policy_dirs),
            self.attestations,
            selection=self.selection,
        )


def judge_options(out_default: str, out_what: str, *, attestations: bool) -> Callable[[F], F]:
    """The options of scan, evaluate and iac that say what to judge against and where the
    reports go: ``--profile``, ``--out``, ``--format``, ``--waivers``, ``--attestations`` (when
    ``attestations``), ``--policies`` and the selection. The command gets ``out``, ``formats``
    and the rest as ``judging``, a :class:`JudgeArgs`."""
    shown = [profile_option, out_option(out_default, out_what), format_option, waivers_option]
    passed = ["profile", "waivers", "policy_dirs", "selection"]
    if attestations:
        shown.append(attestations_option)
        passed.append("attestations")
    return stacked(
        *shown,
        policies_option,
        selection_options,
        passed_as("judging", JudgeArgs.of, *passed),
    )


def out_option(default: str | None, what: str) -> Callable[[F], F]:
    """``--out DIR``: where a command writes ``what`` (``None``: no default directory)."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None if default is None else Path(default),
        show_default=default is not None,
        help=f"Directory for {what}.",
    )


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


#: Ten years: far enough ahead for any waiver, near enough that a date can be computed.
MAX_WARNING_DAYS = 3650


def warning_days_option(fn: F) -> F:
    return click.option(
        "--waiver-warning-days",
        type=click.IntRange(min=0, max=MAX_WARNING_DAYS),
        default=30,
        show_default=True,
        help="List waivers that expire within this many days in every report.",
    )(fn)


__all__ = [
    "DEBUG_ENV",
    "DEBUG_KEY",
    "HISTORY_ENV",
    "MAX_WARNING_DAYS",
    "F",
    "JudgeArgs",
    "attestations_option",
    "choice_option",
    "cloud_option",
    "debug_enabled",
    "echo_err",
    "echo_out",
    "fail",
    "fail_on_option",
    "file_option",
    "format_option",
    "handle_errors",
    "history_option",
    "judge_options",
    "listing_format_option",
    "one_line_errors",
    "out_option",
    "passed_as",
    "policies_option",
    "profile_named",
    "profile_option",
    "quiet_option",
    "report_unexpected",
    "safe_text",
    "selection_from",
    "selection_options",
    "stacked",
    "summary_option",
    "waivers_option",
    "warning_days_option",
]
