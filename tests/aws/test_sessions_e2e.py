"""End to end: session limits (AWS-IAM-005, AWS-COG-002, AWS-COG-003, AWS-SSO-001).

``baa-audit scan --provider aws`` over HTTP against moto's server mode behind the fault proxy and
the recorded-answers proxy (tests/aws/identity_scan.py). Roles, Cognito app clients and Identity
Center permission sets are moto's own answers. Operations answered from recorded real-shape
responses (:mod:`baa_audit_sample.aws.recorded`) in these scans: ``iam:GetCredentialReport`` (root row
added), ``iam:GetAccountSummary`` (AccountMFAEnabled set), ``logs:GetDataProtectionPolicy``,
``logs:DescribeAccountPolicies``, ``organizations:DescribeEffectivePolicy``,
``config:DescribeConfigurationRecorderStatus``, ``config:GetDiscoveredResourceCounts``,
``artifact:ListCustomerAgreements``.
"""

from __future__ import annotations

import pytest
from baa_audit_sample.aws.seed_identity import seed_identity

from .identity_scan import run_scan

pytestmark = pytest.mark.e2e

E, W = "us-east-1", "us-west-2"
SESSION_POLICIES = ("AWS-IAM-005", "AWS-COG-002", "AWS-COG-003", "AWS-SSO-001")


def test_session_findings_are_exact(aws) -> None:
    scan = run_scan(aws.endpoint, seed_identity(aws.endpoint))
    assert scan.statuses(SESSION_POLICIES) == {
        ("AWS-IAM-005", None, "admin-crossaccount"): "FAIL",
        ("AWS-IAM-005", None, "clinician-saml"): "PASS",
        ("AWS-IAM-005", None, "lambda-exec"): "NOT_APPLICABLE",
        ("AWS-COG-002", E, "web"): "PASS",
        ("AWS-COG-002", E, "kiosk"): "PASS",
        ("AWS-COG-002", E, "legacy"): "FAIL",
        ("AWS-COG-002", W, "*"): "NOT_APPLICABLE",
        ("AWS-COG-003", E, "web"): "MANUAL",
        ("AWS-COG-003", E, "kiosk"): "PASS",
        ("AWS-COG-003", E, "legacy"): "FAIL",
        ("AWS-COG-003", W, "*"): "NOT_APPLICABLE",
        ("AWS-SSO-001", E, "Clinician"): "PASS",
        ("AWS-SSO-001", E, "Admin"): "FAIL",
        ("AWS-SSO-001", W, "*"): "NOT_APPLICABLE",
    }
    legacy = scan.finding("AWS-COG-002", "legacy")
    assert (
        legacy["evidence"]["refresh_token_validity_seconds"] == 30 * 86400
    )  # days, the default unit
    web = scan.finding("AWS-COG-003", "web")
    assert web["manual_evidence"] and "idle" in web["manual_evidence"]
    assert "ClientSecret" not in str(scan.findings)


def test_baseline_profile_promises_no_session_limits(aws) -> None:
    scan = run_scan(
        aws.endpoint, seed_identity(aws.endpoint), regions=[E], profile="hipaa-baseline"
    )
    assert scan.statuses(SESSION_POLICIES) == {}


def test_denied_and_failing_reads_are_errors(aws) -> None:
    recordings = seed_identity(aws.endpoint)

    def faults(proxy) -> None:
        proxy.fail("sso-admin:DescribePermissionSet", "AccessDeniedException")
        proxy.fail("cognito-idp:DescribeUserPoolClient", "InternalErrorException", status=500)
        proxy.fail("iam:ListRoles", "Throttling")

    scan = run_scan(aws.endpoint, recordings, regions=[E], faults=faults)
    got = scan.statuses(SESSION_POLICIES)
    assert got[("AWS-IAM-005", None, "*")] == "ERROR"
    for policy in ("AWS-COG-002", "AWS-COG-003", "AWS-SSO-001"):
        statuses = {v for k, v in got.items() if k[0] == policy}
        assert statuses == {"ERROR"}, (policy, got)
    assert "PASS" not in got.values()
    assert scan.of("AWS-IAM-003")  # the rest of the scan completed
