"""``baa-audit iac``: the same BAA policies on Terraform, through checkov.

1. Pick the policies that run under the profile and judge a type a Terraform type maps to.
2. Run checkov (its own environment, :mod:`auditor.iac.checkov_env`) over the directories or the
   plan, with one check per policy (check id = policy id). Each check maps the resource to our
   typed model and judges it with our engine (:mod:`auditor.iac.judge`).
3. Read checkov's JSON report. The index check handed back every relevant resource's
   rendered configuration: map them all to typed models here, joining across resources, place
   each at its file and lines, and evaluate the inventory with the same engine, so the result
   is a normal :class:`~auditor.core.result.RunResult` (promises, safeguards, NOT_APPLICABLE when
   nothing of a type was declared) for every renderer. Verdicts given inside checkov that
   differ are named in the warnings.
4. With ``with_builtins``, checkov's own checks run too; their results are appended as findings
   under checkov's ids, marked as not being BAA safeguards, and never change the exit code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from auditor.core.clock import now_utc
from auditor.core.errors import InputError
from auditor.core.fileio import sha256_file
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Coverage, Resource, ResourceRef, SourceLocation
from auditor.core.result import (
    Finding,
    LeftOutPolicy,
    PolicyInfo,
    Remediation,
    RunResult,
    Status,
    summarize,
)
from auditor.core.safe_load import PLAN, load_json_file
from auditor.core.scope import Scope
from auditor.iac.checkov_env import CheckovCommand, ensure_checkov
from auditor.iac.checkov_report import CheckovRecord, CheckovReport
from auditor.iac.checkov_runner import CheckovTarget, run_checkov
from auditor.iac.judge import INDEX_ID, check_specs, left_to_live_scan, selected_policies
from auditor.iac.mappers import IAC_ACCOUNT, available_mappers
from auditor.iac.skips import MARKER as SKIP_MARKER
from auditor.iac.skips import InlineSkip, apply_skips, load_skips, read_skips, terraform_files
from auditor.iac.tf import TfIndex, TfResource
from auditor.judge.engine import evaluate
from auditor.judge.inputs import EvaluationInputs, load_inputs
from auditor.judge.policy.loader import PolicySet
from auditor.judge.policy.model import Policy
from auditor.judge.rollup import promise_results, safeguard_results
from auditor.judge.selection import (
    Selection,
    SelectionOutcome,
    providers_in,
    record_selection,
    require_some,
    select_policies,
)

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
    #: which checks run (``--checks`` ...); used when ``run_iac`` loads the inputs itself
    selection: Selection | None = None
    #: ``--var-file`` (.tfvars, .tfvars.json), in order: later files win, as with terraform
    var_files: tuple[Path, ...] = ()
    #: honour ``# baa-audit:skip=`` comments (``--no-inline-skips`` turns them off)
    inline_skips: bool = True


@dataclass
class IacRun:
    """The result and what was learnt on the way (for the CLI and tests)."""

    result: RunResult
    report: CheckovReport
    command: CheckovCommand
    policy_ids: list[str] = field(default_factory=list)
    mapped: Mapped | None = None


_VAR_FILE_SUFFIXES = (".tfvars", ".tfvars.json")


def _var_files(request: IacRequest) -> tuple[Path, ...]:
    files: list[Path] = []
    for path in request.var_files:
        if not path.is_file():
            raise InputError("variable file not found", file=path)
        if not path.name.endswith(_VAR_FILE_SUFFIXES):
            raise InputError(
                "a variable file ends in .tfvars or .tfvars.json (as terraform requires)",
                file=path,
            )
        files.append(path.resolve())
    return tuple(files)


def target_of(request: IacRequest) -> CheckovTarget:
    if request.plan is not None:
        if request.paths:
            raise InputError("give Terraform directories or --plan, not both")
        if request.var_files:
            raise InputError(
                "--var-file does not apply to --plan: a plan already holds its variables' values"
            )
        if not request.plan.is_file():
            raise InputError("plan file not found", file=request.plan)
        check_plan(request.plan)
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
    return CheckovTarget(directories=tuple(dirs), var_files=_var_files(request))


def check_plan(path: Path) -> dict[str, Any]:
    """Read a Terraform plan JSON through the input layer (size, depth, duplicate keys, UTF-8)
    and check it is one (``terraform show -json``), before checkov sees it."""
    plan, _ = load_json_file(path, PLAN)
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise InputError(
            "not a Terraform plan in JSON (terraform show -json plan.out > plan.json)", file=path
        )
    version = plan.get("format_version")
    major = version.split(".", 1)[0] if isinstance(version, str) else ""
    if not major.isdigit() or int(major) > PLAN_FORMAT_MAJOR:
        raise InputError(
            f"plan format_version {str(version)[:20]!r} is not one this tool reads "
            f"({PLAN_FORMAT_MAJOR}.x)",
            file=path,
        )
    return plan


#: The Terraform JSON plan format major version this tool reads.
PLAN_FORMAT_MAJOR = 1


def terraform_digest(target: CheckovTarget) -> str:
    """SHA-256 over the scanned Terraform files (relative path and content), or the plan file."""
    if target.plan is not None:
        return sha256_file(target.plan)
    digest = hashlib.sha256()
    for var_file in target.var_files:  # in order: the order decides which value wins
        digest.update(f"--var-file\0{var_file.name}\0{sha256_file(var_file)}\n".encode())
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


def _display_path(raw: str, base: Path) -> str:
    path = Path(raw)
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _location(record: CheckovRecord, base: Path) -> SourceLocation:
    return SourceLocation(
        file=_display_path(record.file_abs_path or record.file_path, base),
        line_start=record.line_start,
        line_end=record.line_end,
        address=record.resource or None,
    )


#: The finding a file checkov could not parse gets: nothing in it was judged, so the run is
#: incomplete (ERROR, exit code 3), never clean.
PARSE_ERROR_ID = "BAA-IAC-PARSE-000"
_PARSE_ERROR_INFO = PolicyInfo(
    id=PARSE_ERROR_ID,
    title="Terraform files are parsed (a file checkov cannot parse is not judged at all)",
    severity="high",
    safeguard="terraform-parse",
    citations=[],
    resource_type="terraform.file",
    remediation=Remediation(summary="Fix the file's syntax (terraform validate), then run again."),
    source="baa-audit iac",
)


def _json_not_judged(file: Path, base: Path) -> Finding:
    """A ``.tf.json`` file: checkov's terraform framework does not read Terraform's JSON syntax,
    so none of its resources were judged (ERROR, never a silent pass)."""
    finding = _parse_error(str(file), base)
    return finding.model_copy(
        update={
            "message": f"Not assessed: {finding.resource.id} is Terraform JSON syntax, which "
            "checkov's terraform framework does not read; none of its resources were judged "
            "(judge the plan instead: baa-audit iac --plan)."
        }
    )


def _parse_error(file: str, base: Path) -> Finding:
    location = SourceLocation(file=_display_path(file, base))
    return Finding(
        policy_id=PARSE_ERROR_ID,
        status="ERROR",
        severity="high",
        safeguard="terraform-parse",
        citations=[],
        resource=ResourceRef(
            provider="terraform",
            account=IAC_ACCOUNT,
            type="terraform.file",
            id=location.file,
            location=location,
        ),
        message=f"Not assessed: checkov could not parse {location.file}; none of its resources were judged.",
    )


def _builtin_finding(record: CheckovRecord, location: SourceLocation) -> Finding:
    status: Status = "PASS" if record.result == "PASSED" else "FAIL"
    parts = record.resource.split(".")
    tf_type = parts[-2] if len(parts) >= 2 else "terraform"
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


def tf_resources(report: CheckovReport) -> list[TfResource]:
    """Every resource the index check handed back, with its file (absolute) and lines."""
    found: dict[tuple[str, str], TfResource] = {}
    for record in report.records:
        if record.check_id != INDEX_ID:
            continue
        verdict = record.verdict() or {}
        tf = verdict.get("tf")
        if not isinstance(tf, dict):
            continue
        file = record.file_abs_path or record.file_path
        res = TfResource(
            type=str(tf.get("type")),
            address=str(tf.get("address")),
            conf=tf.get("conf") or {},
            file=file,
            line_start=record.line_start,
            line_end=record.line_end,
        )
        found.setdefault((file, res.address), res)
    return list(found.values())


@dataclass
class Mapped:
    """The models built from one configuration, and what could not be built."""

    models: list[Resource] = field(default_factory=list)
    by_address: dict[tuple[str, str], Resource] = field(default_factory=dict)
    #: (resource, model type, why) for resources a mapper could not read
    failures: list[tuple[TfResource, str, str]] = field(default_factory=list)
    #: the configuration, when one was scanned: where "0 of a type" is said
    label: str = IAC_ACCOUNT


def root_labels(target: CheckovTarget, base: Path) -> list[tuple[str, str]]:
    """(absolute path, label) of each scanned configuration: the directory or the plan file."""
    roots = [target.plan] if target.plan is not None else list(target.directories)
    return [(str(r.resolve()), _display_path(str(r), base)) for r in roots]


_PROVIDER_BLOCK = re.compile(r'provider\s+"aws"\s*\{(?P<body>.*?)\n\}', re.DOTALL)
_ALIAS = re.compile(r'^\s*alias\s*=\s*"(?P<v>[\w-]+)"', re.MULTILINE)
_REGION = re.compile(r'^\s*region\s*=\s*"(?P<v>[a-z]{2}(?:-[a-z]+)+-\d)"', re.MULTILINE)


def aws_provider_regions(target: CheckovTarget) -> dict[str, str]:
    """``{alias or "": region}`` of the AWS provider blocks that name a literal region.

    AWS resources have no region in their own arguments; the provider's says where they will
    live (a region from a variable stays unknown: the model's region is then None).
    """
    regions: dict[str, str] = {}
    if target.plan is not None:
        try:
            plan = check_plan(target.plan)
        except InputError:
            return regions
        config = (plan.get("configuration") or {}).get("provider_config") or {}
        for key, provider in config.items():
            if not isinstance(provider, dict) or provider.get("name") != "aws":
                continue
            value = ((provider.get("expressions") or {}).get("region") or {}).get("constant_value")
            if isinstance(value, str):
                regions.setdefault(
                    str(provider.get("alias") or ("" if key == "aws" else key)), value
                )
        return regions
    for directory in target.directories:
        for file in sorted(directory.glob("*.tf")):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for block in _PROVIDER_BLOCK.finditer(text):
                region = _REGION.search(block.group("body"))
                alias = _ALIAS.search(block.group("body"))
                if region:
                    regions.setdefault(alias.group("v") if alias else "", region.group("v"))
    return regions


def _root_of(file: str, roots: Sequence[tuple[str, str]]) -> str:
    best = ""
    label = IAC_ACCOUNT
    for path, name in roots:
        if (file == path or file.startswith(path.rstrip("/") + "/")) and len(path) > len(best):
            best, label = path, name
    return label


def map_resources(
    resources: Sequence[TfResource],
    base: Path,
    roots: Sequence[tuple[str, str]] = (),
    aws_regions: dict[str, str] | None = None,
) -> Mapped:
    """Map every resource with a mapper, joining over the whole configuration (per directory).

    AWS models, which have no account before apply, are placed in the configuration they belong
    to (``account`` = the scanned directory or plan file), so a predicate's joins never reach
    into another configuration scanned in the same run.
    """
    mappers = available_mappers()
    index = TfIndex.of(resources)
    out = Mapped(label=roots[0][1] if len(roots) == 1 else IAC_ACCOUNT)
    for res in sorted(resources, key=lambda r: (r.file or "", r.line_start or 0, r.address)):
        mapper = mappers.get(res.type)
        if mapper is None:
            continue
        try:
            model = mapper.map(res, index.scoped(res))
        except ImportError as exc:  # the AWS mappers reuse the live collectors' readers
            why = (
                f"{exc.name or exc} is not installed; judging {res.type} needs the aws extra: "
                "pip install 'baa-audit[aws]'"
            )
            out.failures.append((res, mapper.resource_type, why))
            continue
        except Exception as exc:  # a mapper bug must not hide the resource: ERROR, named
            out.failures.append((res, mapper.resource_type, f"{type(exc).__name__}: {exc}"))
            continue
        if model is None:
            continue
        model.location = SourceLocation(
            file=_display_path(res.file or "", base),
            line_start=res.line_start,
            line_end=res.line_end,
            address=res.address,
        )
        if model.provider == "aws" and model.account == IAC_ACCOUNT and roots:
            model.account = _root_of(res.file or "", roots)
        if model.provider == "aws" and model.region is None and aws_regions:
            alias = str(res.get("provider") or "").removeprefix("aws").lstrip(".")
            model.region = aws_regions.get(alias)
        out.models.append(model)
        out.by_address[(res.file or "", res.address)] = model
    return out


def _mapping_errors(mapped: Mapped, policies: Sequence[Policy], base: Path) -> list[Finding]:
    out: list[Finding] = []
    for res, model_type, why in mapped.failures:
        for policy in policies:
            if policy.resource_type != model_type:
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
                        type=model_type,
                        id=res.address,
                        location=SourceLocation(
                            file=_display_path(res.file or "", base),
                            line_start=res.line_start,
                            line_end=res.line_end,
                            address=res.address,
                        ),
                    ),
                    message=f"Not assessed: {res.address} could not be read as {model_type} ({why}).",
                )
            )
    return out


def build_inventory(
    models: Sequence[Resource], mapped_types: Sequence[str], label: str = IAC_ACCOUNT
) -> Inventory:
    """The models, and a listing record per type: where each type was seen, or one empty
    listing of the configuration (so a policy with nothing to judge says so: NOT_APPLICABLE)."""
    providers = sorted({m.provider for m in models})
    places: dict[tuple[str, str, str | None], int] = {}
    for model in models:
        key = (model.resource_type, model.account, model.region)
        places[key] = places.get(key, 0) + 1
    coverage = [
        Coverage(provider=t.split(".", 1)[0], account=a, region=r, resource_type=t, count=n)
        for (t, a, r), n in sorted(places.items(), key=lambda i: (i[0][0], i[0][1], i[0][2] or ""))
    ]
    seen = {t for t, _, _ in places}
    coverage += [
        Coverage(provider=t.split(".", 1)[0], account=label, resource_type=t, count=0)
        for t in sorted(set(mapped_types) - seen)
        if t.split(".", 1)[0] in providers
    ]
    # the scope of an IaC run is the configuration judged, never an account
    judged = sorted({m.account for m in models}) or [label]
    header = SnapshotHeader(
        scope=Scope.model_validate({"providers": providers, "terraform": judged}),
        source="terraform",
    )
    return Inventory(header=header, resources=list(models), coverage=coverage)


def _narrowed(
    inputs: EvaluationInputs, judgeable: Sequence[Policy]
) -> tuple[list[Policy], SelectionOutcome | None]:
    """The judgeable policies the selection keeps (all when there is no selection)."""
    if inputs.selection.empty:
        return list(judgeable), None
    outcome = select_policies(judgeable, inputs.selection)
    return list(outcome.chosen), outcome


def _left_out_here(outcome: SelectionOutcome, inventory: Inventory) -> list[LeftOutPolicy]:
    """What the selection left out that would have run on this configuration's providers."""
    providers = providers_in(inventory)
    return [
        item
        for item, policy in zip(outcome.left_out, outcome.dropped, strict=True)
        if policy.provider in providers
    ]


def evaluate_mapped(
    mapped: Mapped,
    inputs: EvaluationInputs,
    digests: dict[str, str],
    started: datetime,
    waiver_warning_days: int = 30,
) -> RunResult:
    """Judge mapped models under ``inputs`` (profile, policies, waivers, selection) with the
    engine.

    The same models can be judged against several profiles without running checkov again.
    """
    judgeable = selected_policies(inputs.policies, inputs.profile, available_mappers())
    chosen, outcome = _narrowed(inputs, judgeable)
    subset = PolicySet(
        tuple(chosen), inputs.policies.catalog, inputs.policies.sha256, inputs.policies.files
    )
    inventory = build_inventory(mapped.models, [p.resource_type for p in chosen], mapped.label)
    if inputs.waivers_sha256:
        digests = {**digests, "waivers": inputs.waivers_sha256}
    by_id = inputs.policies.by_id()
    left = [
        (by_id[pid], f"left to the live scan: {why}")
        for pid, why in left_to_live_scan(inputs.policies, inputs.profile, available_mappers())
    ]
    result = evaluate(
        inventory,
        subset,
        inputs.profile,
        inputs.waivers,
        now=now_utc(),
        started_at=started,
        inputs=digests,
        waiver_warning_days=waiver_warning_days,
        not_run=left,
    )
    if outcome is not None:
        result = record_selection(
            result,
            inputs.selection,
            _left_out_here(outcome, inventory),
            inputs.policies.policies,
        )
    return result


def with_findings(
    result: RunResult, findings: list[Finding], inputs: EvaluationInputs
) -> RunResult:
    """``result`` holding ``findings``, its counts and roll-ups recomputed from them (and the
    selection's partial marks applied again)."""
    findings.sort(key=Finding.sort_key)
    profile = inputs.profile.profile
    updated = result.model_copy(
        update={
            "findings": findings,
            "summary": summarize(findings),
            "promises": promise_results(findings, profile),
            "safeguards": safeguard_results(findings, profile, inputs.policies.catalog),
        }
    )
    if result.selection is not None:
        updated = record_selection(
            updated, inputs.selection, result.selection.left_out, inputs.policies.policies
        )
    return updated


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
    inputs = inputs or load_inputs(
        request.profile, request.waivers, list(request.policy_dirs), selection=request.selection
    )
    base = (request.relative_to or Path.cwd()).resolve()
    skips: list[InlineSkip] = []
    ignored = 0
    if target.directories:
        if request.inline_skips:
            skips = load_skips(target.directories, inputs.policies.by_id(), base)
        else:
            ignored = len(read_skips(terraform_files(target.directories))[0])
    mappers = available_mappers()
    judgeable = selected_policies(inputs.policies, inputs.profile, mappers)
    require_some(
        inputs.selection,
        judgeable,
        f"on Terraform under profile {inputs.profile.profile.id!r}",
    )
    chosen, _ = _narrowed(inputs, judgeable)
    specs = check_specs(chosen, mappers)
    our_ids = {p.id for p in chosen}
    command = command or ensure_checkov(request.checkov)
    context = {
        "profile": inputs.profile.source,
        "policy_dirs": [str(d.resolve()) for d in request.policy_dirs],
        "checks": specs,
    }
    check_ids: list[str] | None = None if request.with_builtins else [INDEX_ID, *sorted(our_ids)]
    report = CheckovReport()
    if check_ids is None or check_ids:
        report = run_checkov(command, target, context, check_ids)
    mapped = map_resources(
        tf_resources(report), base, root_labels(target, base), aws_provider_regions(target)
    )
    # only about the providers this configuration declares: an AWS-only tree hears nothing of GCP
    prefixes = {"aws": "aws", "google": "gcp"}  # Terraform type prefix -> provider
    providers = {m.provider for m in mapped.models} | {
        prefixes.get(res.type.split("_", 1)[0], "") for res, _, _ in mapped.failures
    }
    by_id = {p.id: p for p in inputs.policies.policies}
    deselected = select_policies(inputs.policies.policies, inputs.selection).dropped_ids
    warnings: list[str] = [
        f"{pid} is left to the live scan: {why}"
        for pid, why in left_to_live_scan(inputs.policies, inputs.profile, mappers)
        if pid in by_id and by_id[pid].provider in providers and pid not in deselected
    ]

    digests = {"terraform_plan" if target.plan else "terraform": terraform_digest(target)}
    result = evaluate_mapped(mapped, inputs, digests, started, request.waiver_warning_days)
    findings = list(result.findings) + _mapping_errors(mapped, chosen, base)
    warnings += [f"{res.address}: could not be mapped ({why})" for res, _, why in mapped.failures]
    warnings += _compare(report, our_ids, mapped, findings)
    policies_info = dict(result.policies)
    for problem in report.parsing_errors:
        warnings.append(f"checkov could not parse {problem}: its resources were not judged")
        findings.append(_parse_error(problem, base))
        policies_info.setdefault(PARSE_ERROR_ID, _PARSE_ERROR_INFO)
    for json_file in terraform_files(target.directories, ".tf.json"):
        findings.append(_json_not_judged(json_file, base))
        policies_info.setdefault(PARSE_ERROR_ID, _PARSE_ERROR_INFO)
    if skips:
        findings, unused = apply_skips(findings, skips, base)
        warnings += unused
    if ignored:
        warnings.append(
            f"{ignored} inline skip comments (# {SKIP_MARKER}...) were not honoured "
            "(--no-inline-skips)"
        )
    if request.with_builtins:
        builtin = [
            r
            for r in report.records
            if r.check_id not in our_ids
            and r.check_id != INDEX_ID
            and r.result in ("PASSED", "FAILED")
        ]
        for record in builtin:
            finding = _builtin_finding(record, _location(record, base))
            findings.append(finding)
            policies_info.setdefault(record.check_id, _builtin_info(record, finding.resource.type))
        if builtin:
            warnings.append(
                f"{len(builtin)} results of checkov's built-in checks are included under checkov's ids "
                f"(safeguard '{BUILTIN_SAFEGUARD}'): they are not BAA promises and do not set the exit code"
            )
    result = with_findings(result, findings, inputs).model_copy(
        update={"policies": policies_info, "warnings": [*result.warnings, *warnings]}
    )
    return IacRun(
        result=result, report=report, command=command, policy_ids=sorted(our_ids), mapped=mapped
    )


def _compare(
    report: CheckovReport, our_ids: set[str], mapped: Mapped, findings: Sequence[Finding]
) -> list[str]:
    """Checkov's own verdicts (judged inside checkov, joins through its graph) against ours.

    Ours are authoritative; a difference is reported, and a checkov:skip comment is not a waiver.
    """
    index = {
        (
            f.policy_id,
            f.resource.id,
            f.resource.location.file if f.resource.location else "",
        ): f.status
        for f in findings
    }
    out: list[str] = []
    for record in report.records:
        if record.check_id not in our_ids:
            continue
        if record.result == "SKIPPED":
            out.append(
                f"{record.check_id} on {record.resource} is suppressed with a checkov:skip comment; baa-audit "
                "judges it anyway (suppress with a waiver: reason, approver, expiry)"
            )
            continue
        verdict = record.verdict()
        model = mapped.by_address.get((record.file_abs_path or record.file_path, record.resource))
        if verdict is None or model is None or model.location is None:
            continue
        ours = index.get((record.check_id, model.id, model.location.file))
        if ours is not None and ours not in (verdict.get("status"), "WAIVED"):
            out.append(
                f"{record.check_id} on {record.resource}: {ours} over the whole configuration, "
                f"{verdict.get('status')} inside checkov"
            )
    return out


def our_exit_findings(result: RunResult) -> RunResult:
    """The result without checkov's built-in findings, for the exit code."""
    kept = [f for f in result.findings if f.safeguard != BUILTIN_SAFEGUARD]
    return result.model_copy(update={"findings": kept, "summary": summarize(kept)})


def map_terraform(
    request: IacRequest, *, command: CheckovCommand | None = None
) -> tuple[list[Resource], list[str]]:
    """The typed models every covered Terraform resource maps to, unjudged (and warnings)."""
    target = target_of(request)
    mappers = available_mappers()
    context = {
        "profile": request.profile,
        "policy_dirs": [str(d.resolve()) for d in request.policy_dirs],
        "checks": check_specs([], mappers),
    }
    report = run_checkov(command or ensure_checkov(request.checkov), target, context, [INDEX_ID])
    base = (request.relative_to or Path.cwd()).resolve()
    mapped = map_resources(
        tf_resources(report), base, root_labels(target, base), aws_provider_regions(target)
    )
    return mapped.models, [
        f"{r.address}: could not be mapped ({why})" for r, _, why in mapped.failures
    ]


__all__ = [
    "BUILTIN_SAFEGUARD",
    "PARSE_ERROR_ID",
    "IacRequest",
    "IacRun",
    "Mapped",
    "aws_provider_regions",
    "build_inventory",
    "evaluate_mapped",
    "map_resources",
    "map_terraform",
    "our_exit_findings",
    "root_labels",
    "run_iac",
    "target_of",
    "terraform_digest",
    "tf_resources",
    "with_findings",
]
