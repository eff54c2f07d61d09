"""The ``baa-audit`` command line. Commands are registered explicitly below."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from auditor import __version__
from auditor.cli.attest import attest
from auditor.cli.bundle import bundle, verify
from auditor.cli.catalog import policies, profile
from auditor.cli.common import (
    DEBUG_ENV,
    DEBUG_KEY,
    debug_enabled,
    one_line_errors,
    report_unexpected,
)
from auditor.cli.demo import demo
from auditor.cli.history import diff, history, merge
from auditor.cli.iac import iac
from auditor.cli.phi import phi
from auditor.cli.run import collect, evaluate, report, scan
from auditor.cli.waivers import waivers

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class SafeGroup(click.Group):
    """The root group: whatever a command raises reaches the user as one line, never a
    traceback (``--debug`` shows it): exit 2 for bad input, 3 for anything else (see
    :func:`auditor.cli.common.one_line_errors`)."""

    def invoke(self, ctx: click.Context) -> Any:
        with one_line_errors():
            return super().invoke(ctx)


@click.group(cls=SafeGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="baa-audit")
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_ENV,
    help=f"Show the traceback of an unexpected error (normally one line). Env: {DEBUG_ENV}=1.",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Audit live AWS and GCP configuration against the promises of a Business Associate Agreement.

    \b
    Start here:
      baa-audit demo                          the whole path on a bundled sample, no cloud account
      baa-audit scan --provider aws --out out/    collect, evaluate and report in one go
      baa-audit profile list                  the shipped BAA profiles (strict, hipaa-baseline)
      baa-audit policies list --profile strict    what will be checked
      baa-audit iac infra/ --profile strict   the same policies on Terraform, before deploy
      baa-audit attest template --profile strict  the documents no API can show, to attest
      baa-audit phi scan app.log              PHI in a log sample, before it ships

    Stages one by one: collect -> snapshot -> evaluate -> result.json -> report.

    Every file read is untrusted: see docs/input-validation.md for what is checked, the limits
    and the exit codes.
    """
    ctx.meta[DEBUG_KEY] = debug


for command in (scan, collect, evaluate, report, demo, iac, policies, profile, bundle, verify):
    cli.add_command(command)
for command in (history, diff, merge, waivers, phi):
    cli.add_command(command)
cli.add_command(attest)


def main() -> None:
    try:
        cli(prog_name="baa-audit")
    except BrokenPipeError:
        # the reader went away (`baa-audit history | head`): no noise, no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # raised outside any command (only --debug lets one through)
        if debug_enabled():
            raise
        sys.exit(report_unexpected(exc))


__all__ = ["cli", "main"]
