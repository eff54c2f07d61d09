"""``baa-audit iac``: the same BAA policies on Terraform, before deploy, through checkov."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli.common import (
    JudgeArgs,
    echo_err,
    fail_on_option,
    file_option,
    handle_errors,
    judge_options,
    quiet_option,
    summary_option,
    warning_days_option,
)
from auditor.cli.pipeline import (
    check_formats,
    check_out_dir,
    exit_code,
    load_result,
    write_outputs,
)
from auditor.core.errors import InputError
from auditor.core.result import Severity


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@file_option(
    "--plan",
    metavar="PLAN_JSON",
    help="Judge `terraform show -json PLANFILE` output instead of directories: values known only "
    "after variables and modules expand are judged as planned.",
)
@file_option(
    "--var-file",
    "var_files",
    multiple=True,
    help="Terraform variable values (.tfvars or .tfvars.json), repeatable: as with terraform, "
    "a later file wins; passed to checkov's --var-file.",
)
@judge_options("baa-audit-iac", "result.json and reports", attestations=False)
@click.option(
    "--no-inline-skips",
    is_flag=True,
    help="Ignore '# baa-audit:skip=ID reason' comments (for audits: every failure counts; "
    "waivers files still apply).",
)
@click.option(
    "--sarif-all",
    is_flag=True,
    help="SARIF with every status (PASS, NOT_APPLICABLE, MANUAL, WAIVED too); by default the "
    "SARIF holds only FAIL and ERROR results, as code scanning expects.",
)
@fail_on_option
@warning_days_option
@file_option(
    "--baseline",
    metavar="RESULT",
    help="A result.json of the same check on the base branch: only failures it does not have "
    "set the exit code (reports still show every finding).",
)
@click.option(
    "--with-checkov-builtins",
    "with_builtins",
    is_flag=True,
    help="Also run checkov's own checks; reported under checkov's ids, never in the exit code.",
)
@file_option(
    "--checkov",
    "checkov_path",
    metavar="PATH",
    path_type=str,
    help="An existing checkov executable to use instead of the managed environment "
    "(~/.cache/baa-audit/checkov, or $BAA_AUDIT_CHECKOV_VENV).",
)
@quiet_option
@summary_option
@handle_errors
def iac(
    paths: tuple[Path, ...],
    plan: Path | None,
    judging: JudgeArgs,
    out: Path,
    formats: tuple[str, ...],
    fail_on: Severity,
    waiver_warning_days: int,
    baseline: Path | None,
    with_builtins: bool,
    checkov_path: str | None,
    quiet: bool,
    summary: bool,
    var_files: tuple[Path, ...],
    no_inline_skips: bool,
    sarif_all: bool,
) -> None:
    """Judge Terraform against a BAA profile before it is deployed.

    PATHS are Terraform directories (a .tf file counts for its directory, so pre-commit can pass
    changed files). Findings carry the same policy ids as the live scan, and the file and lines
    of the resource, in every report format (SARIF for code scanning).

    A FAIL is accepted where it is declared with a comment inside (or directly above) the
    resource block: `# baa-audit:skip=AWS-S3-001 reason`; it becomes WAIVED with the reason
    and the comment's file:line. `--no-inline-skips` turns them off.

    \b
    Examples:
      baa-audit iac infra/ --profile strict --format sarif,markdown
      baa-audit iac infra/ --var-file prod.tfvars --checks 'AWS-ELB-*,AWS-RDS-*'
      terraform show -json plan.out > plan.json && baa-audit iac --plan plan.json
      baa-audit iac infra/ --baseline base/result.json     (fail only on new failures)

    Exit codes: 0 no failures at or above --fail-on; 1 failures; 2 usage or input error;
    3 no failures but some checks could not be assessed.
    """
    from auditor.cli.run import report_summary
    from auditor.evidence.render.sarif import render_attention
    from auditor.iac.baseline import new_failures, without_baseline_failures
    from auditor.iac.run import IacRequest, our_exit_findings, run_iac

    chosen = check_formats(formats)
    if not paths and plan is None:
        raise InputError("give a Terraform directory (or .tf files) or --plan PLAN_JSON")
    base = load_result(baseline) if baseline is not None else None
    inputs = judging.load()
    check_out_dir(out)
    request = IacRequest(
        paths=tuple(paths),
        plan=plan,
        profile=judging.profile,
        policy_dirs=judging.policy_dirs,
        waivers=judging.waivers,
        with_builtins=with_builtins,
        checkov=checkov_path,
        waiver_warning_days=waiver_warning_days,
        selection=inputs.selection,
        var_files=tuple(var_files),
        inline_skips=not no_inline_skips,
    )
    run = run_iac(request, inputs=inputs)
    result = run.result
    renderers = None if sarif_all else {"sarif": render_attention}
    written = write_outputs(result, out, chosen, renderers=renderers)
    judged = our_exit_findings(result)
    if base is not None:
        fresh = new_failures(judged, base)
        if not quiet:
            old = sum(1 for f in judged.findings if f.status == "FAIL") - len(fresh)
            echo_err(f"baa-audit: {len(fresh)} new failures, {old} already in the baseline")
        judged = without_baseline_failures(judged, base)
    code = exit_code(judged, fail_on)
    report_summary(result, written, code, quiet, summary)
    sys.exit(code)


__all__ = ["iac"]
