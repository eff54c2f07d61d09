"""The ``baa-audit`` command line. Commands are registered explicitly below."""

from __future__ import annotations

import click

from auditor import __version__
from auditor.cli.bundle import bundle, verify
from auditor.cli.catalog import policies, profile
from auditor.cli.demo import demo
from auditor.cli.history import diff, history, merge
from auditor.cli.iac import iac
from auditor.cli.phi import phi
from auditor.cli.run import collect, evaluate, report, scan

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="baa-audit")
def cli() -> None:
    """Audit live AWS and GCP configuration against the promises of a Business Associate Agreement.

    \b
    Start here:
      baa-audit demo                          the whole path on a bundled sample, no cloud account
      baa-audit scan --provider aws --out out/    collect, evaluate and report in one go
      baa-audit profile list                  the shipped BAA profiles (strict, hipaa-baseline)
      baa-audit policies list --profile strict    what will be checked
      baa-audit iac infra/ --profile strict   the same policies on Terraform, before deploy
      baa-audit phi scan app.log              PHI in a log sample, before it ships

    Stages one by one: collect -> snapshot -> evaluate -> result.json -> report.
    """


for command in (scan, collect, evaluate, report, demo, iac, policies, profile, bundle, verify):
    cli.add_command(command)
for command in (history, diff, merge, phi):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="baa-audit")


__all__ = ["cli", "main"]
