"""End to end: AI training and BAA-covered services (AWS-ORG-001, AWS-BR-001, AWS-BR-003,
AWS-SVC-001).

``baa-audit scan --provider aws`` over HTTP against moto's server mode behind the fault proxy and
the recorded-answers proxy (tests/aws/identity_scan.py). Bedrock logging configurations, buckets,
log groups and the Tagging API's ARNs are moto's own answers. Operations answered from recorded
real-shape responses (:mod:`baa_audit_sample.aws.recorded`) because moto 5.2.5 lacks them:

* ``organizations:DescribeEffectivePolicy`` (HTTP 500 in moto) - the effective AI services
  opt-out policy, or its ``EffectivePolicyNotFoundException`` /
  ``AWSOrganizationsNotInUseException`` error in the JSON 1.1 error shape;
* ``artifact:ListCustomerAgreements`` (no Artifact API in moto) - the accepted BAA;
* ``config:DescribeConfigurationRecorderStatus`` and ``config:GetDiscoveredResourceCounts``
  (the latter HTTP 500 in moto) - AWS Config's resource types in use;
* for the rest of the scan: ``iam:GetCredentialReport``, ``iam:GetAccountSummary``,
  ``logs:GetDataProtectionPolicy``, ``logs:DescribeAccountPolicies``.
"""

from __future__ import annotations

import pytest
from baa_audit_sample.aws.seed_identity import ACCOUNT, seed_identity

from .identity_scan import run_scan

pytestmark = pytest.mark.e2e

E, W = "us-east-1", "us-west-2"
AI = ("AWS-ORG-001", "AWS-BR-001", "AWS-BR-003", "AWS-SVC-001")
OPT_OUT = "AISERVICES_OPT_OUT_POLICY"


def test_ai_and_covered_services_findings_are_exact(aws) -> None:
    scan = run_scan(aws.endpoint, seed_identity(aws.endpoint))
    assert scan.statuses(AI) == {
        ("AWS-ORG-001", None, OPT_OUT): "PASS",
        ("AWS-BR-001", E, "model-invocation-logging"): "PASS",
        ("AWS-BR-001", W, "model-invocation-logging"): "FAIL",
        ("AWS-BR-003", None, ACCOUNT): "PASS",
        ("AWS-SVC-001", None, "elasticfilesystem"): "PASS",
        ("AWS-SVC-001", None, "lightsail"): "FAIL",
        ("AWS-SVC-001", None, "logs"): "PASS",
        ("AWS-SVC-001", None, "s3"): "PASS",
        ("AWS-SVC-001", None, "sagemaker"): "MANUAL",
    }
    assert {
        "organizations:DescribeEffectivePolicy",
        "artifact:ListCustomerAgreements",
        "config:GetDiscoveredResourceCounts",
    } <= set(scan.answered)
    sagemaker = scan.finding("AWS-SVC-001", "sagemaker")
    assert "current HIPAA Eligible Services Reference" in sagemaker["manual_evidence"]
    assert sagemaker["evidence"]["caveats"]


def test_opted_in_service_and_no_baa(aws) -> None:
    recordings = seed_identity(aws.endpoint)
    recordings.effective_policies[ACCOUNT] = {
        "services": {
            "default": {"opt_out_policy": "optOut"},
            "rekognition": {"opt_out_policy": "optIn"},
        }
    }
    recordings.customer_agreements = {}
    scan = run_scan(aws.endpoint, recordings, regions=[E])
    assert scan.of("AWS-ORG-001") == {("AWS-ORG-001", None, OPT_OUT): "FAIL"}
    assert scan.of("AWS-BR-003") == {("AWS-BR-003", None, ACCOUNT): "FAIL"}
    assert scan.finding("AWS-ORG-001", OPT_OUT)["evidence"]["opted_in_services"] == ["rekognition"]


def test_outside_an_organization_nothing_opts_out(aws) -> None:
    recordings = seed_identity(aws.endpoint)
    recordings.effective_policies[ACCOUNT] = "AWSOrganizationsNotInUseException"
    scan = run_scan(aws.endpoint, recordings, regions=[E])
    assert scan.of("AWS-ORG-001") == {("AWS-ORG-001", None, OPT_OUT): "FAIL"}
    assert "in an organization: false" in scan.finding("AWS-ORG-001", OPT_OUT)["message"]


def test_denied_reads_are_errors_never_passes(aws) -> None:
    recordings = seed_identity(aws.endpoint)

    def faults(proxy) -> None:
        proxy.fail("organizations:DescribeEffectivePolicy", "AccessDeniedException")
        proxy.fail("bedrock:GetModelInvocationLoggingConfiguration", "AccessDeniedException")
        proxy.fail("config:GetDiscoveredResourceCounts", "ThrottlingException")

    scan = run_scan(aws.endpoint, recordings, regions=[E], faults=faults)
    got = scan.statuses(AI)
    assert got[("AWS-ORG-001", None, OPT_OUT)] == "ERROR"
    assert got[("AWS-BR-003", None, ACCOUNT)] == "ERROR"
    assert got[("AWS-BR-001", E, "model-invocation-logging")] == "ERROR"
    assert got[("AWS-SVC-001", E, "*")] == "ERROR"  # the Config listing in us-east-1 failed
    assert scan.of("AWS-IAM-003")  # the rest of the scan completed
