"""End to end: MFA and access policies (AWS-IAM-001..004, AWS-COG-001) from a seeded moto account.

``baa-audit scan --provider aws`` runs over HTTP against moto's server mode behind two proxies
(see tests/aws/identity_scan.py). Operations answered from recorded real-shape responses by
:mod:`baa_audit_sample.aws.recorded`, because moto lacks them or answers unrealistically:

* ``iam:GetCredentialReport`` - moto's CSV has no ``<root_account>`` row; the proxy adds it.
* ``iam:GetAccountSummary`` - moto hard-codes ``AccountMFAEnabled`` (and root keys) to 0; the proxy
  sets them from the recorded root user.
* ``logs:GetDataProtectionPolicy``, ``logs:DescribeAccountPolicies``,
  ``organizations:DescribeEffectivePolicy``, ``config:DescribeConfigurationRecorderStatus``,
  ``config:GetDiscoveredResourceCounts``, ``artifact:ListCustomerAgreements`` - not implemented
  by moto (HTTP 500 / no API); answered whole.

Everything else is moto's own answer. Denials come from tests/aws/faultproxy.py.
"""

from __future__ import annotations

import pytest
from baa_audit_sample.aws.recorded import RootState
from baa_audit_sample.aws.seed_identity import seed_identity

from .identity_scan import run_scan

pytestmark = pytest.mark.e2e

E, W = "us-east-1", "us-west-2"
ROOT = "arn:aws:iam::123456789012:root"


def test_mfa_and_access_findings_are_exact(aws) -> None:
    scan = run_scan(aws.endpoint, seed_identity(aws.endpoint))
    got = scan.statuses(("AWS-IAM-001", "AWS-IAM-002", "AWS-IAM-003", "AWS-IAM-004", "AWS-COG-001"))
    assert got == {
        ("AWS-IAM-001", None, "root"): "FAIL",
        ("AWS-IAM-002", None, "root"): "FAIL",
        ("AWS-IAM-003", None, "alice-nomfa"): "FAIL",
        ("AWS-IAM-003", None, "bob-mfa"): "PASS",
        ("AWS-IAM-004", None, "alice-nomfa"): "FAIL",
        ("AWS-IAM-004", None, "bob-mfa"): "PASS",
        ("AWS-IAM-004", None, "ci-bot"): "FAIL",
        ("AWS-COG-001", E, "patients"): "PASS",
        ("AWS-COG-001", E, "staff"): "FAIL",
        ("AWS-COG-001", W, "*"): "NOT_APPLICABLE",
    }
    assert scan.exit_code == 1  # failures present
    assert {"iam:GetCredentialReport", "iam:GetAccountSummary"} <= set(scan.answered)
    root = scan.finding("AWS-IAM-002", "root")
    assert root["evidence"]["access_key_1_active"] is True


def test_compliant_root_passes(aws) -> None:
    recordings = seed_identity(aws.endpoint)
    recordings.root = RootState(mfa_active=True, access_key_1_active=False)
    scan = run_scan(aws.endpoint, recordings, regions=[E])
    assert scan.of("AWS-IAM-001") == {("AWS-IAM-001", None, "root"): "PASS"}
    assert scan.of("AWS-IAM-002") == {("AWS-IAM-002", None, "root"): "PASS"}


def test_without_the_root_row_root_checks_are_errors_not_passes(aws) -> None:
    """Against moto's own credential report (no <root_account> row) nothing about root passes."""
    recordings = seed_identity(aws.endpoint)
    recordings.root = None  # the proxy leaves moto's answers alone
    scan = run_scan(aws.endpoint, recordings, regions=[E])
    # moto's account summary says AccountMFAEnabled=0: that fact alone breaks the promise, so the
    # root MFA check FAILs (three-valued), naming the credential report row it could not read
    assert scan.of("AWS-IAM-001") == {("AWS-IAM-001", None, "root"): "FAIL"}
    assert scan.of("AWS-IAM-002") == {("AWS-IAM-002", None, "root"): "ERROR"}
    assert "RootRowMissing" in scan.finding("AWS-IAM-001", "root")["message"]
    assert "RootRowMissing" in scan.finding("AWS-IAM-002", "root")["message"]


def test_denied_reads_are_errors_and_the_scan_goes_on(aws) -> None:
    recordings = seed_identity(aws.endpoint)

    def faults(proxy) -> None:
        proxy.fail("iam:GenerateCredentialReport", "AccessDenied")
        proxy.fail("iam:GetAccountAuthorizationDetails", "AccessDenied")
        proxy.fail("cognito-idp:DescribeUserPool", "ThrottlingException")  # past the retries

    scan = run_scan(aws.endpoint, recordings, regions=[E], faults=faults)
    got = scan.statuses(("AWS-IAM-001", "AWS-IAM-002", "AWS-IAM-003", "AWS-IAM-004", "AWS-COG-001"))
    # the account summary was read and says AccountMFAEnabled=0: FAIL beside the denied report
    assert got[("AWS-IAM-001", None, "root")] == "FAIL"
    assert "iam:GenerateCredentialReport" in scan.finding("AWS-IAM-001", "root")["message"]
    # AccountAccessKeysPresent=1 in the summary that was read: FAIL, the report keys unread
    assert got[("AWS-IAM-002", None, "root")] == "FAIL"
    assert "key 1 active=<not read>" in scan.finding("AWS-IAM-002", "root")["message"]
    assert got[("AWS-IAM-003", None, "*")] == "ERROR"  # the user listing failed
    assert got[("AWS-IAM-004", None, "*")] == "ERROR"
    assert {v for k, v in got.items() if k[0] == "AWS-COG-001"} == {"ERROR"}
    assert "PASS" not in got.values()
    # the rest of the scan completed: sessions were still judged
    assert scan.of("AWS-SSO-001")
    assert "PASS" in scan.of("AWS-IAM-005").values()
