"""``baa-audit waivers validate``: every mistake of a waivers file at once, each at its line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli.common import (
    echo_err,
    echo_out,
    fail,
    file_option,
    handle_errors,
    policy_dirs_option,
)
from auditor.cli.pipeline import EXIT_USAGE, load_result, now_utc
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.waivers import check_waivers, wildcard_first


@click.group()
def waivers() -> None:
    """Check waivers files."""


@waivers.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@file_option(
    "--result",
    "result_file",
    metavar="RESULT",
    help="Also say which waivers match no finding of this result.json.",
)
@policy_dirs_option("Extra policy directory: waivers may name its policies too.")
@handle_errors
def validate_waivers(file: Path, result_file: Path | None, policy_dirs: tuple[Path, ...]) -> None:
    """Check a waivers file and report every mistake at once (file:line each).

    Checked: the schema (id, policy, reason, approver, expires as a real date), duplicate ids,
    that each policy id or pattern names a loaded policy, and that a wildcard waiver (policy
    '*' or resource '*', the default) says 'scope: all'. Expired waivers and, with --result,
    waivers that match no finding are noted. Exit 0 when valid, 2 on any mistake.

    \b
    Example:
      baa-audit waivers validate waivers.yaml --result out/result.json
    """
    policy_set = load_default_policies(policy_dirs)
    findings = load_result(result_file).findings if result_file is not None else None
    report = check_waivers(
        file, [p.id for p in policy_set.policies], findings=findings, today=now_utc().date()
    )
    for problem in report.problems:
        fail(str(problem))
    for note in report.notes:
        echo_err(f"baa-audit: note: {note}")
    if report.problems:
        sys.exit(EXIT_USAGE)
    wide = [w for w in wildcard_first(report.waivers) if w.wildcard]
    for waiver in wide:
        echo_err(
            f"baa-audit: wildcard waiver {waiver.id}: policy {waiver.policy!r}, resource "
            f"{waiver.resource!r}, account {waiver.account!r} (scope: all), until {waiver.expires}"
        )
    echo_out(f"{file}: {len(report.waivers)} valid waivers ({len(wide)} wildcard)", one_line=True)


__all__ = ["waivers"]
