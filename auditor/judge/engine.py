"""The engine: ``evaluate(inventory, policies, profile, waivers) -> RunResult``.

Pure and deterministic: it reads no clock (``now`` is passed in), no file and no network, and the
same inputs give the same result apart from the timestamps handed to it.

Per policy and resource the order of judgement is fixed:

1. a gap on any field the applicability (``where``) reads -> ERROR;
2. not applicable -> no finding for the resource;
3. a gap on any field the assertion or predicate reads -> ERROR;
4. otherwise PASS / FAIL (PASS becomes MANUAL for ``on_pass: MANUAL``; ``manual_only`` -> MANUAL).

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
from datetime import datetime, timedelta
from typing import Any

from pydantic_core import to_jsonable_python

from auditor import __version__
from auditor.core.inventory import Inventory, scrub
from auditor.core.model.base import Gap, ListingGap, Resource, ResourceRef
from auditor.core.result import (
    CitationInfo,
    Finding,
    ProfileInfo,
    RunResult,
    Status,
    summarize,
)
from auditor.core.scope import Scope
from auditor.core.shard import Shard
from auditor.judge.attestations import AttestationSet, attest
from auditor.judge.policy.conditions import condition_paths, evaluate_condition
from auditor.judge.policy.loader import PolicySet
from auditor.judge.policy.model import Policy
from auditor.judge.policy.paths import read
from auditor.judge.predicates.base import GapError, PredicateContext
from auditor.judge.profile import LoadedProfile
from auditor.judge.rollup import promise_results, safeguard_results
from auditor.judge.waivers import Waiver

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
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


def render_message(template: str, resource: Resource, params: Mapping[str, Any]) -> str:
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key.startswith("params."):
            return _show(params.get(key[len("params.") :]))
        if key in ("id", "name", "account", "region"):
            return _show(getattr(resource, key))
        return _show(read(resource, key))

    return _PLACEHOLDER.sub(substitute, template)


def _evidence(resource: Resource, paths: Sequence[str]) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    for path in paths:
        if resource.gap_for(path) is not None:
            evidence[path] = "<not read>"
        else:
            evidence[path] = scrub(to_jsonable_python(read(resource, path)))
    return evidence


def _first_gap(resource: Resource, paths: Sequence[str]) -> Gap | None:
    for path in paths:
        gap = resource.gap_for(path)
        if gap is not None:
            return gap
    return None


class _Judge:
    """Evaluates one policy over the inventory."""

    def __init__(
        self, policy: Policy, params: Mapping[str, Any], pctx: PredicateContext, promises: list[str]
    ) -> None:
        self.policy = policy
        self.params = params
        self.pctx = pctx
        self.promises = promises

    def finding(
        self,
        ref: ResourceRef,
        status: Status,
        message: str,
        evidence: dict[str, Any] | None = None,
        gap: Gap | ListingGap | None = None,
    ) -> Finding:
        doc = self.policy.doc
        # The engine builds findings from validated policies and resources: construct without
        # re-validating (the result is validated again when it is read back from JSON).
        return Finding.model_construct(
            policy_id=doc.id,
            status=status,
            severity=doc.severity,
            safeguard=doc.safeguard,
            citations=list(doc.citations),
            promises=list(self.promises),
            resource=ref,
            message=message,
            evidence=evidence or {},
            gap=gap,
            manual_evidence=doc.manual_evidence if status == "MANUAL" else None,
            waiver=None,
        )

    def gap_finding(self, resource: Resource, gap: Gap | ListingGap, what: str) -> Finding:
        message = (
            f"Not assessed: {what} could not be read ({gap.operation} returned {gap.error_code})."
            + (f" {gap.message}" if gap.message else "")
        )
        return self.finding(
            ResourceRef.of(resource), "ERROR", message, _evidence(resource, self.policy.reads), gap
        )

    def judge(self, resource: Resource) -> Finding | None:
        policy = self.policy
        doc = policy.doc
        if policy.where is not None:
            where_paths = condition_paths(policy.where)
            gap = _first_gap(resource, where_paths)
            if gap is not None:
                return self.gap_finding(resource, gap, "whether the policy applies")
            if not evaluate_condition(policy.where, resource, self.params):
                return None
        ref = ResourceRef.of(resource)
        if doc.manual_only:
            template = doc.message.manual or doc.message.fail
            return self.finding(
                ref,
                "MANUAL",
                render_message(template, resource, self.params),
                _evidence(resource, policy.reads),
            )
        gap = _first_gap(resource, policy.reads)
        if gap is not None:
            return self.gap_finding(resource, gap, ", ".join(f for f in gap.fields))
        evidence = _evidence(resource, policy.reads)
        if policy.predicate is not None:
            try:
                verdict = policy.predicate.fn(resource, self.pctx)
            except GapError as exc:
                return self.gap_finding(resource, exc.gap, exc.what or "a related resource")
            evidence.update({k: to_jsonable_python(v) for k, v in verdict.evidence.items()})
            status: Status = verdict.status
            message = verdict.message
            if status == "PASS" and doc.on_pass == "MANUAL":
                status = "MANUAL"
            return self.finding(ref, status, message, evidence)
        assert policy.assertion is not None
        holds = evaluate_condition(policy.assertion, resource, self.params)
        if holds:
            status = "MANUAL" if doc.on_pass == "MANUAL" else "PASS"
            if status == "MANUAL":
                template = doc.message.manual or doc.message.pass_ or doc.title
            else:
                template = doc.message.pass_ or f"{doc.title}: satisfied."
        else:
            status = "FAIL"
            template = doc.message.fail
        return self.finding(ref, status, render_message(template, resource, self.params), evidence)

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
        for resource in resources:
            place = (resource.account, resource.region)
            seen[place] += 1
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
    if policy.doc.safeguard not in promised:
        return False
    if policy.doc.enabled_by and not params.get(policy.doc.enabled_by):
        return False
    return all(params.get(name) is not None for name in policy.params)


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
) -> RunResult:
    """Judge ``inventory`` against ``policies`` under ``profile``; see the module docstring."""
    prof = profile.profile
    params = prof.parameters().resolved()
    if params_override:
        from auditor.core.params import Parameters

        merged = prof.parameters().model_dump(exclude_unset=True) | dict(params_override)
        params = Parameters.model_validate(merged).resolved()
    promised = prof.promised_safeguards()
    providers = _providers_in_scope(inventory)
    by_type = inventory.by_type()
    pctx = PredicateContext(params, by_type, inventory.listing_gaps)
    scope = inventory.header.scope
    findings: list[Finding] = []
    ran: list[Policy] = []
    for policy in policies.policies:
        if policy.provider not in providers or not policy_applies(policy, params, promised):
            continue
        ran.append(policy)
        promise_ids = [p.id for p in prof.promises if policy.doc.safeguard in p.safeguards]
        accounts = scope.aws_accounts if policy.provider == "aws" else scope.gcp_projects
        judge = _Judge(policy, params, pctx, promise_ids)
        reports = _reported_accounts(scope, policy.provider)
        findings.extend(
            judge.run(by_type.get(policy.resource_type, []), inventory, accounts, reports)
        )

    findings, warnings = apply_waivers(findings, waivers, now)
    attested = attest(findings, prof, policies.catalog, scope, attestations, now)
    findings = attested.findings
    findings.sort(key=Finding.sort_key)
    horizon = now.date() + timedelta(days=waiver_warning_days)
    expiring = [
        w.ref(now.date())
        for w in sorted(waivers, key=lambda w: (w.expires, w.id))
        if now.date() <= w.expires <= horizon
    ]
    catalog = policies.catalog
    cited = {c for p in ran for c in p.doc.citations} | {
        c for s in catalog.safeguards.values() for c in s.citations
    }
    all_inputs = {"policies": policies.sha256, "profile": profile.sha256, **(inputs or {})}
    return RunResult(
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
        summary=summarize(findings),
        findings=findings,
        promises=promise_results(findings, prof),
        safeguards=safeguard_results(findings, prof, catalog),
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
    )


__all__ = ["apply_waivers", "evaluate", "policy_applies", "render_message"]
