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
import secrets
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
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
    WaiverRef,
    is_wildcard_waiver,
)
from auditor.core.text import REPORT_MAX_CHARS, REPORT_MAX_ITEMS, for_humans
from auditor.evidence.render.places import (
    PASS_SAMPLE,
    PASS_SUMMARY_THRESHOLD,
    PassGroup,
    PassTally,
    place_label,
    timeline,
)
from auditor.evidence.render.spool import Spool

MEDIA_TYPE = "text/html"
EXTENSION = "html"

_TEMPLATE = "html/report.html.j2"
_MACROS = "html/macros.html.j2"

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


#: Statuses ``pass_detail=False`` leaves out of the per-promise tables (they are counted).
_DETAIL_ONLY = ("PASS", "NOT_APPLICABLE")


class _Spliced:
    """Rows rendered during the pass over the findings (in :class:`Spool` groups ``keys``, in
    order): the template sees a marker, which the page's bytes replace with the rows."""

    def __init__(self, marker: str, keys: list[Hashable], count: int) -> None:
        self.marker = marker
        self.keys = keys
        self.count = count

    def __bool__(self) -> bool:
        return self.count > 0

    def __html__(self) -> str:
        return self.marker


class _Table:
    """One findings table (a promise's, or the findings outside every promise), as the pass
    reads it: counts by status, and the PASS findings per policy and place (:class:`PassTally`).
    Its rows are listed attention first (FAIL, ERROR, ..., NOT_APPLICABLE), each status in the
    findings' order; PASS findings of a policy with more than the threshold are counted."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        self.tally = PassTally()
        # what the template reads, set by finish()
        self.items: _Spliced | None = None
        self.omitted = 0
        self.passes: list[PassGroup] = []
        self.counted = 0

    def key(self, finding: Finding) -> Hashable | None:
        """The spool group of ``finding``'s row, or None when the row is not shown (a PASS
        counted per place); counts it either way."""
        status = finding.status
        self.counts[status] += 1
        if status != "PASS":
            return (self.index, status)
        seen = self.tally.add(finding)
        return (self.index, status, finding.policy_id) if seen <= self.tally.threshold else None

    def finish(
        self, spool: Spool, splice: Callable[[list[Hashable], int], _Spliced], pass_detail: bool
    ) -> _Table:
        keys: list[Hashable] = []
        count = 0
        for status in STATUSES:
            if not pass_detail and status in _DETAIL_ONLY:
                continue
            if status != "PASS":
                keys.append((self.index, status))
                count += self.counts[status]
                continue
            for policy_id, seen in self.tally.per_policy.items():
                key = (self.index, status, policy_id)
                if seen <= self.tally.threshold:
                    keys.append(key)
                    count += seen
                else:
                    spool.drop(key)
        self.items = splice(keys, count)
        self.passes = self.tally.groups()
        self.counted = sum(g.count for g in self.passes)
        self.omitted = 0 if pass_detail else sum(self.counts[s] for s in _DETAIL_ONLY)
        return self


class _Rows(Protocol):
    """A row macro of ``reports/html/macros.html.j2``."""

    def __call__(self, *args: Any) -> str: ...


def _read(
    result: RunResult,
    spool: Spool,
    splice: Callable[[list[Hashable], int], _Spliced],
    pass_detail: bool,
) -> dict[str, Any]:
    """One pass over the findings: each finding's rows rendered into the spool groups of the
    tables that show it, and every count the page needs."""
    macros = _environment(str(reports_dir())).get_template(_MACROS).module
    finding_row: _Rows = macros.finding_row  # type: ignore[attr-defined]
    waived_row: _Rows = macros.waived_row  # type: ignore[attr-defined]
    expired_row: _Rows = macros.expired_row  # type: ignore[attr-defined]
    manual_row: _Rows = macros.manual_row  # type: ignore[attr-defined]
    error_row: _Rows = macros.error_row  # type: ignore[attr-defined]
    badge: _Rows = macros.badge  # type: ignore[attr-defined]
    badges = {status: badge(status) for status in STATUSES}

    tables = {p.id: _Table(index) for index, p in enumerate(result.promises)}
    outside = _Table(len(tables))
    by_place: dict[str, dict[str, int]] = {}
    answered: dict[str, int] = defaultdict(int)
    wildcards: dict[str, WaiverRef] = {}
    counts = dict.fromkeys(("wildcard", "waived", "expired", "manual", "errors"), 0)

    def add(key: str, row: str) -> None:
        counts[key] += 1
        spool.add(key, row.encode("utf-8"))

    # a held result is in any order; a streamed one is read in its file's (Finding.sort_key)
    findings: Iterable[Finding] = (
        result.iter_findings()
        if result.streamed
        else sorted(result.iter_findings(), key=Finding.sort_key)
    )
    for finding in findings:
        status = finding.status
        where = place_label(finding.resource)
        place = by_place.get(where)
        if place is None:
            place = by_place[where] = defaultdict(int)
        place[status] += 1
        if finding.attestation is not None:
            answered[finding.attestation.id] += 1
        waiver = finding.waiver
        if waiver is not None:
            wide = is_wildcard_waiver(waiver)
            if wide and waiver.id not in wildcards:
                wildcards[waiver.id] = waiver
            if waiver.expired:
                add("expired", expired_row(finding))
        if status == "WAIVED":
            add("wildcard" if waiver is not None and wide else "waived", waived_row(finding))
        elif status == "MANUAL":
            add("manual", manual_row(finding, result.policies))
        elif status == "ERROR":
            add("errors", error_row(finding))

        mine = [tables[p] for p in finding.promises if p in tables] or [outside]
        if not pass_detail and status in _DETAIL_ONLY:
            for table in mine:
                table.key(finding)
            continue
        keys = [key for key in (table.key(finding) for table in mine) if key is not None]
        if keys:
            row = finding_row(finding, badges).encode("utf-8")
            for key in keys:
                spool.add(key, row)

    for ref in result.waivers_expiring:
        if is_wildcard_waiver(ref) and ref.id not in wildcards:
            wildcards[ref.id] = ref
    return {
        "by_promise": {p: t.finish(spool, splice, pass_detail) for p, t in tables.items()},
        "unpromised": outside.finish(spool, splice, pass_detail)
        if sum(outside.counts.values())
        else None,
        "by_place": by_place,
        "waived": splice(["wildcard", "waived"], counts["wildcard"] + counts["waived"]),
        "expired_waivers": splice(["expired"], counts["expired"]),
        "manual": splice(["manual"], counts["manual"]),
        "errors": splice(["errors"], counts["errors"]),
        "attestations": [(a, answered[a.id]) for a in result.attestations],
        "wildcard_waivers": [wildcards[key] for key in sorted(wildcards)],
    }


def _view(
    result: RunResult,
    trend: Sequence[TrendPoint] | None,
    pass_detail: bool,
    spool: Spool,
    splice: Callable[[list[Hashable], int], _Spliced],
) -> dict[str, Any]:
    read = _read(result, spool, splice, pass_detail)
    by_place = read.pop("by_place")
    safeguard_rows = [(s.title, s.counts) for s in result.safeguards]
    charts = [
        c
        for c in (
            _chart("Findings by safeguard", safeguard_rows),
            _chart(
                "Findings by account / project",
                [(place, dict(by_place[place])) for place in sorted(by_place)],
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
    return {
        "r": result,
        "timeline": timeline(result),
        "pass_detail": pass_detail,
        "statuses": STATUSES,
        "pass_threshold": PASS_SUMMARY_THRESHOLD,
        "pass_sample": PASS_SAMPLE,
        "charts": charts,
        "trend_chart": trend_chart,
        "policies": result.policies,
        "citations": result.citations,
        "safeguard_titles": {s.key: s.title for s in result.safeguards},
        **read,
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


def chunks(
    result: RunResult,
    trend: Sequence[TrendPoint] | None = (),
    *,
    pass_detail: bool = True,
) -> Iterator[bytes]:
    """The report (:func:`render_html`'s text, UTF-8) in pieces, reading the findings once.

    The pass renders each finding's rows into the tables that show it (per promise, waivers,
    manual items, errors), kept in a temporary file (:class:`Spool`) rather than in memory, and
    counts what the charts, tallies and headings need; then the page is laid out around markers
    and each marker is replaced by its table's rows, copied from the file.
    """
    # every string neutralised (control and bidi characters) and long values cut with a note
    result = for_humans(result, REPORT_MAX_CHARS, REPORT_MAX_ITEMS)
    token = secrets.token_hex(8)
    marker = re.compile(f"\x00{token}:([0-9]+)\x00")
    spliced: list[_Spliced] = []

    def splice(keys: list[Hashable], count: int) -> _Spliced:
        spliced.append(_Spliced(f"\x00{token}:{len(spliced)}\x00", keys, count))
        return spliced[-1]

    with Spool() as spool:
        view = _view(result, trend, pass_detail, spool, splice)
        page = _environment(str(reports_dir())).get_template(_TEMPLATE).render(**view)
        at = 0
        for found in marker.finditer(page):
            yield page[at : found.start()].encode("utf-8")
            for key in spliced[int(found.group(1))].keys:
                yield from spool.read(key)
            at = found.end()
        yield page[at:].encode("utf-8")


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
    :func:`chunks` gives the same document in pieces.
    """
    return b"".join(chunks(result, trend, pass_detail=pass_detail)).decode("utf-8")


def render(result: RunResult) -> bytes:
    return b"".join(chunks(result))


def render_with_trend(result: RunResult, trend: Sequence[TrendPoint]) -> bytes:
    return b"".join(chunks(result, trend))


__all__ = [
    "EXTENSION",
    "MEDIA_TYPE",
    "TrendPoint",
    "chunks",
    "render",
    "render_html",
    "render_with_trend",
    "trend_from_runs",
]
