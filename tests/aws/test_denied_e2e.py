"""Denied calls under moto server's own IAM enforcement, end to end.

The scanning user is a real IAM user in moto, allowed everything (``Action: "*"``) but for
explicit Denies; moto enforces its policy once ``/moto-api/reset-auth`` sets
INITIAL_NO_AUTH_ACTION_COUNT to 0 (the seeding before that runs unauthenticated). Then
``baa-audit scan --provider aws`` runs as that user over HTTP. No PASS, NOT_APPLICABLE or MANUAL
may rest on what was denied: an absence claimed from a listing that failed, or a field that was
not read, is ERROR naming the operation; a FAIL may stand beside it with the gap listed.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from baa_audit_sample.aws.seed_encryption import seed_encryption

from auditor.judge.policy.loader import load_default_policies

from .conftest import AwsEmulator, run_cli

pytestmark = pytest.mark.e2e

POLICIES = load_default_policies()
SETTLED = {"PASS", "NOT_APPLICABLE", "MANUAL"}

#: one read denied in every service the collectors read (by the operation the scan names) ->
#: (resource type, fields it leaves unread; () when the listing itself is denied and the whole
#: type is unknown)
DENIED: dict[str, tuple[str, tuple[str, ...]]] = {
    # (moto authorizes GetBucketEncryption as a plain bucket GET: its Deny is not enforced)
    "s3:GetBucketPolicy": ("aws.s3.bucket", ("policy",)),
    "ec2:GetEbsEncryptionByDefault": (
        "aws.ec2.ebs_encryption_default",
        ("ebs_encryption_by_default",),
    ),
    "ec2:DescribeVolumes": ("aws.ec2.volume", ()),
    "rds:DescribeDBParameters": ("aws.rds.db_instance", ("tls_parameters",)),
    "dynamodb:DescribeTable": ("aws.dynamodb.table", ("sse_status",)),
    "kms:GetKeyRotationStatus": ("aws.kms.key", ("rotation_enabled",)),
    "efs:DescribeFileSystems": ("aws.efs.file_system", ()),
    "cloudtrail:DescribeTrails": ("aws.cloudtrail.trail", ()),
    "cognito-idp:ListUserPools": ("aws.cognito.user_pool", ()),
    "iam:ListRoles": ("aws.iam.role", ()),
    "logs:DescribeLogGroups": ("aws.logs.log_group", ()),
}


#: the IAM action of an operation, where the two differ
IAM_ACTION = {"efs:DescribeFileSystems": "elasticfilesystem:DescribeFileSystems"}


def _post(url: str, body: bytes) -> None:
    # text/plain: moto reads the raw body (a form content type would be parsed away)
    request = urllib.request.Request(
        url, method="POST", data=body, headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture
def scan_as_denied(
    aws: AwsEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[[list[str]], dict[str, Any]]]:
    """``scan(["s3:GetBucketLocation"])``: seed, create the scanning user, turn enforcement on,
    scan us-east-1 as that user under the strict profile, return result.json."""

    def scan(denied: list[str]) -> dict[str, Any]:
        seed_encryption(aws.endpoint)
        # the strict profile's PHI marker, so CloudTrail's data-events policy applies to it
        aws.client("s3").put_bucket_tagging(
            Bucket="phi-claims",
            Tagging={"TagSet": [{"Key": "data-classification", "Value": "phi"}]},
        )
        iam = aws.client("iam")
        iam.create_user(UserName="baa-scanner")
        iam.put_user_policy(
            UserName="baa-scanner",
            PolicyName="read-all-but",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "*", "Resource": "*"},
                        {"Effect": "Deny", "Action": denied, "Resource": "*"},
                    ],
                }
            ),
        )
        key = iam.create_access_key(UserName="baa-scanner")["AccessKey"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        _post(f"{aws.endpoint}/moto-api/reset-auth", b"0")
        out = tmp_path / "out"
        code, output = run_cli(
            ["scan", "--provider", "aws", "--regions", "us-east-1", "--out", str(out), "--quiet"]
        )
        assert code in (1, 3), output
        result: dict[str, Any] = json.loads((out / "result.json").read_text())
        return result

    try:
        yield scan
    finally:
        _post(f"{aws.endpoint}/moto-api/reset-auth", b"inf")


def _is_denial(code: str | None) -> bool:
    # moto answers a JSON- or REST-protocol Deny as HTTP 403 without an error code
    return bool(code) and ("AccessDenied" in str(code) or str(code) == "403")


def _denied_ops(result: dict[str, Any]) -> set[str]:
    ops = {g["operation"] for g in result["listing_gaps"] if _is_denial(g["error_code"])}
    for finding in result["findings"]:
        for gap in finding.get("gaps") or []:
            if _is_denial(gap.get("error_code")):
                ops.add(gap["operation"])
    return ops


def _touches(policy_reads: tuple[str, ...], fields: tuple[str, ...]) -> bool:
    return any(
        r == f or r.startswith(f + ".") or f.startswith(r + ".")
        for r in policy_reads
        for f in fields
    )


def test_bucket_location_denied_is_no_absence(scan_as_denied) -> None:
    result = scan_as_denied(["s3:GetBucketLocation"])
    assert "s3:GetBucketLocation" in _denied_ops(result)
    buckets = {"phi-claims", "legacy-exports", "tls12-reports"}
    s3 = [f for f in result["findings"] if f["policy_id"].startswith("AWS-S3-")]
    # each bucket is judged (its region unread), none claimed absent from us-east-1
    assert {f["resource"].get("name") for f in s3} >= buckets
    assert not [f for f in s3 if f["status"] == "NOT_APPLICABLE"]
    reads = {p.id: p.reads for p in POLICIES.policies}
    # a PASS or MANUAL stands only on what was read: the policy reads nothing of the region
    settled_on_region = [
        (f["policy_id"], f["resource"]["id"], f["status"])
        for f in s3
        if f["status"] in SETTLED and _touches(reads[f["policy_id"]], ("region",))
    ]
    assert not settled_on_region, settled_on_region
    assert [f for f in s3 if f["status"] == "ERROR"]
    for f in s3:
        if f["status"] == "ERROR":
            assert "s3:GetBucketLocation" in json.dumps(f["gaps"]), f
    # CloudTrail's S3 data events: the buckets exist, so "no bucket here" is not a verdict; the
    # PHI bucket is judged on its own (the untagged ones are NOT_APPLICABLE on their read tags)
    data_events = {
        f["resource"]["id"]: f["status"]
        for f in result["findings"]
        if f["policy_id"] == "AWS-CT-003"
    }
    assert data_events.get("*") != "NOT_APPLICABLE"
    assert data_events["arn:aws:s3:::phi-claims"] not in SETTLED
    place_na = [
        (f["policy_id"], f["resource"].get("region"))
        for f in result["findings"]
        if f["resource"]["id"] == "*"
        and f["resource"]["type"] == "aws.s3.bucket"
        and f["status"] == "NOT_APPLICABLE"
    ]
    assert not place_na, place_na
    # and the subcontractor clause: the strict BAA names Google Cloud and Cloudflare, not AWS
    (sub,) = [f for f in result["findings"] if f["policy_id"] == "AWS-SUB-001"]
    assert sub["status"] == "FAIL"
    assert "7. Subcontractors" in sub["message"] and "No other subcontractor" in sub["message"]


def test_one_denied_read_in_every_service_leaves_nothing_settled_on_it(scan_as_denied) -> None:
    result = scan_as_denied(sorted(IAM_ACTION.get(op, op) for op in DENIED))
    denied = _denied_ops(result)
    # moto enforced every Deny: each shows as a denial naming its operation
    assert set(DENIED) <= denied, set(DENIED) - denied
    wrong = []
    for policy in POLICIES.policies:
        for op, (rtype, fields) in DENIED.items():
            if op not in denied:
                continue
            # the policy judges the type and reads what was denied (or the type was not listed).
            # A policy that only joins the type may still PASS or be NOT_APPLICABLE on facts it
            # read (a key in use by a store that was read is judged; an untagged bucket needs no
            # trail): its three-valued cases cover that, beside a gap, in the policy-case suite.
            if policy.resource_type != rtype or (fields and not _touches(policy.reads, fields)):
                continue
            for f in result["findings"]:
                if f["policy_id"] == policy.id and f["status"] in SETTLED:
                    wrong.append((policy.id, f["resource"]["id"], f["status"], op))
    assert not wrong, wrong
    # nor is a place "none here" when its listing was denied
    unlisted = {rtype for op, (rtype, fields) in DENIED.items() if not fields}
    claimed = [
        (f["policy_id"], f["resource"]["type"])
        for f in result["findings"]
        if f["resource"]["id"] == "*"
        and f["resource"]["type"] in unlisted
        and f["status"] == "NOT_APPLICABLE"
    ]
    assert not claimed, claimed
    assert result["summary"]["ERROR"] > 0
