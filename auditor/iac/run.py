"""``baa-audit iac``: the same BAA policies on Terraform, through checkov.

1. Pick the policies that run under the profile and judge a type a Terraform type maps to.
2. Run checkov (its own environment, :mod:`auditor.iac.checkov_env`) over the directories or the
   plan, with one check per policy (check id = policy id). Each check maps the resource to our
   typed model and judges it with our engine (:mod:`auditor.iac.judge`).
3. Read checkov's JSON report: every record of ours carries the model it judged. Put the models,
   located at their file and lines, into an inventory and evaluate it once more with the same
   engine, so the result is a normal :class:`~auditor.result.RunResult` (promises, safeguards,
   NOT_APPLICABLE when nothing of a type was declared) for every renderer.
4. With ``with_builtins``, checkov's own checks run too; their results are appended as findings
   under checkov's ids, marked as not being BAA safeguards, and never change the exit code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.engine import evaluate
from auditor.errors import InputError
from auditor.fileio import sha256_file
from auditor.iac.checkov_env import CheckovCommand, ensure_checkov
from auditor.iac.checkov_report import CheckovRecord, CheckovReport
from auditor.iac.checkov_runner import CheckovTarget, run_checkov
from auditor.iac.judge import check_specs, selected_policies
from auditor.iac.mappers import IAC_ACCOUNT, available_mappers
from auditor.inventory import Inventory, SnapshotHeader
from auditor.model.base import Coverage, Resource, ResourceRef, SourceLocation
from auditor.model.registry import resource_types
from auditor.pipeline import EvaluationInputs, load_inputs, now_utc
from auditor.policy.loader import PolicySet
from auditor.result import Finding, PolicyInfo, Remediation, RunResult, Status, summarize
from auditor.scope import Scope

#: The safeguard key checkov's own findings carry: they are not BAA safeguards.
BUILTIN_SAFEGUARD = "checkov-builtin"
_TF_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")


@dataclass(frozen=True)
class IacRequest:
    """What to judge and how. ``paths`` are Terraform directories (a file counts for its directory)."""

    paths: tuple[Path, ...] = ()
    plan: Path | None = None
    profile: str = "strict"
    policy_dirs: tuple[Path, ...] = ()
    waivers: Path | None = None
    with_builtins: bool = False
    checkov: str | None = None
    relative_to: Path | None = None  # file paths in findings are relative to this (default: cwd)
    waiver_warning_days: int = 30


@dataclass
class IacRun:
    """The result and what was learnt on the way (for the CLI and tests)."""

    result: RunResult
    report: CheckovReport
    command: CheckovCommand
    policy_ids: list[str] = field(default_factory=list)


def target_of(request: IacRequest) -> CheckovTarget:
    if request.plan is not None:
        if request.paths:
            raise InputError("give Terraform directories or --plan, not both")
        if not request.plan.is_file():
            raise InputError("plan file not found", file=request.plan)
        return CheckovTarget(plan=request.plan.resolve())
    if not request.paths:
        raise InputError("nothing to scan: give a Terraform directory or --plan PLAN_JSON")
    dirs: list[Path] = []
    for path in request.paths:
        if not path.exists():
            raise InputError("path not found", file=path)
        directory = (path if path.is_dir() else path.parent).resolve()
        if directory not in dirs:
            dirs.append(directory)
    return CheckovTarget(directories=tuple(dirs))


def terraform_digest(target: CheckovTarget) -> str:
    """SHA-256 over the scanned Terraform files (relative path and content), or the plan file."""
    if target.plan is not None:
        return sha256_file(target.plan)
    digest = hashlib.sha256()
    for directory in target.directories:
        files = sorted(
            p
            for p in directory.rglob("*")
            if p.is_file() and p.name.endswith(_TF_SUFFIXES) and ".terraform" not in p.parts
        )
        for file in files:
            digest.update(
                f"{file.relative_to(directory).as_posix()}\0{sha256_file(file)}\n".encode()
            )
    return digest.hexdigest()


def _display_path(record: CheckovRecord, base: Path) -> str:
    raw = record.file_abs_path or record.file_path
    path = Path(raw)
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _builtin_finding(record: CheckovRecord, location: SourceLocation) -> Finding:
    status: Status = "PASS" if record.result == "PASSED" else "FAIL"
    tf_type = record.resource.split(".")[-2] if record.resource.count(".") >= 1 else "terraform"
    return Finding(
        policy_id=record.check_id,
        status=status,
        severity="info",
        safeguard=BUILTIN_SAFEGUARD,
        citations=[],
        resource=ResourceRef(
            provider="terraform",
            account=IAC_ACCOUNT,
            type=tf_type,
            id=record.resource,
            location=location,
        ),
        message=f"checkov built-in check (not a BAA safeguard): {record.check_name}",
    )


def _builtin_info(record: CheckovRecord, tf_type: str) -> PolicyInfo:
    return PolicyInfo(
        id=record.check_id,
        title=record.check_name or record.check_id,
        severity="info",
        safeguard=BUILTIN_SAFEGUARD,
        citations=[],
        resource_type=tf_type,
        remediation=Remediation(summary=f"See checkov's documentation for {record.check_id}."),
        source="checkov built-in",
    )


def models_from_report(
    report: CheckovReport, our_ids: set[str], base: Path
) -> tuple[list[Resource], list[str], list[tuple[CheckovRecord, dict[str, Any]]]]:
    """The typed models our checks judged (one per resource), warnings, and each (record, verdict)."""
    types = resource_types()
    models: dict[tuple[str, str, str], Resource] = {}
    warnings: list[str] = []
    verdicts: list[tuple[CheckovRecord, dict[str, Any]]] = []
    for record in report.records:
        if record.check_id not in our_ids:
            continue
        if record.result == "SKIPPED":
            warnings.append(
                f"{record.check_id} on {record.resource} was suppressed with a checkov:skip comment; "
                "baa-audit does not honour inline suppressions (use a waiver): the resource is still judged"
            )
            continue
        verdict = record.verdict()
        if verdict is None:
            warnings.append(
                f"{record.check_id} on {record.resource}: checkov record without a baa-audit verdict"
            )
            continue
        verdicts.append((record, verdict))
        payload = verdict.get("resource")
        if not isinstance(payload, dict):
            continue
        cls = types.get(str(payload.get("type")))
        if cls is None:
            warnings.append(f"{record.resource}: unknown resource type {payload.get('type')!r}")
            continue
        try:
            model = cls.model_validate(payload.get("data"))
        except ValidationError as exc:
            warnings.append(f"{record.resource}: model does not validate: {exc.errors()[0]['msg']}")
            continue
        location = SourceLocation(
            file=_display_path(record, base), line_start=record.line_start, line_end=record.line_end
        )
        model.location = location
        key = (model.resource_type, location.file, model.id)
        models.setdefault(key, model)
    return list(models.values()), warnings, verdicts


def _error_findings(
    verdicts: Sequence[tuple[CheckovRecord, dict[str, Any]]], policies: PolicySet, base: Path
) -> list[Finding]:
    """ERROR findings for resources our check could not even map (the check failed inside checkov)."""
    by_id = policies.by_id()
    out: list[Finding] = []
    for record, verdict in verdicts:
        if verdict.get("resource") is not None or verdict.get("status") != "ERROR":
            continue
        policy = by_id.get(record.check_id)
        if policy is None:
            continue
        doc = policy.doc
        out.append(
            Finding(
                policy_id=doc.id,
                status="ERROR",
                severity=doc.severity,
                safeguard=doc.safeguard,
                citations=list(doc.citations),
                resource=ResourceRef(
                    provider=policy.provider,
                    account=IAC_ACCOUNT,
                    type=policy.resource_type,
                    id=record.resource,
                    location=SourceLocation(
                        file=_display_path(record, base),
                        line_start=record.line_start,
                        line_end=record.line_end,
                    ),
                ),
                message=f"Not assessed: {verdict.get('message', 'the check failed')}",
            )
        )
    return out


def build_inventory(models: Sequence[Resource], mapped_types: Sequence[str]) -> Inventory:
    providers = sorted({m.provider for m in models})
    counts: dict[str, int] = {}
    for model in models:
        counts[model.resource_type] = counts.get(model.resource_type, 0) + 1
    coverage = [
        Coverage(
            provider=t.split(".", 1)[0],
            account=IAC_ACCOUNT,
            resource_type=t,
            count=counts.get(t, 0),
        )
        for t in sorted(set(mapped_types))
        if t.split(".", 1)[0] in providers
    ]
    header = SnapshotHeader(
        scope=Scope.model_validate({"providers": providers}), source="terraform"
    )
    return Inventory(header=header, resources=list(models), coverage=coverage)


def run_iac(
    request: IacRequest,
    *,
    inputs: EvaluationInputs | None = None,
    command: CheckovCommand | None = None,
    now: datetime | None = None,
) -> IacRun:
    """Judge Terraform (directories or a plan) against the profile; see the module docstring."""
    started = now or now_utc()
    target = target_of(request)
    inputs = inputs or load_inputs(request.profile, request.waivers, list(request.policy_dirs))
    mappers = available_mappers()
    chosen = selected_policies(inputs.policies, inputs.profile, mappers)
    specs = check_specs(chosen, mappers)
    our_ids = {p.id for p in chosen}
    command = command or ensure_checkov(request.checkov)
    context = {
        "profile": inputs.profile.source,
        "policy_dirs": [str(d.resolve()) for d in request.policy_dirs],
        "checks": specs,
    }
    check_ids: list[str] | None = None if request.with_builtins else sorted(our_ids)
    report = CheckovReport()
    if check_ids is None or check_ids:
        report = run_checkov(command, target, context, check_ids)
    base = (request.relative_to or Path.cwd()).resolve()
    models, warnings, verdicts = models_from_report(report, our_ids, base)

    subset = PolicySet(
        tuple(chosen), inputs.policies.catalog, inputs.policies.sha256, inputs.policies.files
    )
    inventory = build_inventory(models, [p.resource_type for p in chosen])
    digests = {"terraform_plan" if target.plan else "terraform": terraform_digest(target)}
    if inputs.waivers_sha256:
        digests["waivers"] = inputs.waivers_sha256
    result = evaluate(
        inventory,
        subset,
        inputs.profile,
        inputs.waivers,
        now=now_utc(),
        started_at=started,
        inputs=digests,
        waiver_warning_days=request.waiver_warning_days,
    )
    findings = list(result.findings) + _error_findings(verdicts, inputs.policies, base)
    warnings += _compare(verdicts, findings)
    for problem in report.parsing_errors:
        warnings.append(f"checkov could not parse {problem}: its resources were not judged")
    policies_info = dict(result.policies)
    if request.with_builtins:
        builtin = [
            r
            for r in report.records
            if r.check_id not in our_ids and r.result in ("PASSED", "FAILED")
        ]
        for record in builtin:
            location = SourceLocation(
                file=_display_path(record, base),
                line_start=record.line_start,
                line_end=record.line_end,
            )
            finding = _builtin_finding(record, location)
            findings.append(finding)
            policies_info.setdefault(record.check_id, _builtin_info(record, finding.resource.type))
        if builtin:
            warnings.append(
                f"{len(builtin)} results of checkov's built-in checks are included under checkov's ids "
                f"(safeguard '{BUILTIN_SAFEGUARD}'): they are not BAA promises and do not set the exit code"
            )
    findings.sort(key=Finding.sort_key)
    result = result.model_copy(
        update={
            "findings": findings,
            "summary": summarize(findings),
            "policies": policies_info,
            "warnings": [*result.warnings, *warnings],
        }
    )
    return IacRun(result=result, report=report, command=command, policy_ids=sorted(our_ids))


def _compare(
    verdicts: Sequence[tuple[CheckovRecord, dict[str, Any]]], findings: Sequence[Finding]
) -> list[str]:
    """Warn where the host's verdict differs from the one given inside checkov (cross-resource joins)."""
    index = {(f.policy_id, f.resource.id): f.status for f in findings}
    out: list[str] = []
    for record, verdict in verdicts:
        payload = verdict.get("resource")
        if not isinstance(payload, dict):
            continue
        rid = str((payload.get("data") or {}).get("id"))
        host = index.get((record.check_id, rid))
        if host is not None and host not in (verdict.get("status"), "WAIVED"):
            out.append(
                f"{record.check_id} on {record.resource}: {host} over the whole configuration, "
                f"{verdict.get('status')} on the resource alone"
            )
    return out


def our_exit_findings(result: RunResult) -> RunResult:
    """The result without checkov's built-in findings, for the exit code."""
    kept = [f for f in result.findings if f.safeguard != BUILTIN_SAFEGUARD]
    return result.model_copy(update={"findings": kept, "summary": summarize(kept)})


__all__ = [
    "BUILTIN_SAFEGUARD",
    "IacRequest",
    "IacRun",
    "build_inventory",
    "map_terraform",
    "models_from_report",
    "our_exit_findings",
    "run_iac",
    "target_of",
    "terraform_digest",
]


def map_terraform(
    request: IacRequest, *, command: CheckovCommand | None = None
) -> tuple[list[Resource], list[str]]:
    """The typed models every covered Terraform resource maps to, unjudged (and warnings)."""
    from auditor.iac.judge import PROBE_ID

    target = target_of(request)
    mappers = available_mappers()
    context = {
        "profile": request.profile,
        "policy_dirs": [str(d.resolve()) for d in request.policy_dirs],
        "checks": [
            {"id": PROBE_ID, "title": "baa-audit mapping probe", "tf_types": sorted(mappers)}
        ],
    }
    report = run_checkov(command or ensure_checkov(request.checkov), target, context, [PROBE_ID])
    base = (request.relative_to or Path.cwd()).resolve()
    models, warnings, _ = models_from_report(report, {PROBE_ID}, base)
    return models, warnings
