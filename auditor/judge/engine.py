"""The engine: ``evaluate(inventory, policies, profile, waivers) -> RunResult``.

Pure and deterministic: it reads no clock (``now`` is passed in), no file and no network, and the
same inputs give the same result apart from the timestamps handed to it.

Per policy and resource, conditions are three-valued (true, false, or unknown with the gaps
that made them unknown; Kleene logic, :mod:`auditor.judge.policy.truth`):

1. applicability (``where``): false -> no finding; unknown -> ERROR naming the gaps;
2. ``manual_only`` -> MANUAL;
3. the assertion (or the predicate's verdict): false -> FAIL, listing any gaps also met
   (the facts that were read already break the promise); unknown -> ERROR naming every gap and
   the fields it covers; true -> PASS, or MANUAL when ``manual_when`` holds or ``on_pass:
   MANUAL`` says so (an unknown ``manual_when`` is ERROR).

Then per place (account/region): a failed listing -> ERROR; a place where nothing matched ->
one NOT_APPLICABLE naming what was looked at; a provider in scope with no listing at all of the
policy's type -> ERROR ("not collected"). Finally waivers turn FAIL into WAIVED, or, once
expired, leave FAIL with a warning; then attestations (``attestations=``, see
:mod:`auditor.judge.attestations`) list the contractual items and answer MANUAL findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from pydantic_core import to_jsonable_python

from auditor import __version__
from auditor.core.findings_io import FindingsSpill, spill_runs
from auditor.core.inventory import Inventory, scrub
from auditor.core.model.base import Gap, ListingGap, Resource, ResourceRef, trusted
from auditor.core.result import (
    CitationInfo,
    Finding,
    PolicyNotRun,
    ProfileInfo,
    RunResult,
    Status,
)
from auditor.core.scope import Scope
from auditor.core.shard import Shard
from auditor.judge.attestations import AttestationSet, apply_attestations, attest
from auditor.judge.parallel import quiet_collector, run_each
from auditor.judge.policy.conditions import Env, Parts, condition_becauses, explain
from auditor.judge.policy.conditions import evaluate as truth_of
from auditor.judge.policy.loader import PolicySet
from auditor.judge.policy.model import Policy
from auditor.judge.policy.paths import read_segments
from auditor.judge.policy.related import IDENTITY_FIELDS, RelatedIndex, Unread, read_field
from auditor.judge.policy.truth import Missing
from auditor.judge.predicates.base import GapError, PredicateContext
from auditor.judge.profile import LoadedProfile, Promise
from auditor.judge.rollup import Tally, promise_results, safeguard_results
from auditor.judge.waivers import Waiver

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
NOT_READ = "<not read>"
Place = tuple[str, str | None]  # (account, region)


def _every_account(_account: str) -> bool:
    return True


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_show(v) for v in value) + "]" if value else "[]"
    return str(value)


def render_message(
    template: str,
    resource: Resource,
    params: Mapping[str, Any],
    promise: Mapping[str, str] | None = None,
) -> str:
    def substitute(key: str) -> str:
        if key.startswith("params."):
            return _show(params.get(key[len("params.") :]))
        if key.startswith("promise.") or key == "provider_default":
            return (promise or {}).get(key.removeprefix("promise."), "none")
        if key in ("id", "name", "account", "region") and resource.gap_for(key) is None:
            return _show(getattr(resource, key))
        value = read_field(resource, key)
        return NOT_READ if isinstance(value, Unread) else _show(value)

    parts = _template_parts(template)
    if len(parts) == 1:
        return template
    return "".join(part if index % 2 == 0 else substitute(part) for index, part in enumerate(parts))


@lru_cache(maxsize=4096)
def _template_parts(template: str) -> tuple[str, ...]:
    """``"a {x} b"`` -> ``("a ", "x", " b")``: text and placeholder names alternate (parsed
    once per template; a message is rendered for every finding)."""
    return tuple(_PLACEHOLDER.split(template))


def _evidence(resource: Resource, paths: Sequence[str]) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    for path in paths:
        value = read_field(resource, path)
        if isinstance(value, Unread):
            evidence[path] = NOT_READ
        else:
            evidence[path] = _evidence_value(value)
    return evidence


#: Values that evidence keeps as they are: JSON already, and nothing to redact.
_PLAIN = (type(None), bool, int, float)


def _evidence_value(value: Any) -> Any:
    """A value read for evidence, as JSON and scrubbed (:func:`_evidence` for one value)."""
    return value if type(value) in _PLAIN else scrub(to_jsonable_python(value))


@dataclass(frozen=True)
class _Read:
    """A field a policy shows in its evidence, split once: its path, segments and whether a
    gap can cover it (the identity fields never are)."""

    path: str
    segments: tuple[str, ...]
    gappable: bool

    @classmethod
    def of(cls, path: str) -> _Read:
        return cls(path, tuple(path.split(".")), path.split(".", 1)[0] not in IDENTITY_FIELDS)


#: A message template parsed for one policy: its text and placeholders in order, each
#: placeholder that does not depend on the resource (a parameter, the promise) already
#: rendered as text, the others kept as the field to read (``(text, None)`` or ``("", read)``).
_Template = tuple[tuple[str, _Read | None], ...]


def _describe(missing: Missing, resource: Resource) -> str:
    """One unread input, said relative to the finding's own resource."""
    gap = missing.gap
    if missing.subject == resource.id and missing.path:
        what = missing.path
    elif missing.path:
        what = f"{missing.path} of {missing.subject}"
    else:
        what = missing.subject
    text = f"{what} ({gap.operation} returned {gap.error_code}"
    return text + (f": {gap.message})" if gap.message else ")")


def _reasons(rendered: Sequence[tuple[str, str]]) -> str:
    """``a; b`` for the judged resource, ``main: not logging, single-region`` per joined one."""
    own = [text for about, text in rendered if not about]
    by_target: dict[str, list[str]] = {}
    for about, text in rendered:
        if about:
            by_target.setdefault(about, []).append(text)
    parts = own + [f"{about}: {', '.join(texts)}" for about, texts in by_target.items()]
    return "; ".join(dict.fromkeys(parts))


def describe_missing(missing: Sequence[Missing], resource: Resource) -> str:
    return "; ".join(dict.fromkeys(_describe(m, resource) for m in missing))


class _Refs:
    """One :class:`ResourceRef` per resource, shared by every finding about it (a reference is
    frozen): a resource judged by several policies is named once, in time and in memory."""

    def __init__(self) -> None:
        # by identity, the resource kept beside its reference so the identity is not reused
        self._refs: dict[int, tuple[Resource, ResourceRef]] = {}

    def of(self, resource: Resource) -> ResourceRef:
        seen = self._refs.get(id(resource))
        if seen is not None:
            return seen[1]
        ref = ResourceRef.of(resource)
        self._refs[id(resource)] = (resource, ref)
        return ref


class _Judge:
    """Evaluates one policy over the inventory."""

    def __init__(
        self,
        policy: Policy,
        env: Env,
        pctx: PredicateContext,
        promises: Sequence[Promise],
        refs: _Refs | None = None,
    ) -> None:
        self.policy = policy
        self.refs = refs or _Refs()
        self.env = env
        self.params = env.params
        self.pctx = pctx
        self.promises = [p.id for p in promises]
        self.promise_text = _promise_text(promises)
        self.explains = bool(condition_becauses(policy.assertion))
        if policy.default_citation is not None:
            self.promise_text["provider_default"] = policy.default_citation
        # what is the same in every finding of the policy, worked out once
        self.reads = tuple(_Read.of(path) for path in policy.reads)
        self.templates: dict[str, _Template] = {}
        self.pass_template = policy.doc.message.pass_ or f"{policy.doc.title}: satisfied."

    def finding(
        self,
        ref: ResourceRef,
        status: Status,
        message: str,
        evidence: dict[str, Any] | None = None,
        gap: Gap | ListingGap | None = None,
        gaps: Sequence[Gap | ListingGap] = (),
    ) -> Finding:
        doc = self.policy.doc
        all_gaps = (
            list(dict.fromkeys([*([gap] if gap is not None else []), *gaps]))
            if gap is not None or gaps
            else []
        )
        # The engine builds findings from validated policies and resources: construct without
        # re-validating (the result is validated again when it is read back from JSON).
        return trusted(
            Finding,
            {
                "policy_id": doc.id,
                "status": status,
                "severity": doc.severity,
                "safeguard": doc.safeguard,
                "citations": list(doc.citations),
                "promises": list(self.promises),
                "resource": ref,
                "message": message,
                "evidence": evidence or {},
                "gap": all_gaps[0] if all_gaps else None,
                "gaps": all_gaps,
                "manual_evidence": doc.manual_evidence if status == "MANUAL" else None,
                "waiver": None,
                "attestation": None,
            },
        )

    def render(self, template: str, resource: Resource) -> str:
        """:func:`render_message` with this policy's parameters and promise, the template
        parsed once per policy."""
        parts = self.templates.get(template)
        if parts is None:
            parts = self.templates[template] = self._parse(template)
        if len(parts) == 1 and parts[0][1] is None:
            return parts[0][0]
        gapped = bool(resource.gaps)
        out: list[str] = []
        for text, read in parts:
            if read is None:
                out.append(text)
            elif gapped and read.gappable and resource.gap_for(read.path) is not None:
                out.append(NOT_READ)  # read_field's Unread
            else:
                value = read_segments(resource, read.segments)
                out.append(value if type(value) is str else _show(value))
        return "".join(out)

    def _parse(self, template: str) -> _Template:
        """``template`` as text and field paths, what depends only on the policy rendered
        (as :func:`render_message` renders it: the identity fields and the region read like any
        field, since a gap never covers the first and :func:`read_field` checks the second)."""
        parts = _template_parts(template)
        if len(parts) == 1:
            return ((template, None),)
        out: list[tuple[str, _Read | None]] = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append((part, None))
            elif part.startswith("params."):
                out.append((_show(self.params.get(part[len("params.") :])), None))
            elif part.startswith("promise.") or part == "provider_default":
                out.append((self.promise_text.get(part.removeprefix("promise."), "none"), None))
            else:
                out.append(("", _Read.of(part)))
        if all(read is None for _, read in out):
            return (("".join(text for text, _ in out), None),)
        return tuple(out)

    def evidence(self, resource: Resource) -> dict[str, Any]:
        """The fields the policy reads, as :func:`_evidence` shows them."""
        evidence: dict[str, Any] = {}
        gapped = bool(resource.gaps)
        for read in self.reads:
            if gapped and read.gappable and resource.gap_for(read.path) is not None:
                evidence[read.path] = NOT_READ
            else:
                evidence[read.path] = _evidence_value(read_segments(resource, read.segments))
        if self.policy.default_citation is not None:
            evidence["provider_default"] = self.policy.default_citation
        return evidence

    def unknown_finding(
        self,
        resource: Resource,
        missing: Sequence[Missing],
        evidence: dict[str, Any],
        what: str = "",
    ) -> Finding:
        """ERROR: not assessed, naming every unread input and what it covers."""
        lead = f"Not assessed{f' ({what})' if what else ''}: "
        message = lead + "could not read " + describe_missing(missing, resource) + "."
        return self.finding(
            self.refs.of(resource),
            "ERROR",
            message,
            evidence,
            gaps=[m.gap for m in missing],
        )

    def _with_gaps(self, message: str, resource: Resource, missing: Sequence[Missing]) -> str:
        if not missing:
            return message
        return f"{message} Also not read: {describe_missing(missing, resource)}."

    def unplaced_finding(self, place: Place, resources: Sequence[Resource]) -> Finding:
        """ERROR for a place that would be "none here", while resources of the account could
        not be placed (their region was not read)."""
        account, region = place
        rtype = self.policy.resource_type
        gaps = [g for r in resources for g in r.gaps if g.covers("region")]
        first = gaps[0]
        names = ", ".join(sorted(r.name or r.id for r in resources)[:5])
        message = (
            f"Not assessed: whether any {rtype} in {account}/{region} is in the policy's scope is "
            f"unknown: {len(resources)} {rtype} in {account} ({names}) could not be placed "
            f"(region unread: {first.operation} returned {first.error_code})."
        )
        ref = ResourceRef(
            provider=self.policy.provider, account=account, region=region, type=rtype, id="*"
        )
        evidence = {"resources_unplaced": len(resources)}
        return self.finding(ref, "ERROR", message, evidence, gaps=list(dict.fromkeys(gaps)))

    def judge(self, resource: Resource) -> Finding | None:
        policy = self.policy
        doc = policy.doc
        env = self.env
        met: tuple[Missing, ...] = ()
        if policy.where is not None:
            applies = truth_of(policy.where, resource, env)
            if applies.is_false:
                return None
            if applies.is_unknown:
                return self.unknown_finding(
                    resource,
                    applies.gaps,
                    self.evidence(resource),
                    "whether the policy applies is unknown",
                )
            met = applies.gaps
        ref = self.refs.of(resource)
        evidence = self.evidence(resource)
        if doc.manual_only:
            template = doc.message.manual or doc.message.fail
            return self.finding(ref, "MANUAL", self.render(template, resource), evidence)
        if policy.predicate is not None:
            return self._predicate(resource, ref, evidence, met)
        assert policy.assertion is not None
        parts = None
        if self.explains:  # each part's value kept, for the explanation of a FAIL
            parts = Parts(env, resource)
            holds = parts.value(policy.assertion)
        else:
            holds = truth_of(policy.assertion, resource, env)
        if holds.is_false:
            message = self.render(doc.message.fail, resource)
            reasons = (
                _reasons(
                    [
                        (r.about, self.render(r.template, r.resource))
                        for r in explain(policy.assertion, resource, env, parts)
                    ]
                )
                if self.explains
                else ""
            )
            if reasons:
                message = f"{message.rstrip('.')}: {reasons}."
            also = holds.gaps
            if policy.manual_when is not None:  # what else it reads, and could not
                also = (*also, *truth_of(policy.manual_when, resource, env).gaps)
            missing = tuple(dict.fromkeys((*met, *also)))
            return self.finding(
                ref,
                "FAIL",
                self._with_gaps(message, resource, missing),
                evidence,
                gaps=[m.gap for m in missing],
            )
        if holds.is_unknown:
            return self.unknown_finding(resource, holds.gaps, evidence)
        if policy.manual_when is not None:
            manual = truth_of(policy.manual_when, resource, env)
            if manual.is_unknown:
                return self.unknown_finding(
                    resource, manual.gaps, evidence, "whether a person must confirm it is unknown"
                )
            if manual.is_true:
                template = doc.message.manual or doc.title
                return self.finding(ref, "MANUAL", self.render(template, resource), evidence)
        if doc.on_pass == "MANUAL":
            template = doc.message.manual or doc.message.pass_ or doc.title
            return self.finding(ref, "MANUAL", self.render(template, resource), evidence)
        return self.finding(ref, "PASS", self.render(self.pass_template, resource), evidence)

    def _predicate(
        self,
        resource: Resource,
        ref: ResourceRef,
        evidence: dict[str, Any],
        met: tuple[Missing, ...],
    ) -> Finding:
        policy = self.policy
        assert policy.predicate is not None
        if policy.predicate.two_valued:
            unread = self.pctx.unread(resource, policy.predicate.reads)
            if unread:
                return self.unknown_finding(resource, unread, evidence)
        try:
            verdict = policy.predicate.fn(resource, self.pctx)
        except GapError as exc:  # a predicate still written against the two-valued contract
            raised = Missing(exc.gap, exc.what or resource.id)
            return self.unknown_finding(resource, [raised], evidence)
        evidence.update({k: to_jsonable_python(v) for k, v in verdict.evidence.items()})
        if verdict.status == "ERROR":
            return self.unknown_finding(resource, verdict.gaps, evidence)
        status: Status = verdict.status
        message = verdict.message
        missing: tuple[Missing, ...] = ()
        if status == "FAIL":
            missing = tuple(dict.fromkeys((*met, *verdict.gaps)))
            message = self._with_gaps(message, resource, missing)
        if status == "PASS" and policy.doc.on_pass == "MANUAL":
            status = "MANUAL"
        return self.finding(ref, status, message, evidence, gaps=[m.gap for m in missing])

    def run(
        self,
        resources: Sequence[Resource],
        inventory: Inventory,
        scope_accounts: Sequence[str],
        reports: Callable[[str], bool] = _every_account,
    ) -> list[Finding]:
        """Findings for ``resources`` and for the places listed, of the accounts ``reports``
        keeps (a GCP shard reports its own projects; see :func:`_reported_accounts`)."""
        rtype = self.policy.resource_type
        provider = self.policy.provider
        findings: list[Finding] = []
        seen: dict[Place, int] = defaultdict(int)
        matched: dict[Place, int] = defaultdict(int)
        unplaced: dict[str, list[Resource]] = defaultdict(list)  # region unread, by account
        for resource in resources:
            place = (resource.account, resource.region)
            seen[place] += 1
            if resource.gaps and resource.gap_for("region") is not None:
                unplaced[resource.account].append(resource)
            if not reports(resource.account):
                continue
            finding = self.judge(resource)
            if finding is not None:
                matched[place] += 1
                findings.append(finding)
        looked: set[Place] = set(seen)
        looked.update((c.account, c.region) for c in inventory.coverage if c.resource_type == rtype)
        gapped: set[Place] = set()
        for gap in inventory.listing_gaps:
            if gap.resource_type != rtype:
                continue
            gapped.add((gap.account, gap.region))
            if not reports(gap.account):
                continue
            ref = ResourceRef(
                provider=gap.provider, account=gap.account, region=gap.region, type=rtype, id="*"
            )
            findings.append(
                self.finding(
                    ref,
                    "ERROR",
                    f"Not assessed: {rtype} in {gap.where()} could not be listed ({gap.operation} returned {gap.error_code})."
                    + (f" {gap.message}" if gap.message else ""),
                    gap=gap,
                )
            )
        for place in sorted(looked - gapped, key=lambda p: (p[0], p[1] or "")):
            if matched[place] or not reports(place[0]):
                continue
            account, region = place
            where = f"{account}/{region}" if region else account
            if region is not None and unplaced.get(account):
                # "none here" needs every listed resource placed: some could be here
                findings.append(self.unplaced_finding(place, unplaced[account]))
                continue
            if seen[place]:
                message = f"0 of {seen[place]} {rtype} in {where} are in the policy's scope ({_where_text(self.policy)})."
            else:
                message = f"0 {rtype} in {where}."
            ref = ResourceRef(provider=provider, account=account, region=region, type=rtype, id="*")
            findings.append(
                self.finding(ref, "NOT_APPLICABLE", message, {"resources_seen": seen[place]})
            )
        if not looked and not gapped:
            account = ",".join(scope_accounts) or "*"
            ref = ResourceRef(provider=provider, account=account, region=None, type=rtype, id="*")
            findings.append(
                self.finding(
                    ref,
                    "ERROR",
                    f"Not assessed: no listing of {rtype} was collected in this scope.",
                )
            )
        return findings


def _promise_text(promises: Sequence[Promise]) -> dict[str, str]:
    """``{promise.clause}``, ``{promise.section}``, ``{promise.id}`` for message templates."""
    if not promises:
        return {}
    return {
        "clause": " / ".join(p.clause for p in promises),
        "section": " / ".join(p.section or p.id for p in promises),
        "id": ", ".join(p.id for p in promises),
    }


def _reported_accounts(scope: Scope, provider: str) -> Callable[[str], bool]:
    """Which accounts' findings this run reports.

    AWS shards are split at collection (accounts of an organization, or regions of one account),
    so they report everything they hold. A GCP shard holds the whole scope, because its projects
    are judged through the organization and folders above them and through other projects (log
    sinks, Shared VPC hosts); it reports the findings of the accounts (projects, and the
    organization, folder or directory they hang from) whose hash its shard owns. Every finding
    depends on its account alone, so shards 1..N report each finding exactly once.
    """
    if scope.shard is None or provider != "gcp":
        return _every_account
    return Shard.from_label(scope.shard).owns


def _where_text(policy: Policy) -> str:
    where = policy.doc.where
    if not where:
        return "all"
    return ", ".join(f"{k}={v}" for k, v in where.items())


def _providers_in_scope(inventory: Inventory) -> set[str]:
    providers: set[str] = set(inventory.header.scope.providers)
    if providers:
        return providers
    providers.update(r.provider for r in inventory.resources)
    providers.update(c.provider for c in inventory.coverage)
    providers.update(g.provider for g in inventory.listing_gaps)
    return providers


def policy_applies(policy: Policy, params: Mapping[str, Any], promised: set[str]) -> bool:
    """Whether a policy runs under a profile: its safeguard is promised and its parameters set."""
    return why_not_run(policy, params, promised) is None


def why_not_run(
    policy: Policy, params: Mapping[str, Any], promised: set[str], profile_id: str = "the profile"
) -> str | None:
    """Why a policy does not run under a profile (None when it runs)."""
    doc = policy.doc
    if doc.safeguard not in promised:
        return f"safeguard {doc.safeguard!r} is not promised by profile {profile_id!r}"
    if doc.enabled_by and not params.get(doc.enabled_by):
        return f"it runs only when {profile_id!r} sets {doc.enabled_by} to true"
    unset = sorted(name for name in policy.params if params.get(name) is None)
    if unset:
        return f"{profile_id!r} promises {doc.safeguard!r} but sets no {', '.join(unset)}"
    return None


def _custom(policies: PolicySet, policy: Policy) -> bool:
    """A policy from the user's own directory rather than the shipped set."""
    from auditor.core.resources import policies_dir

    file = policies.files.get(policy.id)
    return file is not None and not file.resolve().is_relative_to(policies_dir().resolve())


def _coverage_gaps(
    promises: Sequence[Promise],
    judged: set[str],
    skipped: Sequence[tuple[Policy, str, bool]],
    by_type: Mapping[str, Sequence[Resource]],
) -> list[Finding]:
    """ERROR findings for resources that exist but were not judged, so that a promise none of
    whose policies found anything to judge is NOT_APPLICABLE only when nothing of those types
    exists in scope. Only for promises with no finding at all, and only for policies left out for
    a reason that leaves a gap (a parameter the promise needs but does not set, or a kind of scan
    that cannot judge them), not for policies the profile decided do not concern it."""
    out: list[Finding] = []
    for promise in promises:
        if judged & set(promise.safeguards):
            continue
        for policy, reason, leaves_gap in skipped:
            if not leaves_gap or policy.doc.safeguard not in promise.safeguards:
                continue
            places: dict[tuple[str, str], int] = defaultdict(int)
            for resource in by_type.get(policy.resource_type, ()):
                places[(resource.provider, resource.account)] += 1
            for (provider, account), count in sorted(places.items()):
                ref = ResourceRef(
                    provider=provider,
                    account=account,
                    region=None,
                    type=policy.resource_type,
                    id="*",
                )
                doc = policy.doc
                out.append(
                    Finding.model_construct(
                        policy_id=doc.id,
                        status="ERROR",
                        severity=doc.severity,
                        safeguard=doc.safeguard,
                        citations=list(doc.citations),
                        promises=[promise.id],
                        resource=ref,
                        message=(
                            f"Not assessed: {count} {policy.resource_type} exist in {account} "
                            f"but were not judged, because {doc.id} did not run: {reason}."
                        ),
                        evidence={"resources_not_judged": count},
                        gap=None,
                        gaps=[],
                        manual_evidence=None,
                        waiver=None,
                    )
                )
    return out


def apply_waivers(
    findings: list[Finding], waivers: Sequence[Waiver], now: datetime
) -> tuple[list[Finding], list[str]]:
    today = now.date()
    warnings: list[str] = []
    out: list[Finding] = []
    for finding in findings:
        if finding.status != "FAIL":
            out.append(finding)
            continue
        waiver = next(
            (
                w
                for w in waivers
                if w.matches(finding.policy_id, finding.resource.id, finding.resource.account)
            ),
            None,
        )
        if waiver is None:
            out.append(finding)
        elif waiver.expired_on(today):
            warnings.append(
                f"waiver {waiver.id} expired on {waiver.expires.isoformat()}; {finding.policy_id} on "
                f"{finding.resource.id} counts as FAIL again"
            )
            out.append(finding.model_copy(update={"waiver": waiver.ref(today)}))
        else:
            out.append(finding.model_copy(update={"status": "WAIVED", "waiver": waiver.ref(today)}))
    return out, warnings


@dataclass(frozen=True)
class _Group:
    """One policy's findings, finished: held (``findings``), or spilled as lines of text per
    policy id (``runs``, :func:`~auditor.core.findings_io.spill_runs`), with their counts and
    the warnings their waivers raised."""

    findings: list[Finding]
    runs: list[tuple[str, bytes]]
    tally: Tally
    warnings: list[str]


def _finished(
    judge: Callable[[], list[Finding]],
    *,
    waivers: Sequence[Waiver],
    attestations: AttestationSet | None,
    now: datetime,
    spilled: bool,
) -> _Group:
    """``judge``'s findings waived, attested (MANUAL findings an attestation answers) and
    sorted; as lines when ``spilled``. Every step is per finding, so a policy at a time gives
    what the whole would."""
    findings, warnings = apply_waivers(judge(), waivers, now)
    if attestations is not None:
        findings = apply_attestations(findings, attestations, now)
    findings.sort(key=Finding.sort_key)
    tally = Tally(findings)
    if spilled:
        return _Group([], spill_runs(findings), tally, warnings)
    return _Group(findings, [], tally, warnings)


def evaluate(
    inventory: Inventory,
    policies: PolicySet,
    profile: LoadedProfile,
    waivers: Sequence[Waiver] = (),
    *,
    now: datetime,
    started_at: datetime | None = None,
    inputs: Mapping[str, str] | None = None,
    waiver_warning_days: int = 30,
    params_override: Mapping[str, Any] | None = None,
    attestations: AttestationSet | None = None,
    not_run: Sequence[tuple[Policy, str]] = (),
    jobs: int = 1,
    spill: FindingsSpill | None = None,
) -> RunResult:
    """Judge ``inventory`` against ``policies`` under ``profile``; see the module docstring.

    ``not_run``: policies the caller left out of ``policies`` on purpose, with the reason (a
    Terraform scan leaves live-only policies to the live scan); they are listed in
    ``policies_not_run`` and, like a parameter the promise does not set, leave a coverage gap.

    ``jobs``: processes to judge on (:mod:`auditor.judge.parallel`; the same result as one).

    ``spill``: each policy's findings are written there as they are judged and the result
    streams them from the file it makes (:class:`~auditor.core.findings_io.FindingsSpill`), so
    they are never all held; the same findings, in the same order, as without it.
    """
    prof = profile.profile
    params = prof.parameters().resolved()
    if params_override:
        from auditor.core.params import Parameters

        merged = prof.parameters().model_dump(exclude_unset=True) | dict(params_override)
        params = Parameters.model_validate(merged).resolved()
    promised = prof.promised_safeguards()
    providers = _providers_in_scope(inventory)
    by_type = inventory.by_type()
    # a Terraform configuration is judged as read: what it does not declare is absent from it
    whole = inventory.header.source == "terraform"
    index = RelatedIndex(by_type, inventory.listing_gaps, inventory.coverage, whole=whole)
    env = Env(params, index)
    pctx = PredicateContext(params, by_type, inventory.listing_gaps, index=index)
    refs = _Refs()
    scope = inventory.header.scope
    work: list[tuple[Callable[[], list[Finding]], int]] = []
    ran: list[Policy] = []
    skipped: list[tuple[Policy, str, bool]] = [(p, reason, True) for p, reason in not_run]
    for policy in policies.policies:
        if policy.provider not in providers:
            skipped.append(
                (policy, f"provider {policy.provider} is not in the scan's scope", False)
            )
            continue
        reason = why_not_run(policy, params, promised, prof.id)
        if (
            reason is not None
            and policy.doc.safeguard not in promised
            and _custom(policies, policy)
        ):
            reason += " (a custom policy: name its safeguard in a promise of the profile to run it)"
        if reason is not None:
            leaves_gap = policy.doc.safeguard in promised and not (
                policy.doc.enabled_by and params.get(policy.doc.enabled_by) is False
            )
            skipped.append((policy, reason, leaves_gap))
            continue
        ran.append(policy)
        promises = [p for p in prof.promises if policy.doc.safeguard in p.safeguards]
        accounts = {"aws": scope.aws_accounts, "gcp": scope.gcp_projects}.get(
            policy.provider, [prof.id]
        )
        judge = _Judge(policy, env, pctx, promises, refs)
        targets = by_type.get(policy.resource_type, [])
        work.append(
            (
                partial(
                    judge.run,
                    targets,
                    inventory,
                    accounts,
                    _reported_accounts(scope, policy.provider),
                ),
                len(targets),
            )
        )
    tally = Tally()
    held: dict[int, list[Finding]] = {}
    waiver_warnings: dict[int, list[str]] = {}
    finish = partial(
        _finished, waivers=waivers, attestations=attestations, now=now, spilled=spill is not None
    )

    def take(index: int, group: _Group) -> None:
        tally.merge(group.tally)
        waiver_warnings[index] = group.warnings
        if spill is not None:
            spill.add_runs(index, group.runs)
        else:
            held[index] = group.findings

    with quiet_collector():
        # each policy's findings are finished where they were judged (on a worker: only lines
        # of text and counts come back, much cheaper to send than findings)
        for number, group in run_each([(partial(finish, judge), n) for judge, n in work], jobs):
            take(number, group)
        coverage = _coverage_gaps(prof.promises, tally.safeguards, skipped, by_type)
        take(len(work), finish(lambda: coverage))
        attested = attest([], prof, policies.catalog, scope, attestations, now)
        take(len(work) + 1, finish(lambda: attested.findings))  # the contract items
        warnings = [w for index in sorted(waiver_warnings) for w in waiver_warnings[index]]
        findings = [f for index in sorted(held) for f in held.pop(index)]
        findings.sort(key=Finding.sort_key)  # each group is sorted: this merges them
    horizon = now.date() + timedelta(days=waiver_warning_days)
    expiring = [
        w.ref(now.date())
        for w in sorted(waivers, key=lambda w: (w.expires, w.id))
        if now.date() <= w.expires <= horizon
    ]
    not_run_list = sorted(
        {p.id: PolicyNotRun(policy_id=p.id, reason=r) for p, r, _ in skipped}.values(),
        key=lambda n: n.policy_id,
    )
    catalog = policies.catalog
    cited = {c for p in ran for c in p.doc.citations} | {
        c for s in catalog.safeguards.values() for c in s.citations
    }
    all_inputs = {"policies": policies.sha256, "profile": profile.sha256, **(inputs or {})}
    result = RunResult(
        tool_version=__version__,
        profile=ProfileInfo(
            id=prof.id,
            title=prof.title,
            baa_name=prof.baa.name,
            baa_source=prof.baa.source,
            baa_dated=prof.baa.dated,
        ),
        started_at=started_at or now,
        finished_at=now,
        collected_at=inventory.header.collected_at,
        scope=scope,
        inputs=dict(sorted(all_inputs.items())),
        summary=tally.summary(),
        findings=findings,
        promises=promise_results(
            tally,
            prof,
            checked={p.doc.safeguard for p in policies.policies}
            | {p.doc.safeguard for p, _ in not_run},
            not_run=not_run_list,
            safeguard_of={p.id: p.doc.safeguard for p, _, _ in skipped},
        ),
        safeguards=safeguard_results(tally, prof, catalog),
        policies={p.id: p.info() for p in ran} | attested.policies,
        citations={
            key: CitationInfo(key=key, cfr=c.cfr, title=c.title, kind=c.kind)
            for key, c in sorted(catalog.citations.items())
            if key in cited
        },
        listing_gaps=sorted(
            inventory.listing_gaps,
            key=lambda g: (g.provider, g.account, g.region or "", g.resource_type),
        ),
        warnings=[*warnings, *attested.warnings],
        waivers_expiring=expiring,
        attestations=attested.records,
        policies_not_run=not_run_list,
    )
    return result.with_stream(spill.finish()) if spill is not None else result


__all__ = ["apply_waivers", "evaluate", "policy_applies", "render_message", "why_not_run"]
