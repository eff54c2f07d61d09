"""Faults a real account produces and moto never does, injected by :mod:`tests.aws.faultproxy`:
AccessDenied on each listing and on each attribute read, throttling beyond the retries, HTTP 500,
a read timeout. None may yield PASS for what it left unread, none may crash the scan, and the
rest of the scan completes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from baa_audit_sample.aws.seed_encryption import seed_encryption

from auditor.collect.aws import run, services
from auditor.core.inventory import Inventory
from auditor.judge.policy.loader import load_default_policies

from .conftest import AwsEmulator, _test_env, judge, reset_moto
from .faultproxy import FaultProxy

pytestmark = pytest.mark.e2e

#: listing operation -> (service collector, resource types it leaves unknown)
LISTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "s3:ListBuckets": ("s3", ("aws.s3.bucket",)),
    "ec2:DescribeVolumes": ("ec2", ("aws.ec2.volume",)),
    "ec2:DescribeSnapshots": ("ec2", ("aws.ec2.snapshot",)),
    "rds:DescribeDBInstances": ("rds", ("aws.rds.db_instance",)),
    "rds:DescribeDBClusters": ("rds", ("aws.rds.db_cluster",)),
    "dynamodb:ListTables": ("dynamodb", ("aws.dynamodb.table",)),
    "efs:DescribeFileSystems": ("efs", ("aws.efs.file_system",)),
    "kms:ListKeys": ("kms", ("aws.kms.key",)),
    "kms:ListAliases": ("kms", ("aws.kms.key",)),
    "elbv2:DescribeLoadBalancers": ("elbv2", ("aws.elbv2.listener",)),
    "elbv2:DescribeListeners": ("elbv2", ("aws.elbv2.listener",)),
    "elb:DescribeLoadBalancers": ("elb", ("aws.elb.load_balancer",)),
    "cloudfront:ListDistributions": ("cloudfront", ("aws.cloudfront.distribution",)),
    "apigateway:GetRestApis": ("apigateway", ("aws.apigateway.rest_api",)),
    "apigateway:GetDomainNames": ("apigateway", ("aws.apigateway.domain_name",)),
    "apigatewayv2:GetApis": ("apigateway", ("aws.apigatewayv2.api",)),
    "apigatewayv2:GetDomainNames": ("apigateway", ("aws.apigatewayv2.domain_name",)),
}

#: attribute read -> (service collector, resource type, fields it leaves unread)
READS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "s3:GetBucketEncryption": (
        "s3",
        "aws.s3.bucket",
        ("sse_algorithm", "blocked_encryption_types"),
    ),
    "s3:GetBucketPolicy": ("s3", "aws.s3.bucket", ("policy",)),
    "s3:GetBucketTagging": ("s3", "aws.s3.bucket", ("tags",)),
    "s3:GetBucketLocation": ("s3", "aws.s3.bucket", ("region",)),
    "ec2:GetEbsEncryptionByDefault": (
        "ec2",
        "aws.ec2.ebs_encryption_default",
        ("ebs_encryption_by_default",),
    ),
    "rds:DescribeDBParameters": ("rds", "aws.rds.db_instance", ("tls_parameters",)),
    "rds:DescribeDBClusterParameters": ("rds", "aws.rds.db_cluster", ("tls_parameters",)),
    "dynamodb:DescribeTable": ("dynamodb", "aws.dynamodb.table", ("sse_status",)),
    "kms:DescribeKey": ("kms", "aws.kms.key", ("key_spec", "key_state")),
    "kms:GetKeyRotationStatus": ("kms", "aws.kms.key", ("rotation_enabled",)),
    "elbv2:DescribeSSLPolicies": ("elbv2", "aws.elbv2.listener", ("tls",)),
    "elbv2:DescribeRules": ("elbv2", "aws.elbv2.listener", ("rule_actions",)),
    "elbv2:DescribeTargetGroups": ("elbv2", "aws.elbv2.listener", ("target_protocols",)),
    "elb:DescribeLoadBalancerPolicies": ("elb", "aws.elb.load_balancer", ("listeners",)),
}

POLICIES = load_default_policies()


@pytest.fixture(scope="module")
def seeded(moto_endpoint: str) -> Iterator[str]:
    """The encryption demo account, seeded once; the collectors never change it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _test_env(monkeypatch, moto_endpoint)
        reset_moto(moto_endpoint)
        seed_encryption(moto_endpoint)
    yield moto_endpoint


@pytest.fixture
def proxy(seeded: str, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    faults = FaultProxy(seeded).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", faults.endpoint)
    try:
        yield faults
    finally:
        faults.stop()


@pytest.fixture
def aws_env(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _test_env(monkeypatch, seeded)


def _collect(monkeypatch: pytest.MonkeyPatch, *names: str) -> Inventory:
    registry = {name: services.SERVICE_COLLECTORS[name] for name in names}
    monkeypatch.setattr(run, "SERVICE_COLLECTORS", registry)
    emulator = AwsEmulator(endpoint="unused", monkeypatch=monkeypatch)
    return emulator.collect(regions=["us-east-1"])


def collector_gaps(inventory: Inventory) -> list:
    """Listing gaps of the service collectors (not the opt-in log sampling's 'NotEnabled')."""
    return [g for g in inventory.listing_gaps if g.error_code != "NotEnabled"]


def _witness(service: str) -> str:
    return "efs" if service != "efs" else "dynamodb"


def _statuses_of(
    inventory: Inventory, resource_types: tuple[str, ...]
) -> dict[tuple[str, str], str]:
    found = judge(inventory)
    wanted = {p.id for p in POLICIES.policies if p.resource_type in resource_types}
    return {(pid, name): status for pid, name, status in found if pid in wanted}


@pytest.mark.parametrize("operation", sorted(LISTINGS))
def test_denied_listing_is_an_error_and_the_rest_completes(
    operation: str, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, types = LISTINGS[operation]
    proxy.fail(operation, "AccessDenied")
    inventory = _collect(monkeypatch, service, _witness(service))
    gaps = [(g.resource_type, g.operation, g.error_code) for g in inventory.listing_gaps]
    for rtype in types:
        assert (rtype, operation, "AccessDenied") in gaps
        assert not [
            r for r in inventory.resources if r.resource_type == rtype and r.region == "us-east-1"
        ] or (rtype == "aws.elbv2.listener")
    from datetime import UTC, datetime

    from auditor.judge.engine import evaluate
    from auditor.judge.profile import load_profile

    result = evaluate(
        inventory, POLICIES, load_profile("strict", POLICIES.catalog), now=datetime.now(UTC)
    )
    for finding in result.findings:
        if finding.resource.type in types:
            assert finding.status != "PASS", finding
            if finding.resource.id == "*":
                assert finding.status == "ERROR" and finding.gap is not None
                assert finding.gap.operation == operation
    # the witness service was collected in full
    witness_types = set(services.SERVICE_COLLECTORS[_witness(service)].resource_types)
    assert any(c.resource_type in witness_types for c in inventory.coverage)


@pytest.mark.parametrize("operation", sorted(READS))
def test_denied_attribute_read_is_an_error_for_what_it_feeds(
    operation: str, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, rtype, fields = READS[operation]
    proxy.fail(operation, "AccessDenied")
    inventory = _collect(monkeypatch, service, _witness(service))
    assert proxy.count(operation) > 0, f"{operation} was never called"
    hit = [r for r in inventory.resources if r.resource_type == rtype and r.gaps]
    assert hit, f"no {rtype} carries a gap"
    for resource in hit:
        gap = next(g for g in resource.gaps if g.operation == operation)
        assert gap.error_code == "AccessDenied" and gap.message == "HTTP 403"
        for field in fields:
            assert gap.covers(field), (operation, field)
    readers = {
        p.id
        for p in POLICIES.policies
        if p.resource_type == rtype
        and any(any(g.covers(path) for g in hit[0].gaps) for path in p.reads)
    }
    names = {r.name for r in hit}
    from datetime import UTC, datetime

    from auditor.judge.engine import evaluate
    from auditor.judge.profile import load_profile

    result = evaluate(
        inventory, POLICIES, load_profile("strict", POLICIES.catalog), now=datetime.now(UTC)
    )
    for finding in result.findings:
        if finding.resource.name not in names or finding.policy_id not in readers:
            continue
        # three-valued: unknown is ERROR; a violation the facts read already show is FAIL,
        # with the unread input listed; never a PASS, NOT_APPLICABLE or MANUAL on what was denied
        assert finding.status in ("ERROR", "FAIL"), (finding.policy_id, finding.status)
        if finding.status == "FAIL" and finding.gaps:
            assert operation in {g.operation for g in finding.gaps}
        if finding.status == "ERROR":
            assert operation in {g.operation for g in finding.gaps}, finding.message
    assert not inventory.listing_gaps or all(
        g.resource_type != rtype for g in inventory.listing_gaps
    )


def test_throttling_beyond_the_retries(proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    aliases = AwsEmulator(endpoint=seeded_endpoint(proxy)).client("kms").list_aliases()["Aliases"]
    key_id = next(a["TargetKeyId"] for a in aliases if a["AliasName"] == "alias/phi-data")
    rule = proxy.fail("kms:DescribeKey", "ThrottlingException", match=key_id)
    inventory = _collect(monkeypatch, "kms", "efs")
    throttled = [r for r in inventory.resources if r.resource_type == "aws.kms.key" and r.gaps]
    assert [r.name for r in throttled] == ["alias/phi-data"]
    assert rule.hits == 3  # asked three times (AWS_MAX_ATTEMPTS), then given up
    assert throttled[0].gap_for("key_spec").error_code == "ThrottlingException"
    statuses = _statuses_of(inventory, ("aws.kms.key",))
    assert statuses[("AWS-KMS-001", "alias/phi-data")] == "ERROR"
    assert statuses[("AWS-KMS-001", "alias/retired")] == "FAIL"  # the rest was judged
    assert any(c.resource_type == "aws.efs.file_system" for c in inventory.coverage)


def seeded_endpoint(proxy: FaultProxy) -> str:
    return f"http://{proxy.upstream_host}:{proxy.upstream_port}"


def test_http_500_is_recorded_with_its_code(
    proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy.fail("ec2:DescribeVolumes", "InternalError", status=500)
    inventory = _collect(monkeypatch, "ec2")
    assert [(g.resource_type, g.error_code) for g in collector_gaps(inventory)] == [
        ("aws.ec2.volume", "InternalError")
    ]
    assert any(r.resource_type == "aws.ec2.snapshot" for r in inventory.resources)


def test_a_timeout_is_a_gap_and_the_scan_goes_on(
    proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAA_AUDIT_AWS_READ_TIMEOUT", "1")
    proxy.delay("elbv2:DescribeLoadBalancers", 3.0)
    inventory = _collect(monkeypatch, "elbv2", "elb")
    assert [(g.resource_type, g.operation, g.error_code) for g in collector_gaps(inventory)] == [
        ("aws.elbv2.listener", "elbv2:DescribeLoadBalancers", "Timeout")
    ]
    assert any(r.resource_type == "aws.elb.load_balancer" for r in inventory.resources)
    statuses = _statuses_of(inventory, ("aws.elbv2.listener",))
    assert "PASS" not in statuses.values()


def test_denied_calls_through_the_cli_are_errors_in_result_json(
    proxy: FaultProxy, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from .conftest import REGIONS, run_cli

    proxy.fail("rds:DescribeDBInstances", "AccessDenied")
    proxy.fail("s3:GetBucketPolicy", "AccessDenied", match="/phi-claims")
    code, output = run_cli(
        ["scan", "--provider", "aws", "--regions", REGIONS, "--out", str(tmp_path), "--quiet"]
    )
    assert code == 1, output  # failures exist, and the scan finished
    findings = json.loads((tmp_path / "result.json").read_text())["findings"]

    def status(pid: str, name: str) -> set[str]:
        return {
            f["status"]
            for f in findings
            if f["policy_id"] == pid and (f["resource"].get("name") or f["resource"]["id"]) == name
        }

    listing = [
        f for f in findings if f["policy_id"] == "AWS-RDS-001" and f["resource"]["id"] == "*"
    ]
    assert {(f["resource"]["region"], f["status"], f["gap"]["error_code"]) for f in listing} == {
        ("us-east-1", "ERROR", "AccessDenied"),
        ("us-west-2", "ERROR", "AccessDenied"),
    }
    assert status("AWS-RDS-001", "patients-pg") == set()  # nothing judged from an unread listing
    assert status("AWS-S3-004", "phi-claims") == {"ERROR"}
    assert status("AWS-S3-005", "phi-claims") == {"ERROR"}
    assert status("AWS-S3-001", "phi-claims") == {"PASS"}  # its encryption was read
    assert status("AWS-S3-004", "legacy-exports") == {"FAIL"}  # the rest was judged
