"""What a profile needs attested: every MANUAL item a run under it can produce.

Two kinds: the contractual promises (``manual_evidence`` on the promise; one item per vendor when
the promise names subprocessors) and the policies that run under the profile and can yield MANUAL
(they say what evidence to attach in ``manual_evidence``). ``baa-audit attest template`` writes a
skeleton entry for each; ``baa-audit attest validate --profile`` warns about each one left
unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from auditor.judge.attestations import contract_policy_id, promise_vendors
from auditor.judge.engine import policy_applies
from auditor.judge.policy.loader import PolicySet
from auditor.judge.profile import Profile

_PARAM = re.compile(r"\{params\.([a-z0-9_]+)\}")


@dataclass(frozen=True)
class ClauseRef:
    """A promise an item answers, as the BAA words it."""

    promise: str
    section: str | None
    clause: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Need:
    """One attestation a profile needs."""

    kind: Literal["promise", "vendor", "policy"]
    suggested_id: str
    target: str  # the promise id or policy id the entry names
    title: str
    attach: str
    clauses: tuple[ClauseRef, ...]
    vendor: str | None = None
    provider: str | None = None  # aws or gcp for a policy; None for contractual items

    @property
    def key(self) -> str:
        """The entry's key naming what it answers: ``promise`` or ``policy``."""
        return "policy" if self.kind == "policy" else "promise"


def _fill(text: str, params: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        got = params.get(match.group(1))
        if isinstance(got, list):
            return ", ".join(str(v) for v in got)
        return str(got) if got is not None else match.group(0)

    return _PARAM.sub(value, text)


def _clause(promise: Any) -> ClauseRef:
    return ClauseRef(
        promise=promise.id,
        section=promise.section,
        clause=promise.clause,
        parameters=promise.parameters.model_dump(mode="json", exclude_unset=True),
    )


def attestation_needs(profile: Profile, policies: PolicySet) -> list[Need]:
    """Every attestation ``profile`` needs, contractual promises first, then policies by id."""
    needs: list[Need] = []
    for promise in profile.promises:
        if promise.manual_evidence is None:
            continue
        base = f"ATT-{promise.id.upper()}"
        vendors = promise_vendors(promise)
        for vendor, role in vendors:
            needs.append(
                Need(
                    kind="vendor",
                    suggested_id=f"{base}-{re.sub(r'[^A-Za-z0-9]+', '-', vendor).upper().strip('-')}",
                    target=promise.id,
                    title=f"Vendor {vendor}: the BAA says it {role}",
                    attach=promise.manual_evidence,
                    clauses=(_clause(promise),),
                    vendor=vendor,
                )
            )
        if not vendors:
            needs.append(
                Need(
                    kind="promise",
                    suggested_id=base,
                    target=promise.id,
                    title=f"Contractual promise {promise.id} ({contract_policy_id(promise.id)})",
                    attach=promise.manual_evidence,
                    clauses=(_clause(promise),),
                )
            )
    params = profile.parameters().resolved()
    promised = profile.promised_safeguards()
    for policy in sorted(policies.policies, key=lambda p: p.id):
        doc = policy.doc
        if doc.manual_evidence is None or not policy_applies(policy, params, promised):
            continue
        clauses = tuple(_clause(p) for p in profile.promises if doc.safeguard in p.safeguards)
        needs.append(
            Need(
                kind="policy",
                suggested_id=f"ATT-{policy.id}",
                target=policy.id,
                title=doc.title,
                attach=_fill(doc.manual_evidence, params).strip(),
                clauses=clauses,
                provider=policy.provider,
            )
        )
    return needs


__all__ = ["ClauseRef", "Need", "attestation_needs"]
