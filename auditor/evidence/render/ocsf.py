"""OCSF Compliance Finding events (class_uid 2003), for SIEMs and security lakes.

Built with ``py-ocsf-models`` so every event is checked against the OCSF models as it is made. One
event per finding; the output is a JSON array. The compliance status says what the check found
(PASS is Pass, FAIL Fail, ERROR and MANUAL Warning: "did not yield a result due to missing
information"); a WAIVED finding is a Fail whose finding status is Suppressed; ATTESTED (a signed
document answers it, nothing was read) is Other, never Pass. What OCSF has no attribute for
(promises, waiver, gap, manual evidence, attestation, and for a narrowed run the selection's
criteria with the number of checks it left out and the finding's promises it made partial) goes
under ``unmapped.baa_audit``. Events of findings waived by a wildcard waiver come first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from auditor.core.json_text import document_bytes
from auditor.core.result import Finding, RunResult, Severity, is_wildcard_waiver
from auditor.core.text import for_humans
from auditor.evidence.render.places import selection_criteria
from auditor.evidence.render.sarif import fingerprint
from auditor.evidence.render.streaming import Spool, in_order

if TYPE_CHECKING:
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

MEDIA_TYPE = "application/json"
EXTENSION = "ocsf.json"

_SEVERITY_ID: dict[Severity, int] = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}
_COMPLIANCE_STATUS = {
    "PASS": 1,
    "FAIL": 3,
    "WAIVED": 3,
    "ERROR": 2,
    "MANUAL": 2,
    "ATTESTED": 99,
    "NOT_APPLICABLE": 99,
}
_COMPLIANCE_CAPTION = {1: "Pass", 2: "Warning", 3: "Fail", 99: "Other"}


def _import_models() -> Any:
    try:
        import py_ocsf_models.events.findings.compliance_finding as module
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        from auditor.core.errors import BaaAuditError

        raise BaaAuditError(
            "the OCSF format needs py-ocsf-models: pip install 'baa-audit[reports]'"
        ) from exc
    return module


class _Parts:
    """The parts of an event that many findings share (the product; a policy's remediation; its
    compliance object, the same for every finding of a policy with one status and citations),
    each made, and so checked against the OCSF models, once per render instead of once per
    finding. Pydantic keeps a model given as a field as it is (it does not revalidate
    instances), so an event holds the very object; none is changed after it is made."""

    def __init__(self) -> None:
        self.product: Any = None
        self.remediation: dict[str, Any] = {}
        self.compliance: dict[tuple[Any, ...], Any] = {}


def _event(finding: Finding, result: RunResult, module: Any, parts: _Parts) -> ComplianceFinding:
    from py_ocsf_models.events.findings.activity_id import ActivityID
    from py_ocsf_models.events.findings.compliance_finding_type_id import (
        ComplianceFindingTypeID,
    )
    from py_ocsf_models.events.findings.severity_id import SeverityID
    from py_ocsf_models.events.findings.status_id import StatusID
    from py_ocsf_models.objects.check import Check
    from py_ocsf_models.objects.compliance import Compliance
    from py_ocsf_models.objects.compliance_status import StatusID as ComplianceStatusID
    from py_ocsf_models.objects.evidence_artifacts import EvidenceArtifacts
    from py_ocsf_models.objects.finding_info import FindingInformation
    from py_ocsf_models.objects.metadata import Metadata
    from py_ocsf_models.objects.product import Product
    from py_ocsf_models.objects.remediation import Remediation
    from py_ocsf_models.objects.resource_details import ResourceDetails

    res = finding.resource
    policy = result.policies.get(finding.policy_id)
    title = policy.title if policy else finding.policy_id
    uid = fingerprint(finding)
    when_ms = int(result.finished_at.timestamp() * 1000)
    severity_id = SeverityID(_SEVERITY_ID[finding.severity])
    compliance_status = ComplianceStatusID(_COMPLIANCE_STATUS[finding.status])
    if parts.product is None:
        parts.product = Product(
            name="baa-audit", vendor_name="baa-audit", version=result.tool_version
        )
    compliance_key = (
        finding.policy_id,
        title,
        finding.safeguard,
        finding.severity,
        int(compliance_status),
        tuple(finding.citations),
    )
    compliance = parts.compliance.get(compliance_key)
    if compliance is None:
        requirements = [
            f"HIPAA Security Rule 45 CFR {result.citations[c].cfr} {result.citations[c].title}"
            if c in result.citations
            else c
            for c in finding.citations
        ]
        compliance = parts.compliance[compliance_key] = Compliance(
            standards=["HIPAA Security Rule"],
            requirements=requirements,
            control=finding.policy_id,
            desc=title,
            category=finding.safeguard,
            status_id=compliance_status,
            checks=[
                Check(
                    uid=finding.policy_id,
                    name=title,
                    severity=finding.severity,
                    severity_id=severity_id,
                    standards=["HIPAA Security Rule"],
                    status=_COMPLIANCE_CAPTION[int(compliance_status)],
                    status_id=compliance_status,
                )
            ],
        )
    remediation = None
    if policy:
        remediation = parts.remediation.get(finding.policy_id)
        if remediation is None:
            remediation = parts.remediation[finding.policy_id] = Remediation(
                desc=policy.remediation.summary, references=policy.references or None
            )
    data: dict[str, object] = {"provider": res.provider, "account": res.account}
    if res.location is not None:
        data["location"] = res.location.model_dump(mode="json", exclude_none=True)
    extra: dict[str, Any] = {
        "status": finding.status,
        "promises": finding.promises,
        "profile": result.profile.id,
        "safeguard": finding.safeguard,
    }
    if finding.gap is not None:
        extra["gap"] = finding.gap.model_dump(mode="json")
    if finding.waiver is not None:
        extra["waiver"] = finding.waiver.model_dump(mode="json")
    if finding.manual_evidence:
        extra["manual_evidence"] = finding.manual_evidence
    if finding.attestation is not None:
        extra["attestation"] = finding.attestation.model_dump(mode="json")
    if result.selection is not None:
        extra["selection"] = _selection(result, finding)
    event = module.ComplianceFinding(
        activity_id=ActivityID.Create,
        activity_name="Create",
        class_name="Compliance Finding",
        type_uid=ComplianceFindingTypeID.Create,
        type_name="Compliance Finding: Create",
        time=when_ms,
        severity_id=severity_id,
        severity=severity_id.name,
        status_id=StatusID.Suppressed if finding.status == "WAIVED" else StatusID.New,
        status="Suppressed" if finding.status == "WAIVED" else "New",
        status_code=finding.status,
        status_detail=finding.message,
        message=finding.message,
        metadata=Metadata(
            product=parts.product,
            uid=uid,
            event_code=finding.policy_id,
            tenant_uid=res.account,
        ),
        finding_info=FindingInformation(
            uid=uid,
            title=title,
            desc=finding.message,
            types=[finding.safeguard],
            created_time=when_ms,
        ),
        compliance=compliance,
        resources=[
            ResourceDetails(
                uid=res.id,
                name=res.name,
                type=res.type,
                region=res.region,
                cloud_partition="aws" if res.provider == "aws" else None,
                data=data,
            )
        ],
        remediation=remediation,
        evidences=[EvidenceArtifacts(name="observed values", data=dict(finding.evidence))]
        if finding.evidence
        else None,
        unmapped={"baa_audit": extra},
    )
    return event


def _selection(result: RunResult, finding: Finding) -> dict[str, Any]:
    """What the run was narrowed to, on every event (OCSF has no document-level record): the
    criteria given, how many checks were left out (result.json lists them), and which of this
    finding's promises are partial for it."""
    sel = result.selection
    assert sel is not None
    partial = {p.id for p in result.promises if p.left_out}
    out: dict[str, Any] = dict(selection_criteria(sel))
    out["left_out_count"] = len(sel.left_out)
    out["partial_promises"] = [p for p in finding.promises if p in partial]
    return out


def render_events(result: RunResult) -> list[dict[str, Any]]:
    """The events as values (every one held: for small results; the renderers write
    :func:`chunks`)."""
    result = for_humans(result)  # control and bidi characters neutralised
    module = _import_models()
    parts = _Parts()
    wide: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    for finding in in_order(result):
        event = _event(finding, result, module, parts).model_dump(mode="json", exclude_none=True)
        leads = finding.waiver is not None and is_wildcard_waiver(finding.waiver)
        (wide if leads else rest).append(event)
    return wide + rest


#: an event's indentation in the array
_EVENT_INDENT = b"\n  "


def chunks(result: RunResult, _trend: Sequence[Any] = ()) -> Iterator[bytes]:
    """:func:`render`'s bytes in pieces, in one pass over the findings: each event's own
    document, indented to its depth; the events of findings waived by a wildcard waiver are
    written as they come (they lead), the others set aside in a spool and copied after them."""
    result = for_humans(result)  # control and bidi characters neutralised
    module = _import_models()
    parts = _Parts()
    leading = 0
    with Spool() as spool:
        for finding in in_order(result):
            event = _event(finding, result, module, parts).model_dump(
                mode="json", exclude_none=True
            )
            # json.dumps(event, indent=2, sort_keys=True, ensure_ascii=False), faster
            text = _EVENT_INDENT + document_bytes(event)[:-1].replace(b"\n", _EVENT_INDENT)
            if finding.waiver is not None and is_wildcard_waiver(finding.waiver):
                yield (b"," if leading else b"[") + text
                leading += 1
            else:
                spool.write(b"," + text)
        if not leading:
            if not spool.size:
                yield b"[]\n"
                return
            yield b"["
        first = True
        for piece in spool.read_back():
            # the first event set aside has no comma before it when none led
            yield piece[1:] if first and not leading else piece
            first = False
        yield b"\n]\n"


def render(result: RunResult) -> bytes:
    return b"".join(chunks(result))


__all__ = ["EXTENSION", "MEDIA_TYPE", "chunks", "render", "render_events"]
