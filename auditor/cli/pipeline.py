"""The three stages joined by two files, as functions the CLI composes.

This module and the CLI are the only places that read or write files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from auditor.collect import collector
from auditor.collect.base import CollectOptions
from auditor.collect.postgres.endpoints import InstanceIndex
from auditor.core import findings_io, safe_load
from auditor.core.clock import now_utc
from auditor.core.errors import InputError
from auditor.core.fileio import OutputSet, check_writable_dir, sha256_file
from auditor.core.findings_io import (
    FINDINGS_FILE,
    FindingsMode,
    header_json,
    result_lines,
    uses_findings_file,
)
from auditor.core.inventory import Inventory, InventorySink, SnapshotHeader, SnapshotWriter
from auditor.core.progress import Progress
from auditor.core.result import LeftOutPolicy, RunResult, Severity, severity_at_least
from auditor.core.scope import Scope
from auditor.evidence.history import History, default_history_path, result_digest
from auditor.evidence.render import RENDERERS
from auditor.evidence.render.html import TrendPoint, trend_from_runs
from auditor.judge.attestations import empty_set
from auditor.judge.engine import evaluate
from auditor.judge.inputs import EvaluationInputs, load_inputs
from auditor.judge.parallel import default_jobs
from auditor.judge.selection import (
    contract_ids,
    narrow,
    narrow_contract,
    providers_in,
    record_selection,
    require_some,
    would_run,
)

RESULT_FILE = "result.json"
SNAPSHOT_FILE = "snapshot.jsonl"

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


def check_formats(formats: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for entry in formats:
        for raw in entry.split(","):
            name = raw.strip()
            if not name:
                continue
            if name not in RENDERERS:
                raise InputError(f"unknown format {name!r}; formats: {', '.join(RENDERERS)}")
            if name not in chosen:
                chosen.append(name)
    return chosen


def check_out_dir(out: Path) -> None:
    """Refuse an output directory that cannot be written (a file, a dangling symbolic link,
    no permission) before any work is done."""
    check_writable_dir(out)


def collect_to_snapshot(
    providers: Sequence[str],
    options: CollectOptions,
    snapshot: Path,
    progress: Progress,
    source: str = "live",
) -> Scope:
    """Run the collectors for ``providers``, streaming into ``snapshot`` (written atomically)."""
    functions = [(p, collector(p)) for p in providers]  # fails fast on a missing extra
    header = SnapshotHeader(
        collected_at=now_utc(), scope=Scope(providers=list(providers)), source=source
    )
    if options.gcp_export_file is not None:
        header.inputs["gcp_export_file"] = sha256_file(options.gcp_export_file)
    scope = Scope(providers=list(providers))
    with SnapshotWriter(snapshot, header) as writer:
        # database endpoints are matched to the RDS instances collected in the same run
        index = InstanceIndex(writer) if "postgres" in providers else None
        sink: InventorySink = index or writer
        for _name, function in functions:
            scope = scope.merged(function(options, sink, progress))
        if index is not None:
            scope = index.annotate(scope)
        if options.shard is not None:
            # the label merge needs to refuse a set with a shard missing or given twice
            scope = scope.model_copy(update={"shard": "{}/{}".format(*options.shard)})
        writer.final_scope = scope
    return scope


def evaluate_inventory(
    inventory: Inventory,
    inputs: EvaluationInputs,
    snapshot_sha256: str | None,
    started_at: datetime,
    waiver_warning_days: int = 30,
    *,
    jobs: int | None = None,
    spill: bool | None = None,
) -> RunResult:
    """Judge ``inventory`` (see :func:`~auditor.judge.engine.evaluate`). ``spill``: the findings
    are written to a temporary file as they are judged and the result streams them from it
    (default: from :data:`~auditor.core.findings_io.SPILL_RESOURCES` resources); the same
    result either way."""
    if spill is None:
        spill = len(inventory.resources) >= findings_io.SPILL_RESOURCES
    digests: dict[str, str] = {}
    if snapshot_sha256:
        digests["snapshot"] = snapshot_sha256
    if inputs.waivers_sha256:
        digests["waivers"] = inputs.waivers_sha256
    if inputs.attestations is not None:
        digests["attestations"] = inputs.attestations.sha256
    policies, outcome, profile = inputs.policies, None, inputs.profile
    contract_left: list[LeftOutPolicy] = []
    if not inputs.selection.empty:
        providers = providers_in(inventory)
        candidates = would_run(inputs.policies.policies, inputs.profile, providers)
        require_some(inputs.selection, candidates, _where(inputs, providers))
        policies, outcome = narrow(inputs.policies, inputs.selection, candidates)
        profile, contract_left = narrow_contract(inputs.profile, inputs.selection)
    result = evaluate(
        inventory,
        policies,
        profile,
        inputs.waivers,
        now=now_utc(),
        started_at=started_at,
        inputs=digests,
        waiver_warning_days=waiver_warning_days,
        # a live run always lists its contractual items; the file, when given, answers them
        attestations=inputs.attestations or empty_set(),
        jobs=jobs or default_jobs(),
        spill=findings_io.FindingsSpill() if spill else None,
    )
    if outcome is not None:
        result = record_selection(
            result,
            inputs.selection,
            [*outcome.left_out, *contract_left],
            inputs.policies.policies,
            contract_ids(inputs.profile),
        )
    return result


def _where(inputs: EvaluationInputs, providers: Iterable[str]) -> str:
    return f"under profile {inputs.profile.profile.id!r} for {', '.join(sorted(providers)) or 'no provider'}"


def check_selection_runs(inputs: EvaluationInputs, providers: Iterable[str]) -> None:
    """Before anything is collected or written: the selection leaves something to run."""
    if not inputs.selection.empty:
        candidates = would_run(inputs.policies.policies, inputs.profile, providers)
        require_some(inputs.selection, candidates, _where(inputs, providers))


def write_outputs(
    result: RunResult,
    out: Path,
    formats: Sequence[str],
    trend: Sequence[TrendPoint] = (),
    renderers: Mapping[str, Callable[[RunResult], bytes | Iterable[bytes]]] | None = None,
    *,
    keep: Sequence[Path] = (),
    include_result: bool = True,
    merge: bool = False,
    findings: FindingsMode = "auto",
    cleaned: bool = False,
) -> list[Path]:
    """Write result.json and each requested format into ``out`` as one set.

    The result is redacted first (:func:`safe_load.clean_result`: no secret the redactor knows
    reaches any output), everything is rendered into a temporary directory beside ``out`` and
    moved into place with the manifest (``baa-audit-outputs.json``) written last, so an
    interrupted run leaves the old complete set or files no manifest vouches for
    (:class:`~auditor.core.fileio.OutputSet`). ``keep`` lists files already in ``out`` that
    belong to the set (a scan's snapshot). ``trend`` (past runs' counts, see :func:`trend_for`)
    is drawn by the formats that can; ``renderers`` replaces the registry's function for some
    formats (``iac``: SARIF with FAIL and ERROR results only). ``findings`` puts the findings
    inline or in ``findings.jsonl`` beside a result header (:mod:`auditor.core.findings_io`;
    ``auto``: JSON Lines above ``INLINE_FINDINGS_MAX`` findings). Returns the files written,
    the manifest last. ``cleaned``: ``result`` was already redacted by the caller.
    """
    if not cleaned:
        result = safe_load.clean_result(result)
    meta = {
        "tool_version": result.tool_version,
        "profile": result.profile.id,
        "result_started_at": result.started_at.isoformat(),
    }
    with OutputSet(out, keep=keep, merge=merge, meta=meta) as outputs:
        split = include_result and uses_findings_file(result, findings)
        if split:
            lines = result_lines(result)  # streamed: never joined in memory
            outputs.add(FINDINGS_FILE, lines)
            outputs.add(RESULT_FILE, header_json(result, lines.count, lines.sha256))
        elif include_result:
            outputs.add(RESULT_FILE, render_format("json", result))
        for name in formats:
            if name == "json":
                continue
            special = (renderers or {}).get(name)
            outputs.add(
                RENDERERS[name].filename("report"),
                special(result) if special is not None else render_format(name, result, trend),
            )
    if include_result and not split:
        # an earlier run's findings file: result.json no longer names it (a bundle would carry it)
        (out / FINDINGS_FILE).unlink(missing_ok=True)
    return outputs.written


def render_format(
    name: str, result: RunResult, trend: Sequence[TrendPoint] = ()
) -> bytes | Iterable[bytes]:
    """``result`` in format ``name``, with the trend where the format can draw one: in pieces
    when the renderer can write them so (``Renderer.chunks``), else whole."""
    renderer = RENDERERS[name]
    if renderer.chunks is not None:
        return renderer.chunks(result, trend if renderer.render_with_trend is not None else ())
    if trend and renderer.render_with_trend is not None:
        return renderer.render_with_trend(result, trend)
    return renderer.render(result)


# -- history -----------------------------------------------------------------------------------
def history_path(out: Path, history: Path | None, disabled: bool) -> Path | None:
    """Where to record the run: ``--history``, else ``<out>/history.sqlite``; None if disabled."""
    if disabled:
        return None
    return history if history is not None else default_history_path(out)


def check_history(path: Path | None) -> None:
    """Refuse an unusable history database before anything is collected or written.

    A database that does not exist yet is fine (it is created when the run is recorded); one that
    exists must open and be of a schema this version understands.
    """
    if path is None:
        return
    if path.exists() and not path.is_file():
        raise InputError("history path exists and is not a file", file=path)
    if path.is_file():
        History(path, create=False).close()


def trend_for(result: RunResult, path: Path | None, limit: int = 20) -> list[TrendPoint]:
    """Counts of the runs recorded in ``path`` up to ``result``, and of ``result`` itself.

    Only runs of the same profile and shard count (a trend mixes nothing else). ``result`` is
    counted once whether or not it has been recorded yet. Fewer than two points make no trend.
    """
    if path is None or not path.is_file():
        return []
    with History(path, create=False) as store:
        past = [
            row
            for row in store.runs(profile=result.profile.id)
            if row.shard == result.scope.shard
            and datetime.fromisoformat(row.started_at) <= result.started_at
        ]
    if any(datetime.fromisoformat(row.started_at) == result.started_at for row in past):
        # only then can ``result`` itself be among them (`baa-audit report` of a recorded run)
        digest = result_digest(result)
        past = [row for row in past if row.result_sha256 != digest]
    points = trend_from_runs([*past, result], limit=limit)
    return points if len(points) >= 2 else []


def finish_run(
    result: RunResult,
    out: Path,
    formats: Sequence[str],
    db: Path | None,
    keep: Sequence[Path] = (),
    findings: FindingsMode = "auto",
) -> tuple[list[Path], tuple[Path, int] | None]:
    """Write the outputs (the HTML with the trend from ``db``), then record the run in ``db``
    (created if needed; ``None``: not recorded). What is written and recorded is redacted.

    Returns the files written and, when recorded, the database and the run's id.
    """
    result = safe_load.clean_result(result)
    written = write_outputs(
        result, out, formats, trend_for(result, db), keep=keep, findings=findings, cleaned=True
    )
    if db is None:
        return written, None
    with History(db) as store:
        return written, (db, store.record(result))


def load_result(path: Path, *, stream: bool = False) -> RunResult:
    """A result.json (and its findings file), strictly read, re-validated and redacted
    (:func:`findings_io.load_result`; ``stream``: findings read from their file on each pass)."""
    return findings_io.load_result(path, stream=stream)


def exit_code(result: RunResult, fail_on: Severity) -> int:
    """0 clean; 1 failures at or above ``fail_on``; 3 nothing failed but some checks errored."""
    failing = any(severity_at_least(f.severity, fail_on) for f in result.iter_findings(("FAIL",)))
    if failing:
        return EXIT_FAILURES
    if result.count("ERROR"):
        return EXIT_INCOMPLETE
    return EXIT_OK


def summary_line(result: RunResult, code: int) -> str:
    counts = " ".join(f"{k.lower()}={v}" for k, v in result.summary.items())
    status = {EXIT_OK: "ok", EXIT_FAILURES: "fail", EXIT_INCOMPLETE: "incomplete"}.get(
        code, "error"
    )
    return f"baa-audit status={status} profile={result.profile.id} {counts} exit={code}"


def digests_of(paths: Mapping[str, Path]) -> dict[str, str]:
    return {name: sha256_file(path) for name, path in paths.items()}


__all__ = [
    "EXIT_FAILURES",
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "EXIT_USAGE",
    "RESULT_FILE",
    "SNAPSHOT_FILE",
    "EvaluationInputs",
    "check_formats",
    "check_history",
    "check_out_dir",
    "check_selection_runs",
    "collect_to_snapshot",
    "default_history_path",
    "evaluate_inventory",
    "exit_code",
    "finish_run",
    "history_path",
    "load_inputs",
    "load_result",
    "now_utc",
    "render_format",
    "summary_line",
    "trend_for",
    "write_outputs",
]
