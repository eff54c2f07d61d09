"""Attestations: the evidence no API can show, attached to the MANUAL findings it answers.

An attestations file (YAML, one per profile or organisation; see docs/attestations.md) lists
documents a person signed or approved: each names the promise or policy it answers, the document
(a path relative to the file, or a URL with its SHA-256 recorded), who signed it, when, when it
must be reviewed again, and optionally where it holds (accounts, projects, vendors).

Loading (:func:`load_attestations`) is strict and reports every mistake at once, each as
``file:line``; it hashes every local document, so the run's result carries the digests. Judging
(:func:`attest`) is pure: after waivers, a MANUAL finding with a matching attestation becomes

* ATTESTED when the attestation is current (signed, not past its review date, document found);
* FAIL when its review date has passed (the message names the document and the date);
* ERROR when its document cannot be found (path missing, or a URL without a recorded digest),
  differs from the digest recorded for it, or it is signed after the run.

An attestation never touches a FAIL, an ERROR or a PASS: it answers only what no API could show.

Promises that no policy can check at all (breach notification, subcontractor BAAs, risk
analysis, ...) carry ``manual_evidence`` in the profile; :func:`contract_items` turns each into a
MANUAL finding of its own (resource type ``baa.promise``, or ``baa.vendor`` per vendor the promise
names), so that they too appear in every report and can be attested.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.fileio import sha256_file
from auditor.core.model.base import ResourceRef
from auditor.core.result import (
    AttestationRecord,
    AttestationRef,
    AttestationState,
    Finding,
    PolicyInfo,
    Remediation,
    Status,
)
from auditor.core.scope import Scope
from auditor.core.shard import Shard
from auditor.core.validation import problems_from
from auditor.core.yamlio import YamlError, line_of, parse_yaml, plain
from auditor.judge.catalog import Catalog
from auditor.judge.profile import Profile, Promise

#: The attestations file itself is small data; refuse anything larger before parsing it.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: A document is hashed and copied into the evidence bundle (held in memory while it is written).
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
#: Where documents (and a copy of the attestations file) go in the output directory and bundle.
BUNDLE_DIR = "attestations"
FILE_IN_BUNDLE = f"{BUNDLE_DIR}/attestations.yaml"

#: Contractual items (promise-level MANUAL findings) are named like this.
CONTRACT_PROVIDER = "baa"
CONTRACT_ACCOUNT = "organisation"
PROMISE_TYPE = "baa.promise"
VENDOR_TYPE = "baa.vendor"
CONTRACT_SEVERITY = "high"

_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_SHA256 = r"^[0-9a-f]{64}$"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_DATE_TOKEN = re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w.:-])")


def contract_policy_id(promise_id: str) -> str:
    """The id findings of a contractual promise carry: ``BAA-BREACH-NOTIFICATION``."""
    return f"BAA-{promise_id.upper()}"


# -- the file -----------------------------------------------------------------------------------
def _iso_date(value: object) -> object:
    """A real calendar date: a YAML date, or a string spelling one as YYYY-MM-DD."""
    if isinstance(value, datetime):
        raise ValueError("expected a date without a time (YYYY-MM-DD)")
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("expected a date as YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a real date") from None
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(value: str) -> str:
    """Text goes into terminals and every report: no control characters (newlines included)."""
    if _CONTROL.search(value):
        raise ValueError("control characters (newlines, escapes) are not allowed here")
    return value


def _printable_note(value: str) -> str:
    return _printable(value.replace("\n", " ").strip())


Day = Annotated[date, BeforeValidator(_iso_date)]
Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable)]
Note = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable_note)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AttestationScope(_Strict):
    """Where an attestation holds. Leave it out to cover every place."""

    accounts: list[Text] = Field(default_factory=list, description="AWS account ids (globs)")
    projects: list[Text] = Field(
        default_factory=list,
        description="GCP project ids, or organizations/ID and folders/ID (globs)",
    )
    vendors: list[Text] = Field(
        default_factory=list, description="vendors a subcontractor promise names (globs)"
    )

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.model_dump().items() if v}


class Attestation(_Strict):
    """One entry of the attestations file."""

    id: Annotated[str, Field(pattern=_ID)]
    promise: Text | None = Field(default=None, description="the profile promise it answers")
    policy: Text | None = Field(default=None, description="the policy id it answers")
    document: Text = Field(description="a path relative to the attestations file, or a URL")
    sha256: Annotated[str, Field(pattern=_SHA256)] | None = Field(
        default=None, description="required for a URL; for a file, checked when given"
    )
    signed_by: Text
    signed_on: Day
    review_by: Day
    scope: AttestationScope | None = None
    note: Note | None = None

    @property
    def answers(self) -> str:
        return f"promise:{self.promise}" if self.promise else f"policy:{self.policy}"

    @property
    def is_url(self) -> bool:
        return bool(_URL.match(self.document))


class _FileHead(_Strict):
    version: Literal[1] = 1
    profile: Text | None = Field(default=None, description="id of the profile it is written for")
    organisation: Text | None = None
    attestations: list[Any]


# -- documents ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Document:
    """What was found of an attestation's document when the file was loaded."""

    state: Literal["found", "missing", "changed"]
    sha256: str | None = None
    detail: str | None = None
    source: Path | None = None  # the local file, to copy into the output directory
    bundle_path: str | None = None  # where it goes in the output directory and bundle


def bundle_path_for(sha256: str, document: str) -> str:
    """``attestations/<first 16 hex of the digest>/<file name made safe>``."""
    name = _SAFE_NAME.sub("_", PurePosixPath(document.replace("\\", "/")).name) or "document"
    if name.startswith("."):
        name = "_" + name
    return f"{BUNDLE_DIR}/{sha256[:16]}/{name}"


def _document(entry: Attestation, base: Path, relative_to: str) -> Document:
    if entry.is_url:
        if entry.sha256 is None:
            return Document(
                "missing",
                detail="a URL document needs its SHA-256 recorded in the attestations file (sha256:)",
            )
        return Document("found", sha256=entry.sha256)
    path = base / entry.document
    where = f"{entry.document} (relative to {relative_to})"
    try:
        if not path.is_file():
            what = "not a regular file" if path.exists() else "no such file"
            return Document("missing", detail=f"{what}: {where}")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return Document(
                "missing",
                detail=f"{where} is {size} bytes; documents are limited to {MAX_DOCUMENT_BYTES}",
            )
        digest = sha256_file(path)
    except OSError as exc:
        return Document("missing", detail=f"cannot read {where}: {exc.strerror or exc}")
    bundle = bundle_path_for(digest, entry.document)
    if entry.sha256 is not None and entry.sha256 != digest:
        return Document(
            "changed",
            sha256=digest,
            detail=f"{where} has SHA-256 {digest}; the attestations file records {entry.sha256}",
            source=path,
            bundle_path=bundle,
        )
    return Document("found", sha256=digest, source=path, bundle_path=bundle)


# -- the loaded set -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedAttestation:
    entry: Attestation
    line: int | None
    document: Document
    document_line: int | None = None

    def state_on(self, today: date) -> tuple[AttestationState, str | None]:
        """The state on ``today`` and, unless current, why."""
        entry, doc = self.entry, self.document
        if today > entry.review_by:
            also = f"; the document is also {doc.state}: {doc.detail}" if doc.detail else ""
            return "overdue", f"review was due on {entry.review_by.isoformat()}{also}"
        if doc.state == "missing":
            return "missing", doc.detail
        if doc.state == "changed":
            return "changed", doc.detail
        if entry.signed_on > today:
            return "future", f"signed on {entry.signed_on.isoformat()}, after this run"
        return "current", None

    def ref(self, today: date) -> AttestationRef:
        state, _ = self.state_on(today)
        e = self.entry
        return AttestationRef(
            id=e.id,
            answers=e.answers,
            document=e.document,
            sha256=self.document.sha256,
            bundle_path=self.document.bundle_path,
            signed_by=e.signed_by,
            signed_on=e.signed_on,
            review_by=e.review_by,
            state=state,
        )

    def record(self, today: date) -> AttestationRecord:
        _, detail = self.state_on(today)
        return AttestationRecord(
            **self.ref(today).model_dump(),
            scope=self.entry.scope.as_dict() if self.entry.scope else {},
            note=self.entry.note,
            detail=detail,
        )


@dataclass(frozen=True)
class AttestationSet:
    """An attestations file, checked, with each document located and hashed."""

    file: Path
    sha256: str
    entries: tuple[LoadedAttestation, ...]
    profile: str | None = None
    organisation: str | None = None
    #: set by the run's reference check (promises this profile does not make)
    warnings: tuple[str, ...] = ()

    def documents(self) -> dict[str, Path]:
        """Each local document found, by its place in the output directory and bundle."""
        out: dict[str, Path] = {}
        for item in self.entries:
            doc = item.document
            if doc.source is not None and doc.bundle_path is not None:
                out.setdefault(doc.bundle_path, doc.source)
        return dict(sorted(out.items()))


def _invalid_dates(text: str, file: Path) -> list[Problem]:
    """Dates the YAML parser could not build (2026-02-30), located by line."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE_TOKEN.finditer(line.split("#", 1)[0]):
            try:
                date(*(int(g) for g in match.groups()))
            except ValueError:
                problems.append(Problem(str(file), number, f"{match.group(0)} is not a real date"))
    return problems


def _read(path: Path) -> Any:
    if not path.is_file():
        raise InputError("attestations file not found", file=path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"attestations file is {size} bytes; the limit is {MAX_FILE_BYTES}", file=path
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("attestations file is not UTF-8 text", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read attestations file: {exc.strerror}", file=path) from None
    try:
        return parse_yaml(text)
    except YamlError as exc:
        # every impossible date of the file at once, each at its line; else the parser's word
        dates = _invalid_dates(text, path)
        if dates:
            raise ValidationFailed(dates) from None
        raise InputError(exc.message, file=path, line=exc.line) from None
    except ValueError:
        # PyYAML raises a bare ValueError for a date-shaped value that is no date (2026-02-30)
        problems = _invalid_dates(text, path) or [Problem(str(path), None, "invalid value")]
        raise ValidationFailed(problems) from None


def _as_date(value: object) -> date | None:
    try:
        got = _iso_date(value)
    except ValueError:
        return None
    return got if isinstance(got, date) and not isinstance(got, datetime) else None


def _entry_problems(item: Any, file: Path, node: Any, index: int) -> list[Problem]:
    """The checks across fields, on the entry as written (so they run even when another field
    of the same entry is malformed): every mistake at once."""
    if not isinstance(item, dict):
        return []
    problems: list[Problem] = []
    ident = item.get("id")
    who = (f"attestation {ident} " if isinstance(ident, str) else "attestation ") + (
        f"(entry {index + 1})"
    )

    def add(key: str | None, message: str) -> None:
        line = line_of(node, "attestations", index, *([key] if key else []))
        problems.append(Problem(str(file), line, f"{who}: {message}"))

    if (item.get("promise") is None) == (item.get("policy") is None):
        add(None, "name exactly one of promise or policy")
    signed, review = _as_date(item.get("signed_on")), _as_date(item.get("review_by"))
    if signed is not None and review is not None and review <= signed:
        add("review_by", f"review_by ({review}) must be after signed_on ({signed})")
    document = item.get("document")
    if isinstance(document, str) and _URL.match(document):
        if not document.lower().startswith(("https://", "http://")):
            add("document", "a document URL must be http:// or https://")
    elif isinstance(document, str) and (
        document.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", document)
    ):
        add(
            "document",
            "write the document's path relative to the attestations file, so the evidence "
            "folder can move with it",
        )
    scope = item.get("scope")
    if isinstance(scope, dict) and not any(
        scope.get(k) for k in ("accounts", "projects", "vendors")
    ):
        add(
            "scope",
            "scope names no accounts, projects or vendors (leave it out to cover every place)",
        )
    return problems


def _named(problems: list[Problem], item: Any) -> list[Problem]:
    """``attestations.3.signed_on: ...`` as ``attestation ATT-X (entry 4): signed_on: ...``."""
    ident = item.get("id") if isinstance(item, dict) else None
    out = []
    for problem in problems:
        head, sep, rest = problem.message.partition(": ")
        parts = head.split(".")
        if sep and len(parts) >= 2 and parts[0] == "attestations" and parts[1].isdigit():
            who = f"attestation {ident}" if isinstance(ident, str) else "attestation"
            where = ".".join(parts[2:])
            rest = rest.removeprefix("Value error, ")
            message = f"{who} (entry {int(parts[1]) + 1}): " + (
                f"{where}: {rest}" if where else rest
            )
            out.append(Problem(problem.file, problem.line, message))
        else:
            out.append(problem)
    return out


def load_partial(path: Path) -> tuple[AttestationSet, list[Problem]]:
    """Every entry that is well formed, and every mistake of the file (located).

    Raises :class:`InputError` when the file cannot be read or parsed at all.
    """
    node = _read(path)
    if node is None:
        raise InputError(
            "attestations file is empty; expected 'attestations:' and a list", file=path
        )
    if not isinstance(node, dict):
        raise InputError("an attestations file must be a YAML mapping", file=path, line=1)
    problems: list[Problem] = []
    head: _FileHead | None = None
    try:
        head = _FileHead.model_validate(plain(node))
    except ValidationError as exc:
        problems.extend(problems_from(exc, path, node))
    raw = node.get("attestations")
    items: list[Any] = raw if isinstance(raw, list) else []
    entries: list[LoadedAttestation] = []
    seen: dict[str, int] = {}
    base = path.parent
    for index, item in enumerate(items):
        problems.extend(_entry_problems(item, path, node, index))
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str) and ident in seen:
            problems.append(
                Problem(
                    str(path),
                    line_of(node, "attestations", index, "id"),
                    f"duplicate attestation id {ident!r} (first at entry {seen[ident] + 1})",
                )
            )
        if isinstance(ident, str):
            seen.setdefault(ident, index)
        try:
            entry = Attestation.model_validate(plain(item))
        except ValidationError as exc:
            problems.extend(_named(problems_from(exc, path, node, ("attestations", index)), item))
            continue
        entries.append(
            LoadedAttestation(
                entry,
                line_of(node, "attestations", index),
                _document(entry, base, path.name),
                line_of(node, "attestations", index, "document"),
            )
        )
    loaded = AttestationSet(
        file=path,
        sha256=sha256_file(path),
        entries=tuple(entries),
        profile=head.profile if head else None,
        organisation=head.organisation if head else None,
    )
    return loaded, problems


def load_attestations(path: Path) -> AttestationSet:
    """Load, check and hash an attestations file; every mistake is reported at once.

    Raises :class:`ValidationFailed` (one located problem per mistake) or :class:`InputError`.
    A document that cannot be found is not a mistake of the file: its attestation judges ERROR.
    """
    loaded, problems = load_partial(path)
    if problems:
        raise ValidationFailed(problems)
    return loaded


def reference_problems(
    attestations: AttestationSet, profile: Profile | None, policy_ids: Iterable[str]
) -> tuple[list[Problem], list[str]]:
    """Promise and policy ids the run cannot know: (problems, warnings).

    An unknown policy id is a problem. A promise the profile does not make is a problem when the
    file says it is written for this profile, and a warning otherwise (a file for a whole
    organisation may answer the promises of several profiles).
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    file = str(attestations.file)
    known_policies = set(policy_ids)
    promises = {p.id for p in profile.promises} if profile is not None else None
    mine = profile is not None and attestations.profile == profile.id
    for item in attestations.entries:
        entry = item.entry
        if entry.policy is not None and entry.policy not in known_policies:
            problems.append(
                Problem(
                    file,
                    item.line,
                    f"attestation {entry.id}: unknown policy {entry.policy!r} (see 'baa-audit "
                    "policies list'; contractual promises are answered with promise:)",
                )
            )
        if entry.promise is not None and promises is not None and entry.promise not in promises:
            text = f"attestation {entry.id}: profile {profile.id if profile else ''} makes no promise {entry.promise!r}"
            if mine:
                problems.append(
                    Problem(file, item.line, f"{text}; promises: {', '.join(sorted(promises))}")
                )
            else:
                warnings.append(f"{text}; it answers nothing in this run")
    return problems, warnings


# -- contractual items ----------------------------------------------------------------------------
def promise_vendors(promise: Promise) -> list[tuple[str, str]]:
    params = promise.parameters
    out = [(v, "handles PHI under a BAA") for v in params.subprocessors or []]
    out += [(v, "receives no PHI") for v in params.subprocessors_without_phi or []]
    return out


def _reports_contract(scope: Scope) -> bool:
    """Contract items belong to the account ``organisation``: of N shards, the one that owns that
    key reports them (as each shard reports the accounts it owns), so a merge counts them once."""
    return scope.shard is None or Shard.from_label(scope.shard).owns(CONTRACT_ACCOUNT)


def _contract_info(promise: Promise, profile: Profile, catalog: Catalog) -> PolicyInfo:
    safeguard = promise.safeguards[0]
    where = f"§ {promise.section}" if promise.section else "the BAA"
    return PolicyInfo(
        id=contract_policy_id(promise.id),
        title=f"Contractual promise {promise.id} ({where}): shown by documents, not by any API",
        severity=CONTRACT_SEVERITY,
        safeguard=safeguard,
        citations=list(catalog.safeguards[safeguard].citations)
        if safeguard in catalog.safeguards
        else [],
        resource_type=VENDOR_TYPE if promise_vendors(promise) else PROMISE_TYPE,
        remediation=Remediation(
            summary="Attach the document through an attestations file "
            "(baa-audit attest template --profile NAME)."
        ),
        manual_evidence=promise.manual_evidence,
        source=f"profile {profile.id}, promise {promise.id}",
    )


def _contract_findings(promise: Promise, info: PolicyInfo) -> list[Finding]:
    params = promise.parameters.model_dump(mode="json", exclude_unset=True)
    where = f"§ {promise.section}" if promise.section else "the BAA"
    evidence: dict[str, Any] = {"clause": promise.clause}
    if promise.section:
        evidence["section"] = promise.section
    evidence.update({f"promised.{k}": v for k, v in params.items()})
    targets: list[tuple[ResourceRef, str, dict[str, Any]]] = []
    vendors = promise_vendors(promise)
    for vendor, role in vendors:
        ref = ResourceRef(
            provider=CONTRACT_PROVIDER, account=CONTRACT_ACCOUNT, type=VENDOR_TYPE, id=vendor
        )
        message = (
            f"Vendor {vendor}: the BAA says it {role} ({where}); no cloud API can show that, "
            "a document must."
        )
        targets.append((ref, message, {"vendor": vendor, "promised": role}))
    if not vendors:
        shown = ", ".join(f"{k} = {v}" for k, v in params.items())
        terms = f" ({shown})" if shown else ""
        ref = ResourceRef(
            provider=CONTRACT_PROVIDER, account=CONTRACT_ACCOUNT, type=PROMISE_TYPE, id=promise.id
        )
        message = (
            f"Contractual promise {promise.id}{terms}, {where}: no cloud API can show it; "
            "a document must."
        )
        targets.append((ref, message, {}))
    return [
        Finding(
            policy_id=info.id,
            status="MANUAL",
            severity=info.severity,
            safeguard=info.safeguard,
            citations=list(info.citations),
            promises=[promise.id],
            resource=ref,
            message=message,
            evidence={**evidence, **extra},
            manual_evidence=promise.manual_evidence,
        )
        for ref, message, extra in targets
    ]


def contract_items(
    profile: Profile, catalog: Catalog, scope: Scope
) -> tuple[list[Finding], dict[str, PolicyInfo]]:
    """A MANUAL finding for every promise that needs attestation (one per vendor it names), and
    a policy entry (``BAA-<PROMISE>``) for each such promise."""
    findings: list[Finding] = []
    infos: dict[str, PolicyInfo] = {}
    if not _reports_contract(scope):
        return findings, infos
    for promise in profile.promises:
        if promise.manual_evidence is None:
            continue
        info = _contract_info(promise, profile, catalog)
        infos[info.id] = info
        findings.extend(_contract_findings(promise, info))
    return findings, infos


# -- judging ----------------------------------------------------------------------------------
def _covers(scope: AttestationScope | None, finding: Finding) -> bool:
    """Whether an attestation's scope holds where the finding is (no scope: everywhere)."""
    if scope is None:
        return True
    res = finding.resource
    if res.type == VENDOR_TYPE:
        return any(fnmatch.fnmatch(res.id.lower(), v.lower()) for v in scope.vendors)
    if res.provider == "aws":
        return any(fnmatch.fnmatchcase(res.account, a) for a in scope.accounts)
    if res.provider == "gcp":
        return any(fnmatch.fnmatchcase(res.account, p) for p in scope.projects)
    return False  # a promise-level item has no place: only an attestation without scope covers it


def _answers(entry: Attestation, finding: Finding) -> bool:
    if entry.policy is not None:
        return entry.policy == finding.policy_id
    if finding.resource.provider == CONTRACT_PROVIDER:
        return finding.policy_id == contract_policy_id(entry.promise or "")
    return entry.promise in finding.promises


_RANK: dict[str, int] = {"current": 0, "overdue": 1, "missing": 2, "changed": 2, "future": 2}


def _best(matches: Sequence[LoadedAttestation], today: date) -> LoadedAttestation:
    """A current attestation if any; else an overdue one (a FAIL is never hidden behind an
    ERROR); the latest review date first."""
    return min(
        matches,
        key=lambda m: (
            _RANK[m.state_on(today)[0]],
            -m.entry.review_by.toordinal(),
            m.entry.id,
        ),
    )


def _judged(finding: Finding, chosen: LoadedAttestation, today: date) -> Finding:
    state, detail = chosen.state_on(today)
    e = chosen.entry
    ref = chosen.ref(today)
    signed = f"signed by {e.signed_by} on {e.signed_on.isoformat()}"
    status: Status
    if state == "current":
        status = "ATTESTED"
        digest = f", sha256 {ref.sha256}" if ref.sha256 else ""
        message = (
            f"{finding.message} Attested by {e.id}: {e.document} ({signed}; review by "
            f"{e.review_by.isoformat()}{digest})."
        )
    elif state == "overdue":
        status = "FAIL"
        message = (
            f"Attestation {e.id} is overdue: {e.document} was due for review on "
            f"{e.review_by.isoformat()} ({signed}). {finding.message}"
        )
    elif state == "future":
        status = "ERROR"
        message = f"Not assessed: attestation {e.id} ({e.document}) is {detail}."
    elif state == "changed":
        status = "ERROR"
        message = (
            f"Not assessed: attestation {e.id}'s document changed since its digest was "
            f"recorded: {detail}."
        )
    else:
        status = "ERROR"
        message = f"Not assessed: attestation {e.id}'s document cannot be found: {detail}."
    return finding.model_copy(update={"status": status, "message": message, "attestation": ref})


@dataclass
class Attested:
    """What :func:`attest` adds to a run: the findings, the contract items' policy entries and
    the attestations section of the result."""

    findings: list[Finding]
    policies: dict[str, PolicyInfo] = field(default_factory=dict)
    records: list[AttestationRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def apply_attestations(
    findings: Sequence[Finding], attestations: AttestationSet, now: datetime
) -> list[Finding]:
    """Each MANUAL finding a matching attestation answers becomes ATTESTED, FAIL or ERROR."""
    today = now.date()
    out: list[Finding] = []
    for finding in findings:
        if finding.status != "MANUAL":
            out.append(finding)
            continue
        matches = [
            item
            for item in attestations.entries
            if _answers(item.entry, finding) and _covers(item.entry.scope, finding)
        ]
        out.append(_judged(finding, _best(matches, today), today) if matches else finding)
    return out


def attest(
    findings: list[Finding],
    profile: Profile,
    catalog: Catalog,
    scope: Scope,
    attestations: AttestationSet | None,
    now: datetime,
) -> Attested:
    """The engine's post-processing step beside waivers (see :func:`auditor.judge.engine.evaluate`).

    ``attestations=None`` (the IaC path, unit tests) leaves the findings as they are. An
    :class:`AttestationSet`, even an empty one (every live run), adds the contractual items and
    then applies the attestations.
    """
    if attestations is None:
        return Attested(findings)
    items, infos = contract_items(profile, catalog, scope)
    judged = apply_attestations([*findings, *items], attestations, now)
    records = [item.record(now.date()) for item in attestations.entries]
    return Attested(judged, infos, records, list(attestations.warnings))


def empty_set() -> AttestationSet:
    """No attestations file: contract items are still listed (MANUAL), nothing is answered."""
    return AttestationSet(file=Path(), sha256="", entries=())


__all__ = [
    "BUNDLE_DIR",
    "CONTRACT_ACCOUNT",
    "CONTRACT_PROVIDER",
    "FILE_IN_BUNDLE",
    "MAX_DOCUMENT_BYTES",
    "PROMISE_TYPE",
    "VENDOR_TYPE",
    "Attestation",
    "AttestationScope",
    "AttestationSet",
    "Attested",
    "Document",
    "LoadedAttestation",
    "apply_attestations",
    "attest",
    "bundle_path_for",
    "contract_items",
    "contract_policy_id",
    "empty_set",
    "load_attestations",
    "load_partial",
    "promise_vendors",
    "reference_problems",
]
