"""End to end: audit logging and sanitized-log configuration (AWS-CT-001..004, AWS-LOGS-001,
AWS-BR-002).

``baa-audit scan --provider aws`` over HTTP against moto's server mode behind the fault proxy and
the recorded-answers proxy (tests/aws/identity_scan.py). Trails, event selectors, trail status,
log groups and Bedrock logging configurations are moto's own answers. Operations answered from
recorded real-shape responses (:mod:`baa_audit_sample.aws.recorded`), since moto 5.2.5 answers HTTP 500
for them: ``logs:GetDataProtectionPolicy`` and ``logs:DescribeAccountPolicies`` (the data
protection policies judged by AWS-LOGS-001); also, for the rest of the scan,
``iam:GetCredentialReport``, ``iam:GetAccountSummary``, ``organizations:DescribeEffectivePolicy``,
``config:DescribeConfigurationRecorderStatus``, ``config:GetDiscoveredResourceCounts`` and
``artifact:ListCustomerAgreements``.
"""

from __future__ import annotations

import pytest
from baa_audit_sample.aws.seed_identity import seed_identity

from .identity_scan import run_scan

pytestmark = pytest.mark.e2e

E, W, EU = "us-east-1", "us-west-2", "eu-west-1"
ACCOUNT = "123456789012"
LOGGING = ("AWS-CT-001", "AWS-CT-002", "AWS-CT-003", "AWS-CT-004", "AWS-LOGS-001", "AWS-BR-002")


def _without_bucket_places(statuses: dict) -> dict:
    """S3 buckets carry their region while the bucket listing is global: the engine adds a
    place-level NOT_APPLICABLE for the listing's own place, which is not this module's concern."""
    return {k: v for k, v in statuses.items() if not (k[0] == "AWS-CT-003" and k[2] == "*")}


def test_logging_findings_are_exact(aws) -> None:
    scan = run_scan(aws.endpoint, seed_identity(aws.endpoint), regions=[E, W, EU])
    assert _without_bucket_places(scan.statuses(LOGGING)) == {
        ("AWS-CT-001", None, ACCOUNT): "PASS",
        ("AWS-CT-002", None, ACCOUNT): "PASS",
        ("AWS-CT-003", E, "phi-records"): "PASS",
        ("AWS-CT-003", E, "phi-images"): "FAIL",
        ("AWS-CT-003", E, "phi-ai-logs"): "FAIL",
        ("AWS-CT-003", E, "web-assets"): "NOT_APPLICABLE",
        ("AWS-CT-003", E, "ml-scratch"): "NOT_APPLICABLE",
        ("AWS-CT-003", E, "audit-trail-logs"): "NOT_APPLICABLE",
        ("AWS-CT-004", E, "org-audit"): "PASS",
        ("AWS-CT-004", E, "dev-trail"): "FAIL",
        ("AWS-CT-004", W, "*"): "NOT_APPLICABLE",
        ("AWS-CT-004", EU, "*"): "NOT_APPLICABLE",
        ("AWS-LOGS-001", E, "/app/api"): "PASS",
        ("AWS-LOGS-001", E, "/app/web"): "FAIL",
        ("AWS-LOGS-001", E, "/app/bedrock"): "FAIL",
        # every log group is in scope unless the profile names prefixes (strict names none):
        # the trail's own groups mask nothing either
        ("AWS-LOGS-001", E, "/aws/cloudtrail/org-audit"): "FAIL",
        ("AWS-LOGS-001", E, "dev-trail-logs"): "FAIL",
        ("AWS-LOGS-001", W, "*"): "NOT_APPLICABLE",
        ("AWS-LOGS-001", EU, "*"): "NOT_APPLICABLE",
        ("AWS-BR-002", E, "model-invocation-logging"): "PASS",
        ("AWS-BR-002", W, "model-invocation-logging"): "PASS",
        ("AWS-BR-002", EU, "model-invocation-logging"): "FAIL",
    }
    web = scan.finding("AWS-LOGS-001", "/app/web")
    assert web["evidence"]["masked_by"] == {
        "account policy mask-contact-data": ["EmailAddress", "Ssn-US"]
    }
    assert {"logs:GetDataProtectionPolicy", "logs:DescribeAccountPolicies"} <= set(scan.answered)


def test_a_trail_that_stopped_logging_fails_the_account(aws) -> None:
    recordings = seed_identity(aws.endpoint)
    aws.client("cloudtrail").stop_logging(Name="org-audit")
    scan = run_scan(aws.endpoint, recordings, regions=[E])
    assert scan.of("AWS-CT-001") == {("AWS-CT-001", None, ACCOUNT): "FAIL"}
    assert scan.of("AWS-CT-002") == {("AWS-CT-002", None, ACCOUNT): "FAIL"}
    assert "not logging" in scan.finding("AWS-CT-001", ACCOUNT)["message"]
    # data events of a trail that does not log cover nothing
    assert scan.of("AWS-CT-003")[("AWS-CT-003", E, "phi-records")] == "FAIL"


def test_denied_throttled_and_slow_calls_are_errors(aws) -> None:
    recordings = seed_identity(aws.endpoint)

    def faults(proxy) -> None:
        proxy.fail("cloudtrail:GetEventSelectors", "InternalFailure", status=500)
        proxy.fail("logs:GetDataProtectionPolicy", "AccessDeniedException")
        proxy.fail("logs:DescribeAccountPolicies", "ThrottlingException")
        proxy.delay("bedrock:GetModelInvocationLoggingConfiguration", 6.0)

    scan = run_scan(
        aws.endpoint,
        recordings,
        regions=[E],
        faults=faults,
        env={"BAA_AUDIT_AWS_READ_TIMEOUT": "4"},
    )
    got = scan.statuses(LOGGING)
    assert got[("AWS-CT-001", None, ACCOUNT)] == "PASS"  # status and settings were read
    assert got[("AWS-CT-002", None, ACCOUNT)] == "ERROR"  # selectors were not
    assert got[("AWS-CT-003", E, "phi-records")] == "ERROR"
    assert got[("AWS-CT-004", E, "org-audit")] == "PASS"  # retention needs no selectors
    for name in ("/app/api", "/app/web", "/app/bedrock"):
        assert got[("AWS-LOGS-001", E, name)] == "ERROR"
    assert got[("AWS-BR-002", E, "model-invocation-logging")] == "ERROR"
    timeout = scan.finding("AWS-BR-002", "model-invocation-logging")
    assert timeout["gap"]["error_code"] == "Timeout"


def test_trail_listing_denied_is_an_error_for_the_account(aws) -> None:
    recordings = seed_identity(aws.endpoint)
    scan = run_scan(
        aws.endpoint,
        recordings,
        regions=[E],
        faults=lambda proxy: proxy.fail("cloudtrail:DescribeTrails", "AccessDeniedException"),
    )
    got = scan.statuses(("AWS-CT-001", "AWS-CT-002", "AWS-CT-004"))
    assert got == {
        ("AWS-CT-001", None, ACCOUNT): "ERROR",
        ("AWS-CT-002", None, ACCOUNT): "ERROR",
        ("AWS-CT-004", E, "*"): "ERROR",
    }
