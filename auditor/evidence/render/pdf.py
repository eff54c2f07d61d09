"""The evidence report as a PDF an auditor files: short, complete where it matters, reproducible.

Laid out by WeasyPrint from its own print template (``reports/pdf/``), not from the HTML
report's screen layout:

* a cover with the BAA, the profile, the scope, the run's timeline and the SHA-256 of every input;
* the promises at a glance and a summary by safeguard with charts;
* one section per promise: its clause, its verdict, the policies testing it with their counts by
  status (PASS and NOT_APPLICABLE resources are counted per policy, not listed; a policy with more
  than ``PASS_SUMMARY_THRESHOLD`` PASS findings there also has them counted per place), and the
  resources that fail it;
* waivers (wildcard waivers, ``scope: all``, first, also on the cover; inline skips in Terraform
  with their ``file:line`` and no expiry), attestations (the documents that answer MANUAL items,
  with signer, dates and SHA-256), listings that failed, and an appendix of every finding that
  needs attention, in the order FAIL, ERROR, MANUAL, WAIVED, ATTESTED (the roll-up's order; then
  any other status that is neither PASS nor NOT_APPLICABLE), each with its observed values, its
  waiver or inline skip and the attestation that answers it; then remediation of what failed.

The cover also records what the run was narrowed to (``--checks`` and the rest: the checks left
out, and every promise that is therefore partial) and the database endpoints read.

The PDF is a pure function of the result (and the trend): its creation and modification dates
are the run's (``dcterms.created``/``dcterms.modified``), its file identifier is a digest of what
it shows, and font subsets carry no clock time (fontTools, used when HarfBuzz-subset is missing,
stamps the current time into each subset unless ``SOURCE_DATE_EPOCH`` is set: it is, to the
run's finish, while WeasyPrint writes).

Charts draw with literal colours (WeasyPrint does not resolve CSS variables inside SVG), and
every label wraps instead of being clipped. WeasyPrint is an optional dependency (extra
``reports``) that needs Pango from the system: on Debian/Ubuntu ``apt-get install
libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0``. The renderer never lets WeasyPrint fetch
anything: the document is self-contained, and the URL fetcher refuses every URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NoReturn

import jinja2

from auditor.core.errors import BaaAuditError
from auditor.core.resources import reports_dir
from auditor.core.result import (
    STATUSES,
    AttestationRecord,
    AttestationRef,
    ClauseOffsets,
    Finding,
    PolicyInfo,
    RunResult,
    WaiverRef,
    is_wildcard_waiver,
    wildcard_waivers,
)
from auditor.core.text import PDF_MAX_CHARS, REPORT_MAX_ITEMS, for_humans
from auditor.evidence.render.html import COLOURS as HTML_COLOURS
from auditor.evidence.render.html import (
    ChartFrame,
    Segment,
    TrendPoint,
    counted_rows,
    stacked_segments,
    status_label,
    template_environment,
)
from auditor.evidence.render.places import (
    PASS_SUMMARY_THRESHOLD,
    PassGroup,
    option_of,
    place_label,
    selection_criteria,
    summarise_passes,
    timeline,
)

MEDIA_TYPE = "application/pdf"
EXTENSION = "pdf"

_TEMPLATE = "pdf/report.html.j2"

#: The findings appendix lists these first, in this order (the roll-up's: an accepted failure
#: before a manual item answered by a document); any other status that is neither PASS nor
#: NOT_APPLICABLE follows them. ATTESTED is listed, not counted only: each entry names the
#: document that answers it, who signed it, when, its review date and its SHA-256.
APPENDIX_ORDER: tuple[str, ...] = ("FAIL", "ERROR", "MANUAL", "WAIVED", "ATTESTED")
#: Counted per policy in the promise sections, never itemized in the PDF (the HTML report and
#: result.json list every one, with its observed values).
COUNTED_ONLY: frozenset[str] = frozenset({"PASS", "NOT_APPLICABLE"})

#: Status colours as literal values (WeasyPrint draws SVG fills only from literals), the HTML
#: report's, so both documents colour a status alike.
COLOURS: dict[str, str] = dict(HTML_COLOURS)
_OTHER_COLOUR = "#3e2723"

#: The longest text of one value the PDF shows (messages, evidence); the rest is in result.json.
MAX_TEXT = 300
#: Observed values shown per finding in the appendix; the rest are in result.json.
MAX_EVIDENCE = 5
#: Policy ids listed per reason a selection left them out; the rest are in result.json.
MAX_LEFT_OUT = 40
_SEVERITY_ORDER = {s: i for i, s in enumerate(("critical", "high", "medium", "low", "info"))}

# Chart geometry, in SVG user units.
_LABEL_WIDTH = 190
_BAR_WIDTH = 380
_LINE = 11
_LABEL_CHARS = 32


class PdfUnavailable(BaaAuditError):
    """WeasyPrint (extra ``reports``) or the system libraries it needs are missing."""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the evidence report fetches nothing (refused {url[:80]})")


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(
            "--format pdf needs WeasyPrint: pip install 'baa-audit[reports]'"
        ) from exc
    except OSError as exc:  # the Python package is there, Pango is not
        raise PdfUnavailable(
            "--format pdf needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"libharfbuzz-subset0 ({exc})"
        ) from exc
    return weasyprint


# -- the view ---------------------------------------------------------------------------------
def clip(value: Any, limit: int = MAX_TEXT) -> str:
    """``value`` as text of at most ``limit`` characters, cut at a word boundary when it can be."""
    if value is None:
        text = "null (observed absent)"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut + " [...]"


def evidence_lines(evidence: dict[str, Any], limit: int = MAX_EVIDENCE) -> str:
    """The observed values as ``key = value`` lines (shown pre-wrapped: one element, not one
    per value, which keeps WeasyPrint's layout fast), at most ``limit`` of them."""
    keys = sorted(evidence)
    lines = [f"{key} = {clip(evidence[key], 140)}" for key in keys[:limit]]
    if len(keys) > limit:
        lines.append(f"and {len(keys) - limit} more observed values in result.json")
    return "\n".join(" ".join(line.split()) for line in lines)


def colour(status: str | None) -> str:
    return COLOURS.get(str(status), _OTHER_COLOUR)


def _status_order(statuses: Sequence[str]) -> list[str]:
    known = [s for s in STATUSES if s in statuses]
    return known + sorted(set(statuses) - set(known))


def _severity_key(finding: Finding) -> tuple[int, tuple[str, ...]]:
    return (_SEVERITY_ORDER.get(finding.severity, 9), finding.sort_key())


@dataclass(frozen=True)
class PolicyCount:
    id: str
    title: str
    severity: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PromiseSection:
    id: str
    section: str | None
    clause: str
    verdict: str
    note: str | None
    parameters: dict[str, Any]
    counts: dict[str, int]
    policies: list[PolicyCount]
    #: policy id -> (appendix number, resource name) of each resource that fails this promise
    failing: dict[str, list[tuple[int, str]]]
    #: where the clause is in the BAA file, when the profile recorded it
    clause_offsets: ClauseOffsets | None = None
    #: policies the run's selection left out: the verdict is partial
    left_out: list[str] = field(default_factory=list)
    #: the attestations that answer this promise's findings, with the appendix numbers
    attestations: list[tuple[AttestationRef, list[int]]] = field(default_factory=list)
    #: PASS findings of policies with many of them here, counted per place
    passes: list[PassGroup] = field(default_factory=list)


@dataclass(frozen=True)
class AppendixGroup:
    status: str
    title: str
    entries: list[tuple[int, Finding]]


@dataclass(frozen=True)
class Bar:
    lines: list[str]
    y: int
    height: int
    total: int
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class Chart(ChartFrame):
    bars: list[Bar]
    statuses: list[str]


_GROUP_TITLES = {
    "FAIL": "FAIL: the promise is broken",
    "ERROR": "ERROR: not assessed (what could not be read, and why)",
    "MANUAL": "MANUAL: evidence to attach",
    "WAIVED": "WAIVED: accepted risk with an owner and an end date, or an inline skip",
    "ATTESTED": "ATTESTED: answered by a current, hashed document (not a PASS)",
}


@dataclass(frozen=True)
class WaiverRow:
    ref: WaiverRef
    #: findings of this run it covers
    findings: int
    #: ``scope: all``: it waives a whole policy, or every policy
    wildcard: bool


@dataclass(frozen=True)
class LeftOut:
    """Policies a selection left out for one reason (``not in --checks``)."""

    reason: str
    ids: list[str]
    more: int


@dataclass(frozen=True)
class SelectionView:
    #: (option, comma-joined values) of each criterion given
    criteria: list[tuple[str, str]]
    left_out: list[LeftOut]
    total: int
    #: ids of the promises the selection made partial
    partial: list[str]


def chart(title: str, rows: Sequence[tuple[str, dict[str, int]]]) -> Chart | None:
    """Stacked bars with wrapped labels (up to three lines each) and literal colours."""
    rows, biggest = counted_rows(rows)
    if not rows:
        return None
    bars: list[Bar] = []
    y = 0
    seen: set[str] = set()
    for label, counts in rows:
        lines = textwrap.wrap(label, _LABEL_CHARS, break_long_words=True) or [""]
        if len(lines) > 3:
            lines = [
                *lines[:2],
                textwrap.shorten(" ".join(lines[2:]), _LABEL_CHARS, placeholder="..."),
            ]
        height = max(18, len(lines) * _LINE + 6)
        segments = stacked_segments(
            counts, _status_order(list(counts)), _BAR_WIDTH, biggest, colour
        )
        seen.update(segment.status for segment in segments)
        bars.append(Bar(lines, y, height, sum(counts.values()), segments))
        y += height + 4
    return Chart(
        title=title,
        width=_LABEL_WIDTH + _BAR_WIDTH + 44,
        height=y,
        label_width=_LABEL_WIDTH,
        bar_width=_BAR_WIDTH,
        bars=bars,
        statuses=_status_order(list(seen)),
    )


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.status] += 1
    return dict(counts)


def _policy_counts(
    promise_policies: Sequence[str], findings: Sequence[Finding], policies: dict[str, PolicyInfo]
) -> list[PolicyCount]:
    by_policy: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_policy[finding.policy_id].append(finding)
    ids = list(dict.fromkeys([*promise_policies, *sorted(by_policy)]))
    rows = []
    for pid in ids:
        info = policies.get(pid)
        rows.append(
            PolicyCount(
                id=pid,
                title=info.title if info else "",
                severity=info.severity if info else "",
                counts=_counts(by_policy.get(pid, [])),
            )
        )
    return rows


def _waivers(result: RunResult) -> list[WaiverRow]:
    """Every waiver the run saw (applied, expired or expiring) and every inline skip, with the
    findings it covers: wildcard waivers first, then by end date; inline skips (no end date)
    last."""
    found: dict[str, tuple[WaiverRef, int]] = {}
    for finding in result.iter_findings():
        if finding.waiver is not None:
            ref, n = found.get(finding.waiver.id, (finding.waiver, 0))
            found[finding.waiver.id] = (ref, n + 1)
    for ref in result.waivers_expiring:
        found.setdefault(ref.id, (ref, 0))
    rows = [WaiverRow(ref, n, is_wildcard_waiver(ref)) for ref, n in found.values()]
    return sorted(rows, key=lambda row: (not row.wildcard, row.ref.expires or date.max, row.ref.id))


def _selection(result: RunResult) -> SelectionView | None:
    """What a narrowed run was limited to, the checks it left out by reason, and the promises
    that are partial for it."""
    sel = result.selection
    if sel is None:
        return None
    criteria = [(option_of(name), ",".join(values)) for name, values in selection_criteria(sel)]
    by_reason: dict[str, list[str]] = defaultdict(list)
    for item in sel.left_out:
        by_reason[item.reason].append(item.policy_id)
    left_out = [
        LeftOut(reason, sorted(ids)[:MAX_LEFT_OUT], max(0, len(ids) - MAX_LEFT_OUT))
        for reason, ids in sorted(by_reason.items())
    ]
    partial = [p.id for p in result.promises if p.left_out]
    return SelectionView(criteria, left_out, len(sel.left_out), partial)


def _answering(
    findings: Sequence[Finding], numbered: dict[int, int]
) -> list[tuple[AttestationRef, list[int]]]:
    """The attestations these findings carry, each once (by id), with the appendix numbers of
    the findings it answers."""
    found: dict[str, tuple[AttestationRef, list[int]]] = {}
    for finding in sorted(findings, key=_severity_key):
        if finding.attestation is None:
            continue
        _, numbers = found.setdefault(finding.attestation.id, (finding.attestation, []))
        if id(finding) in numbered:
            numbers.append(numbered[id(finding)])
    return [found[key] for key in sorted(found)]


def _attestation_rows(result: RunResult) -> list[tuple[AttestationRecord, int]]:
    """Every entry of the attestations file with the number of findings it answers."""
    answered: dict[str, int] = defaultdict(int)
    for finding in result.iter_findings():
        if finding.attestation is not None:
            answered[finding.attestation.id] += 1
    return [(a, answered[a.id]) for a in result.attestations]


def _held(result: RunResult) -> RunResult:
    """``result`` with its findings in memory: WeasyPrint lays out one whole document, and the
    view below numbers findings by identity across several passes, which a streamed result
    (fresh objects on each pass) cannot give. A held result is returned as it is."""
    if not result.streamed:
        return result
    return result.header_only().model_copy(update={"findings": list(result.iter_findings())})


def pdf_view(result: RunResult, trend: Sequence[TrendPoint] = ()) -> dict[str, Any]:
    """Everything the PDF template shows, computed here (the template only lays it out)."""
    result = _held(result)
    attention = [f for f in result.iter_findings() if f.status not in COUNTED_ONLY]
    order = [s for s in APPENDIX_ORDER if any(f.status == s for f in attention)]
    order += _status_order(sorted({f.status for f in attention} - set(APPENDIX_ORDER)))
    numbered: dict[int, int] = {}
    groups: list[AppendixGroup] = []
    number = 0
    for status in order:
        entries = []
        for finding in sorted((f for f in attention if f.status == status), key=_severity_key):
            number += 1
            numbered[id(finding)] = number
            entries.append((number, finding))
        title = _GROUP_TITLES.get(status, f"{status_label(status)}")
        groups.append(AppendixGroup(status, title, entries))

    by_promise: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.iter_findings():
        for promise_id in finding.promises:
            by_promise[promise_id].append(finding)
    sections = []
    for promise in result.promises:
        mine = by_promise.get(promise.id, [])
        failing: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for finding in sorted((f for f in mine if f.status == "FAIL"), key=_severity_key):
            name = clip(finding.resource.name or finding.resource.id, 100)
            failing[finding.policy_id].append((numbered[id(finding)], name))
        sections.append(
            PromiseSection(
                id=promise.id,
                section=promise.section,
                clause=promise.clause,
                verdict=promise.verdict,
                note=promise.note,
                parameters=dict(promise.parameters),
                counts=dict(promise.counts),
                policies=_policy_counts(promise.policies, mine, result.policies),
                failing=dict(failing),
                clause_offsets=promise.clause_offsets,
                left_out=list(promise.left_out),
                attestations=_answering(mine, numbered),
                passes=summarise_passes(mine).passes,
            )
        )
    promised = {p.id for p in result.promises}
    outside = [f for f in result.iter_findings() if not set(f.promises) & promised]

    by_place: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.iter_findings():
        by_place[place_label(finding.resource)].append(finding)
    charts = [
        c
        for c in (
            chart("Findings by safeguard", [(s.title, s.counts) for s in result.safeguards]),
            chart(
                "Findings by account, project and customer",
                [(place, _counts(by_place[place])) for place in sorted(by_place)],
            ),
            chart(
                "Trend over past runs",
                [
                    (p.when.strftime("%Y-%m-%d %H:%M"), dict(p.summary))
                    for p in sorted(trend, key=lambda p: p.when)
                ],
            )
            if trend
            else None,
        )
        if c is not None
    ]
    needing_fix = sorted(
        {f.policy_id for f in result.iter_findings() if f.status in ("FAIL", "ERROR")}
    )
    return {
        "r": result,
        "timeline": timeline(result),
        "statuses": _status_order([*STATUSES, *result.summary]),
        "summary": {
            s: result.summary.get(s, 0) for s in _status_order([*STATUSES, *result.summary])
        },
        "sections": sections,
        "outside": _policy_counts([], outside, result.policies) if outside else [],
        "charts": charts,
        "groups": groups,
        "appendix_order": [s for s in APPENDIX_ORDER if s not in COUNTED_ONLY],
        "waivers": _waivers(result),
        "wildcard_waivers": wildcard_waivers(result),
        "selection": _selection(result),
        "attestations": _attestation_rows(result),
        "remediation": [
            (pid, result.policies[pid]) for pid in needing_fix if pid in result.policies
        ],
        "policies": result.policies,
        "citations": result.citations,
        "max_evidence": MAX_EVIDENCE,
        "pass_threshold": PASS_SUMMARY_THRESHOLD,
    }


@lru_cache(maxsize=4)
def _environment(directory: str) -> jinja2.Environment:
    return template_environment(
        directory,
        keep_trailing_newline=False,
        filters={
            "clip": clip,
            "evidence_lines": evidence_lines,
            "colour": colour,
            "place": place_label,
        },
    )


def render_pdf_html(result: RunResult, trend: Sequence[TrendPoint] = ()) -> str:
    """The HTML document WeasyPrint lays out as the PDF (print layout, not the screen report)."""
    env = _environment(str(reports_dir()))
    return env.get_template(_TEMPLATE).render(**pdf_view(result, trend))


# -- writing the PDF --------------------------------------------------------------------------
_CLOCK_LOCK = threading.Lock()


@contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """Pin the clock fontTools stamps into font subsets (``head.modified``) while WeasyPrint
    writes: the process environment is shared, so writers take turns."""
    with _CLOCK_LOCK:
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved


def render(result: RunResult) -> bytes:
    return render_with_trend(result, ())


def render_with_trend(result: RunResult, trend: Sequence[TrendPoint]) -> bytes:
    weasyprint = _weasyprint()
    # bounded layout: every string neutralised, long values cut sooner than in the HTML, with a note
    result = for_humans(result, PDF_MAX_CHARS, REPORT_MAX_ITEMS)
    html = render_pdf_html(result, trend)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch)
    with _source_date_epoch(int(result.finished_at.timestamp())):
        pdf: bytes = document.write_pdf(pdf_identifier=identifier, custom_metadata=False)
    return pdf


__all__ = [
    "APPENDIX_ORDER",
    "COLOURS",
    "COUNTED_ONLY",
    "EXTENSION",
    "MAX_TEXT",
    "MEDIA_TYPE",
    "PdfUnavailable",
    "chart",
    "clip",
    "pdf_view",
    "render",
    "render_pdf_html",
    "render_with_trend",
]
