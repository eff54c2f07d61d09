"""Encryption in transit, end to end: moto's server over HTTP, ``baa-audit scan --provider aws``,
the real engine, exact findings, under the strict (TLS 1.3) and baseline (TLS 1.2) promises.

Recorded answers (served by :mod:`tests.aws.faultproxy` in front of moto) stand in where moto
drops fields: ``apigateway:GetRestApis`` with ``securityPolicy`` and ``endpointAccessMode`` (moto
keeps neither on a REST API).
"""

from __future__ import annotations

import json

import pytest
from baa_audit_sample.aws.seed_encryption import EXPECTED

from .conftest import AwsEmulator, ScanRun, judge, only, run_cli

IN_TRANSIT = (
    "AWS-S3-004",
    "AWS-S3-005",
    "AWS-RDS-010",
    "AWS-RDS-011",
    "AWS-ELB-001",
    "AWS-ELB-002",
    "AWS-ELB-003",
    "AWS-CLB-001",
    "AWS-CF-001",
    "AWS-CF-002",
    "AWS-CF-003",
    "AWS-APIGW-001",
    "AWS-APIGW-002",
    "AWS-APIGW-003",
    "AWS-APIGW-004",
    "AWS-APIGW-005",
)

pytestmark = pytest.mark.e2e


def test_in_transit_findings_are_exact(encryption_scan: ScanRun) -> None:
    expected = {f for f in EXPECTED if f[0] in IN_TRANSIT}
    assert encryption_scan.findings(IN_TRANSIT) == expected


def test_no_platform_limited_hop_is_ever_pass(encryption_scan: ScanRun) -> None:
    for pid in ("AWS-ELB-003", "AWS-CF-003", "AWS-APIGW-005"):
        statuses = {s for p, _, s in encryption_scan.findings((pid,))}
        assert "MANUAL" in statuses and "PASS" not in statuses, pid
    manual = [
        f
        for f in encryption_scan.result["findings"]
        if f["status"] == "MANUAL" and f["policy_id"] == "AWS-CF-003"
    ]
    assert "Strictest setting seen" in manual[0]["message"] and manual[0]["manual_evidence"]


def test_baseline_promise_on_the_same_snapshot(encryption_scan: ScanRun, tmp_path) -> None:
    snapshot = encryption_scan.out / "snapshot.jsonl"
    out = tmp_path / "baseline"
    code, output = run_cli(
        ["evaluate", str(snapshot), "--profile", "hipaa-baseline", "--out", str(out), "--quiet"]
    )
    assert code == 1, output
    run = ScanRun(code, output, json.loads((out / "result.json").read_text()), out, [])
    found = run.findings(IN_TRANSIT)
    # what a TLS 1.2 floor changes: policies that allow 1.2 and 1.3 now pass
    assert {
        ("AWS-ELB-001", "phi-alb:8443", "PASS"),
        ("AWS-S3-005", "tls12-reports", "PASS"),
        ("AWS-CLB-001", "legacy-clb", "PASS"),
        ("AWS-APIGW-002", "api.example.com", "PASS"),
        ("AWS-APIGW-003", "ws.example.com", "PASS"),
        ("AWS-APIGW-004", "events-http", "MANUAL"),
        ("AWS-RDS-010", "patients-pg", "PASS"),
        ("AWS-ELB-002", "phi-alb:8080", "FAIL"),
        ("AWS-CF-002", "marketing.example.com", "FAIL"),
        ("AWS-ELB-003", "phi-alb:443", "MANUAL"),
    } <= found
    assert not any(
        f[2] == "PASS" for f in found if f[0] in ("AWS-ELB-003", "AWS-CF-003", "AWS-APIGW-005")
    )


def test_rest_api_security_policy_from_a_recorded_answer(aws: AwsEmulator, fault_proxy) -> None:
    apigw = aws.client("apigateway")
    strict = apigw.create_rest_api(
        name="strict-api", endpointConfiguration={"types": ["REGIONAL"]}
    )["id"]
    basic = apigw.create_rest_api(name="basic-api", endpointConfiguration={"types": ["REGIONAL"]})[
        "id"
    ]
    recorded = {
        "item": [
            {
                "id": strict,
                "name": "strict-api",
                "endpointConfiguration": {"types": ["REGIONAL"], "ipAddressType": "ipv4"},
                "disableExecuteApiEndpoint": False,
                "securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09",
                "endpointAccessMode": "STRICT",
                "apiStatus": "AVAILABLE",
            },
            {
                "id": basic,
                "name": "basic-api",
                "endpointConfiguration": {"types": ["REGIONAL"], "ipAddressType": "ipv4"},
                "disableExecuteApiEndpoint": False,
                "securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09",
                "endpointAccessMode": "BASIC",
                "apiStatus": "AVAILABLE",
            },
        ]
    }
    fault_proxy.respond("apigateway:GetRestApis", json.dumps(recorded))
    inventory = aws.collect()
    assert only(judge(inventory), "AWS-APIGW-001") == {
        ("AWS-APIGW-001", "strict-api", "PASS"),
        ("AWS-APIGW-001", "basic-api", "FAIL"),
    }


def test_unresolvable_tls_policy_is_an_error_not_a_guess_from_the_name(
    aws: AwsEmulator, fault_proxy
) -> None:
    from baa_audit_sample.aws.seed_encryption import seed_load_balancers

    seed_load_balancers(
        aws.client("ec2"), aws.client("elbv2"), aws.client("elb"), aws.client("acm")
    )
    fault_proxy.fail("elbv2:DescribeSSLPolicies", "AccessDenied")
    inventory = aws.collect()
    found = judge(inventory)
    assert only(found, "AWS-ELB-001") == {
        ("AWS-ELB-001", "phi-alb:443", "ERROR"),
        ("AWS-ELB-001", "phi-alb:8443", "ERROR"),
    }
    # the rest of the listener's checks still run
    assert ("AWS-ELB-002", "phi-alb:8080", "FAIL") in found
    assert ("AWS-ELB-003", "phi-alb:443", "MANUAL") in found
