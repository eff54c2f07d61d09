"""The HTML evidence report: one self-contained file a compliance officer reads or prints.

The first screen quotes every BAA promise with its verdict; then come the cover (scope, profile,
period, tool version, input digests), the summary by safeguard with inline SVG charts, each promise
with the policies testing it and the observed values per resource, waivers, MANUAL items and
ERRORs with what could not be read and why.

Every cloud-supplied string is hostile: the jinja2 environment autoescapes everything, the
template holds no ``<script>``, and a Content-Security-Policy forbids scripts and any fetch. Charts
are computed here as plain geometry and drawn by the template, so they too go through escaping.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

import jinja2

from auditor.core.resources import reports_dir
from auditor.core.result import (
    STATUSES,
    AttestationRef,
    Finding,
    RunResult,
    Status,
    is_wildcard_waiver,
    wildcard_waivers,
)
from auditor.core.text import REPORT_MAX_CHARS, REPORT_MAX_ITEMS, for_humans
from auditor.evidence.render.places import (
    PASS_SAMPLE,
    PASS_SUMMARY_THRESHOLD,
    place_label,
    summarise_passes,
    timeline,
)

MEDIA_TYPE = "text/html"
EXTENSION = "html"

_TEMPLATE = "html/report.html.j2"

#: Width of the bar area of a chart, in SVG user units.
_BAR_WIDTH = 420
_LABEL_WIDTH = 250
_ROW_HEIGHT = 22


@dataclass(frozen=True)
class TrendPoint:
    """One past run for the trend chart: when it ran and its counts by status."""

    when: datetime
    summary: dict[str, int]


#: Status colours, set as SVG attributes so every renderer (browsers, WeasyPrint) draws them.
COLOURS: dict[str, str] = {
    "FAIL": "#b71c1c",
    "ERROR": "#e65100",
    "MANUAL": "#6a1b9a",
    "WAIVED": "#455a64",
    "ATTESTED": "#00695c",
    "PASS": "#1b5e20",
    "NOT_APPLICABLE": "#757575",
}


class _PastRun(Protocol):
    """What a trend needs of a past run (``auditor.evidence.history.RunRow`` has it)."""

    @property
    def started_at(self) -> str | datetime: ...

    @property
    def summary(self) -> dict[str, int]: ...


def trend_from_runs(runs: Iterable[_PastRun], *, limit: int = 20) -> list[TrendPoint]:
    """The newest ``limit`` past runs as trend points, oldest first.

    ``History(path).runs(profile=result.profile.id)`` gives exactly such runs.
    """
    points = []
    for run in runs:
        when = run.started_at
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        points.append(TrendPoint(when=when, summary=dict(run.summary)))
    points.sort(key=lambda p: p.when)
    return points[-limit:] if limit > 0 else points


@dataclass(frozen=True)
class Segment:
    """One status's part of a stacked bar (HTML and PDF charts)."""

    status: str
    colour: str
    x: float
    width: float
    count: int


def counted_rows(
    rows: Sequence[tuple[str, dict[str, int]]],
) -> tuple[list[tuple[str, dict[str, int]]], int]:
    """The chart rows that count anything, and the largest row total (0 when none)."""
    kept = [(label, counts) for label, counts in rows if sum(counts.values())]
    return kept, max((sum(counts.values()) for _, counts in kept), default=0)


def stacked_segments(
    counts: dict[str, int],
    statuses: Iterable[str],
    bar_width: int,
    biggest: int,
    colour_of: Callable[[str], str],
) -> list[Segment]:
    """A bar's segments, one per status that has a count, in the order of ``statuses``, laid
    end to end; ``biggest`` findings fill ``bar_width``."""
    x = 0.0
    segments: list[Segment] = []
    for status in statuses:
        count = counts.get(status, 0)
        if not count:
            continue
        width = round(bar_width * count / biggest, 2)
        segments.append(Segment(status, colour_of(status), round(x, 2), width, count))
        x += width
    return segments


@dataclass(frozen=True)
class _Bar:
    label: str
    y: int
    total: int
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class ChartFrame:
    """A stacked-bar chart's title and geometry (HTML and PDF): its size, the labels' column
    and the bars' full width, in SVG units."""

    title: str
    width: int
    height: int
    label_width: int
    bar_width: int


@dataclass(frozen=True)
class _Chart(ChartFrame):
    row_height: int
    bars: list[_Bar]


#: ``json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)``, its encoder built once
#: rather than once per observed value.
_VALUE_TEXT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


def _evidence_value(value: Any) -> str:
    """An observed value as a person reads it; ``None`` is observed-absent, never a blank."""
    if value is None:
        return "null (observed absent)"
    if isinstance(value, str):
        return value
    return _VALUE_TEXT.encode(value)


def status_label(status: str | None) -> str:
    """A status as a report shows it: NOT_APPLICABLE reads NOT APPLICABLE."""
    return str(status or "NONE").replace("_", " ")


def _status_class(status: str | None) -> str:
    return "st-" + str(status or "none").lower().replace("_", "-")


def template_environment(
    directory: str,
    *,
    keep_trailing_newline: bool,
    filters: Mapping[str, Callable[..., Any]],
    template_globals: Mapping[str, Any] | None = None,
) -> jinja2.Environment:
    """Jinja over the report templates in ``directory`` (the HTML and PDF reports): HTML
    autoescaped, an undefined name an error, block tags on their own lines; the test
    ``wildcard`` (a waiver of ``scope: all``), the filter ``status_label``, and the report's
    own ``filters`` and ``template_globals``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.tests["wildcard"] = is_wildcard_waiver
    env.filters["status_label"] = status_label
    env.filters.update(filters)
    env.globals.update(template_globals or {})
    return env


@lru_cache(maxsize=4)
def _environment(directory: str) -> jinja2.Environment:
    return template_environment(
        directory,
        keep_trailing_newline=True,
        filters={"evidence": _evidence_value, "status_class": _status_class},
        template_globals={"colours": COLOURS, "document_link": document_link},
    )


def _chart(title: str, rows: list[tuple[str, dict[str, int]]]) -> _Chart | None:
    rows, biggest = counted_rows(rows)
    if not rows:
        return None
    bars: list[_Bar] = []
    for index, (label, counts) in enumerate(rows):
        segments = stacked_segments(counts, STATUSES, _BAR_WIDTH, biggest, COLOURS.__getitem__)
        bars.append(
            _Bar(label=label, y=index * _ROW_HEIGHT, total=sum(counts.values()), segments=segments)
        )
    return _Chart(
        title=title,
        width=_LABEL_WIDTH + _BAR_WIDTH + 60,
        height=len(bars) * _ROW_HEIGHT + 4,
        label_width=_LABEL_WIDTH,
        bar_width=_BAR_WIDTH,
        row_height=_ROW_HEIGHT,
        bars=bars,
    )


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.status] += 1
    return dict(counts)


def _where(finding: Finding) -> str:
    return place_label(finding.resource)


_STATUS_ORDER = {status: index for index, status in enumerate(STATUSES)}


def _attention_first(finding: Finding) -> tuple[int, tuple[str, ...]]:
    """What needs attention first (FAIL, ERROR, MANUAL, WAIVED, ATTESTED, PASS, NOT_APPLICABLE)."""
    return (_STATUS_ORDER[finding.status], finding.sort_key())


def _view(
    result: RunResult, trend: Sequence[TrendPoint] | None, pass_detail: bool
) -> dict[str, Any]:
    findings = sorted(result.iter_findings(), key=Finding.sort_key)
    by_promise: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted(findings, key=_attention_first):
        for promise_id in finding.promises:
            by_promise[promise_id].append(finding)
    promise_ids = {p.id for p in result.promises}
    unpromised = sorted(
        (f for f in findings if not set(f.promises) & promise_ids), key=_attention_first
    )

    by_place: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_place[_where(finding)].append(finding)

    safeguard_rows = [(s.title, s.counts) for s in result.safeguards]
    charts = [
        c
        for c in (
            _chart("Findings by safeguard", safeguard_rows),
            _chart(
                "Findings by account / project",
                [(place, _counts(by_place[place])) for place in sorted(by_place)],
            ),
        )
        if c is not None
    ]
    trend_chart = None
    if trend:
        points = sorted(trend, key=lambda p: p.when)
        trend_chart = _chart(
            "Trend over past runs",
            [(p.when.strftime("%Y-%m-%d %H:%M"), dict(p.summary)) for p in points],
        )

    def with_status(status: Status) -> list[Finding]:
        return [f for f in findings if f.status == status]

    def wildcard_first(finding: Finding) -> tuple[bool, tuple[str, ...]]:
        wide = finding.waiver is not None and is_wildcard_waiver(finding.waiver)
        return (not wide, finding.sort_key())

    answered: dict[str, int] = defaultdict(int)
    for finding in findings:
        if finding.attestation is not None:
            answered[finding.attestation.id] += 1

    return {
        "r": result,
        "timeline": timeline(result),
        "pass_detail": pass_detail,
        "statuses": STATUSES,
        "findings": findings,
        "by_promise": {pid: summarise_passes(items) for pid, items in by_promise.items()},
        "no_rows": summarise_passes(()),
        "unpromised": summarise_passes(unpromised) if unpromised else None,
        "pass_threshold": PASS_SUMMARY_THRESHOLD,
        "pass_sample": PASS_SAMPLE,
        "charts": charts,
        "trend_chart": trend_chart,
        "waived": sorted(with_status("WAIVED"), key=wildcard_first),
        "expired_waivers": [f for f in findings if f.waiver is not None and f.waiver.expired],
        "manual": with_status("MANUAL"),
        "attestations": [(a, answered[a.id]) for a in result.attestations],
        "errors": with_status("ERROR"),
        "failures": with_status("FAIL"),
        "policies": result.policies,
        "citations": result.citations,
        "safeguard_titles": {s.key: s.title for s in result.safeguards},
        "wildcard_waivers": wildcard_waivers(result),
    }


#: A document's place in the run's output directory and bundle (auditor/judge/attestations.py).
_DOCUMENT_PLACE = re.compile(r"^attestations/[0-9a-f]{16}/[A-Za-z0-9._-]+$")


def document_link(ref: AttestationRef) -> str | None:
    """A relative link to the attested document beside the report (in the output directory and
    the bundle), or its https URL; None when there is nothing safe to link to."""
    if ref.bundle_path and _DOCUMENT_PLACE.match(ref.bundle_path):
        return ref.bundle_path
    if re.match(r"^https?://[^\s\"'<>]+$", ref.document):
        return ref.document
    return None


def render_html(
    result: RunResult,
    *,
    trend: Sequence[TrendPoint] | None = None,
    pass_detail: bool = True,
) -> str:
    """The report as one HTML document.

    ``trend`` adds a chart of past runs' counts. ``pass_detail=False`` leaves PASS and
    NOT_APPLICABLE findings out of the per-promise tables (their counts stay, with a note saying
    where they are itemized). Either way, a policy with more than
    :data:`~auditor.evidence.render.places.PASS_SUMMARY_THRESHOLD` PASS findings in a promise's
    table has them counted per account or project and region, not listed one by one.
    """
    # every string neutralised (control and bidi characters) and long values cut with a note
    result = for_humans(result, REPORT_MAX_CHARS, REPORT_MAX_ITEMS)
    env = _environment(str(reports_dir()))
    return env.get_template(_TEMPLATE).render(**_view(result, trend, pass_detail))


def render(result: RunResult) -> bytes:
    return render_html(result).encode("utf-8")


def render_with_trend(result: RunResult, trend: Sequence[TrendPoint]) -> bytes:
    return render_html(result, trend=trend).encode("utf-8")


__all__ = [
    "EXTENSION",
    "MEDIA_TYPE",
    "TrendPoint",
    "render",
    "render_html",
    "render_with_trend",
    "trend_from_runs",
]
