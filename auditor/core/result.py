"""The one result model. Every renderer is a pure function of :class:`RunResult`.

``result.json`` is this model dumped as JSON; its fields are a contract (DESIGN.md): change them
only with a ``schema_version`` bump and a note in the README.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date, datetime
from itertools import chain
from typing import Any, Literal, Protocol, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    field_serializer,
)

from auditor.core.model.base import Gap, ListingGap, ResourceRef
from auditor.core.scope import Scope

RESULT_SCHEMA_VERSION = "1.1"
#: the newest result schema this tool reads: 1.2 adds findings in a JSON Lines file beside a
#: small header (``findings_file``, :mod:`auditor.core.findings_io`); a result whose findings
#: are inline is still written as 1.1, byte for byte
SUPPORTED_SCHEMA_VERSION = "1.2"

Status = Literal["PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "WAIVED", "MANUAL", "ATTESTED"]
#: ATTESTED (schema 1.1): a MANUAL item answered by a current, hashed document. It sits between
#: WAIVED and PASS: never counted as PASS, and a promise whose findings are ATTESTED and PASS rolls
#: up to ATTESTED (its evidence rests in part on a document, not on what was read).
STATUSES: tuple[Status, ...] = (
    "FAIL", "ERROR", "MANUAL", "WAIVED", "ATTESTED", "PASS", "NOT_APPLICABLE",
)  # fmt: skip
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")

#: Roll-up precedence: the worst status present decides a promise's or safeguard's verdict.
_PRECEDENCE: dict[str, int] = {s: i for i, s in enumerate(STATUSES)}


def worst(statuses: list[Status] | tuple[Status, ...]) -> Status | None:
    """The verdict of a group of findings:
    FAIL > ERROR > MANUAL > WAIVED > ATTESTED > PASS > NOT_APPLICABLE."""
    if not statuses:
        return None
    return min(statuses, key=lambda s: _PRECEDENCE[s])


def severity_at_least(severity: Severity, threshold: Severity) -> bool:
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WaiverRef(_Model):
    id: str
    reason: str
    approver: str
    expires: date | None = Field(
        description="end date; None only for an inline skip in Terraform (kind 'inline-skip')"
    )
    policy: str
    resource: str
    expired: bool = False
    kind: Literal["waiver", "inline-skip"] = Field(
        default="waiver",
        description="a waivers-file entry, or a '# baa-audit:skip=' comment in Terraform",
    )
    location: str | None = Field(
        default=None, description="file:line of an inline skip (the approver's record)"
    )

    def expiry_text(self) -> str:
        """The expiry as reports print it."""
        return self.expires.isoformat() if self.expires is not None else "no expiry (inline skip)"


AttestationState = Literal["current", "overdue", "missing", "changed", "future"]


class AttestationRef(_Model):
    """The attestation that answered a MANUAL finding (schema 1.1), as the finding carries it.

    ``state`` says what it made of the finding: ``current`` -> ATTESTED; ``overdue`` (review date
    passed) -> FAIL; ``missing`` (document not found, or a URL without a recorded digest),
    ``changed`` (document differs from the digest recorded for it) or ``future`` (signed after
    the run) -> ERROR.
    """

    id: str
    answers: str = Field(description="'promise:<id>' or 'policy:<id>'")
    document: str = Field(description="as written in the attestations file: a relative path or URL")
    sha256: str | None = Field(default=None, description="SHA-256 of the document, when known")
    bundle_path: str | None = Field(
        default=None, description="where the document sits in the output directory and bundle"
    )
    signed_by: str
    signed_on: date
    review_by: date
    state: AttestationState


class AttestationRecord(AttestationRef):
    """One entry of the attestations file, with the state of its document (``attestations``)."""

    scope: dict[str, list[str]] = Field(default_factory=dict)
    note: str | None = None
    detail: str | None = Field(default=None, description="why the document is not current")


class Finding(_Model):
    policy_id: str
    status: Status
    severity: Severity
    safeguard: str
    citations: list[str]
    promises: list[str] = Field(
        default_factory=list, description="profile promises this finding speaks to"
    )
    resource: ResourceRef
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    gap: Gap | ListingGap | None = None
    gaps: list[Gap | ListingGap] = Field(
        default_factory=list,
        description="every unread input the verdict met: why an ERROR is not assessed, and what "
        "else a FAIL could not see (gap is the first of them)",
    )
    manual_evidence: str | None = None
    waiver: WaiverRef | None = None
    attestation: AttestationRef | None = None

    def sort_key(self) -> tuple[str, str, str, str, str, str]:
        r = self.resource
        return (self.policy_id, r.provider, r.account, r.region or "", r.type, r.id)


class Remediation(_Model):
    summary: str
    cli: str | None = None
    terraform: str | None = None


class PolicyInfo(_Model):
    """What renderers need to know about a policy (titles, help text, remediation)."""

    id: str
    title: str
    severity: Severity
    safeguard: str
    citations: list[str]
    resource_type: str
    remediation: Remediation
    references: list[str] = Field(default_factory=list)
    manual_evidence: str | None = None
    source: str = Field(description="policy file, relative to the policies directory")


class CitationInfo(_Model):
    key: str
    cfr: str
    title: str
    kind: str


class SafeguardResult(_Model):
    key: str
    title: str
    group: str
    description: str
    citations: list[str]
    promised: bool
    verdict: Status | None
    counts: dict[str, int]
    policies: list[str]
    left_out: list[str] = Field(
        default_factory=list, description="policies the run's selection left out (partial)"
    )


class ClauseOffsets(_Model):
    """Where a promise's clause is in the BAA file (``profile.baa_source``), in characters."""

    start: int
    end: int


class PromiseResult(_Model):
    id: str
    section: str | None
    clause: str
    clause_offsets: ClauseOffsets | None = None
    safeguards: list[str]
    parameters: dict[str, Any]
    verdict: Status
    counts: dict[str, int]
    policies: list[str]
    note: str | None = None
    left_out: list[str] = Field(
        default_factory=list,
        description="policies the run's selection left out: the verdict is partial (never PASS)",
    )


class LeftOutPolicy(_Model):
    policy_id: str
    reason: str


class SelectionRecord(_Model):
    """The checks a run was narrowed to (``--checks``, ``--skip-checks``, ``--services``,
    ``--severity``) and the policies that would have run and were left out."""

    checks: list[str] = Field(default_factory=list)
    skip_checks: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    severity: list[str] = Field(default_factory=list)
    left_out: list[LeftOutPolicy] = Field(default_factory=list)


class PolicyNotRun(_Model):
    """A loaded policy this run did not run, and why (safeguard not promised, parameter unset,
    provider not in scope, left to another kind of scan)."""

    policy_id: str
    reason: str


class ProfileInfo(_Model):
    id: str
    title: str
    baa_name: str
    baa_source: str | None = None
    baa_dated: str | None = None


class FindingStream(Protocol):
    """Findings read afresh on each iteration, in the result's order (a findings file too big
    to hold, :class:`~auditor.core.findings_io.FindingsFile`); ``len`` is their number. A
    stream may also give ``select(statuses)``: a pass over the findings of those statuses only."""

    def __iter__(self) -> Iterator[Finding]: ...

    def __len__(self) -> int: ...

    def mapped(self, change: Callable[[Finding], Finding]) -> FindingStream:
        """The same findings, each passed through ``change`` as it is read."""
        ...


class _Streamed(list[Finding]):
    """``findings`` of a result whose findings stream from a file: reading it directly (rather
    than through :meth:`RunResult.iter_findings`) would see none of them, so it refuses."""

    def _refuse(self, *_: object) -> Any:
        raise RuntimeError(
            "this result's findings stream from a file: read them with iter_findings()"
        )

    __iter__ = __len__ = __bool__ = __getitem__ = __contains__ = __reversed__ = _refuse
    append = extend = insert = sort = copy = index = count = _refuse  # type: ignore[assignment]


class RunResult(_Model):
    schema_version: str = RESULT_SCHEMA_VERSION
    tool_version: str
    profile: ProfileInfo
    started_at: datetime
    finished_at: datetime
    collected_at: datetime | None = None
    scope: Scope
    inputs: dict[str, str] = Field(
        description="SHA-256 of snapshot, policies, profile, waivers, attestations"
    )
    summary: dict[str, int]
    findings: list[Finding]
    promises: list[PromiseResult]
    safeguards: list[SafeguardResult]
    policies: dict[str, PolicyInfo]
    citations: dict[str, CitationInfo]
    listing_gaps: list[ListingGap] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    waivers_expiring: list[WaiverRef] = Field(default_factory=list)
    attestations: list[AttestationRecord] = Field(
        default_factory=list, description="the attestations file's entries and their documents"
    )
    selection: SelectionRecord | None = Field(
        default=None, description="set when the run was narrowed to some checks"
    )
    policies_not_run: list[PolicyNotRun] = Field(
        default_factory=list, description="loaded policies this run did not run, and why"
    )

    _stream: FindingStream | None = PrivateAttr(default=None)

    @field_serializer("findings", mode="wrap")
    def _whole(self, value: list[Finding], handler: SerializerFunctionWrapHandler) -> Any:
        # a streamed result written whole would silently have no findings
        if isinstance(value, _Streamed):
            value._refuse()
        return handler(value)

    def count(self, status: Status) -> int:
        return self.summary.get(status, 0)

    @property
    def streamed(self) -> bool:
        """True when the findings are read from a file on each pass, never held."""
        return self._stream is not None

    def iter_findings(self, statuses: Collection[str] | None = None) -> Iterator[Finding]:
        """The findings, in order, whether held (``findings``) or streamed from a file; with
        ``statuses``, only those of them (a streamed pass then skips the others' lines unread)."""
        if self._stream is not None:
            select = cast(
                "Callable[[Collection[str] | None], Iterator[Finding]] | None",
                getattr(self._stream, "select", None),  # a stream that can skip lines
            )
            if select is not None:
                return select(statuses)
            findings: Iterable[Finding] = self._stream
        else:
            findings = self.findings
        if statuses is None:
            return iter(findings)
        return (f for f in findings if f.status in statuses)

    def stream_of(self) -> FindingStream:
        """The stream the findings are read from (only for a :attr:`streamed` result)."""
        if self._stream is None:
            raise RuntimeError("this result holds its findings; it has no stream")
        return self._stream

    def finding_count(self) -> int:
        return len(self._stream) if self._stream is not None else len(self.findings)

    def header_only(self) -> RunResult:
        """This result without its findings (held or streamed)."""
        copy = self.model_copy(update={"findings": []})
        copy._stream = None
        return copy

    def with_stream(self, stream: FindingStream) -> RunResult:
        """This result (its ``findings`` empty) with its findings read from ``stream``."""
        copy = self.model_copy(update={"findings": _Streamed()})
        copy._stream = stream
        return copy

    def map_findings(self, change: Callable[[Finding], Finding]) -> RunResult:
        """This result with each finding passed through ``change`` (as it is read, when they
        stream)."""
        if self._stream is not None:
            return self.with_stream(self._stream.mapped(change))
        return self.model_copy(update={"findings": [change(f) for f in self.findings]})


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts


def schema_newer(version: str, supported: str = SUPPORTED_SCHEMA_VERSION) -> bool:
    """True when result schema ``version`` (``MAJOR.MINOR``) is newer than ``supported``.

    Raises ValueError when ``version`` is not of that form.
    """
    major, _, minor = version.partition(".")
    ours_major, _, ours_minor = supported.partition(".")
    return (int(major), int(minor or 0)) > (int(ours_major), int(ours_minor or 0))


def is_wildcard_pattern(pattern: str) -> bool:
    """True when a waiver pattern matches everything (``*``, ``**``)."""
    return bool(pattern) and set(pattern) == {"*"}


def is_wildcard_waiver(waiver: WaiverRef) -> bool:
    """A waiver of every policy or every resource (it must have said ``scope: all``)."""
    return is_wildcard_pattern(waiver.policy) or is_wildcard_pattern(waiver.resource)


def wildcard_waivers(result: RunResult) -> list[WaiverRef]:
    """The wildcard waivers the result carries (on findings or expiring), each once, by id.

    Every report lists these first.
    """
    found: dict[str, WaiverRef] = {}
    waived = (f.waiver for f in result.iter_findings() if f.waiver is not None)
    for ref in chain(waived, result.waivers_expiring):
        if is_wildcard_waiver(ref) and ref.id not in found:  # only these are held
            found[ref.id] = ref
    return [found[key] for key in sorted(found)]


def _sum(tallies: Iterable[dict[str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tally in tallies:
        for status, n in tally.items():
            counts[status] = counts.get(status, 0) + n
    return counts


def _differences(stored: dict[str, int], actual: dict[str, int]) -> list[str]:
    return [
        f"{status} {stored.get(status, 0)} (the findings hold {actual.get(status, 0)})"
        for status in sorted(set(stored) | set(actual))
        if stored.get(status, 0) != actual.get(status, 0)
    ]


def consistency_problems(result: RunResult) -> list[str]:
    """Where the result's stored counts and verdicts disagree with its own findings.

    The summary, each promise's and each safeguard's counts are recomputed from the findings
    (a promise counts the findings of its safeguards, a safeguard those of its own), and a
    verdict may not be better than its findings (PASS above a FAIL, or above nothing). A result that was edited by hand
    ("FAIL 0" above 104 FAIL findings) is refused by every command that reads one.
    """
    problems: list[str] = []
    # one pass, holding counts only: the findings may stream from a file
    by_safeguard: dict[str, dict[str, int]] = {}
    for finding in result.iter_findings():
        tally = by_safeguard.setdefault(finding.safeguard, {})
        tally[finding.status] = tally.get(finding.status, 0) + 1
    diff = _differences(result.summary, _sum(by_safeguard.values()))
    if diff:
        problems.append("summary says " + ", ".join(diff))
    groups: list[tuple[str, Status | None, dict[str, int], dict[str, int]]] = []
    for promise in result.promises:
        mine = _sum(by_safeguard.get(s, {}) for s in dict.fromkeys(promise.safeguards))
        groups.append((f"promise {promise.id!r}", promise.verdict, promise.counts, mine))
    for safeguard in result.safeguards:
        mine = by_safeguard.get(safeguard.key, {})
        groups.append((f"safeguard {safeguard.key!r}", safeguard.verdict, safeguard.counts, mine))
    for label, verdict, counts, mine in groups:
        diff = _differences(counts, mine)
        if diff:
            problems.append(f"{label} counts say " + ", ".join(diff))
            continue
        expected = worst(tuple(status for status in STATUSES if mine.get(status)))
        hides_failure = expected == "FAIL" and verdict != "FAIL"
        if expected is None:  # nothing assessed: never a PASS
            better_than_findings = verdict == "PASS"
        else:
            better_than_findings = verdict in ("PASS", "NOT_APPLICABLE") and expected != verdict
        if hides_failure or better_than_findings:
            found = expected or "nothing assessed"
            problems.append(f"{label} verdict is {verdict} but its findings make it {found}")
    return problems


__all__ = [
    "RESULT_SCHEMA_VERSION",
    "SEVERITIES",
    "STATUSES",
    "SUPPORTED_SCHEMA_VERSION",
    "AttestationRecord",
    "AttestationRef",
    "AttestationState",
    "CitationInfo",
    "ClauseOffsets",
    "Finding",
    "FindingStream",
    "LeftOutPolicy",
    "PolicyInfo",
    "PolicyNotRun",
    "ProfileInfo",
    "PromiseResult",
    "Remediation",
    "RunResult",
    "SafeguardResult",
    "SelectionRecord",
    "Severity",
    "Status",
    "WaiverRef",
    "consistency_problems",
    "is_wildcard_pattern",
    "is_wildcard_waiver",
    "schema_newer",
    "severity_at_least",
    "summarize",
    "wildcard_waivers",
    "worst",
]
