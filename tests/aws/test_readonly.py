"""Proof that the AWS collectors only read, and only what the shipped IAM policy allows.

The whole demo account (every safeguard, every collector) is scanned through
:class:`tests.aws.faultproxy.FaultProxy`, which names every AWS operation on the wire. Each must
be a read by its name (Describe/Get/List, plus the listed exceptions) and must be allowed by
``deploy/iam/baa-audit-readonly-policy.json``; and that policy itself grants only reads.
"""

from __future__ import annotations

import fnmatch
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import TEST_ENV
from .faultproxy import FaultProxy

pytestmark = pytest.mark.e2e

POLICY_FILE = Path(__file__).parents[2] / "deploy" / "iam" / "baa-audit-readonly-policy.json"
#: attached only by those who opt in to PHI sampling of log contents (--sample-logs)
SAMPLING_POLICY_FILE = POLICY_FILE.with_name("baa-audit-log-sampling-policy.json")
READ_PREFIXES = ("Describe", "Get", "List")
#: operations that read but are not named so, and why
READ_EXCEPTIONS = {
    "iam:GenerateCredentialReport": "asks IAM to build the credential report; changes nothing",
    "logs:FilterLogEvents": "reads log events for the opt-in PHI sampling; changes nothing",
}
#: operations no IAM permission governs
NO_PERMISSION = {"sts:GetCallerIdentity"}
#: client service name -> IAM service prefix, where they differ
IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "sso-admin": "sso",
    "resourcegroupstaggingapi": "tag",
}
#: operations whose IAM action is not spelled like the operation
IAM_ACTION = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
}
#: API Gateway management is authorized by HTTP method on a resource path
APIGATEWAY_PATHS = {
    "apigateway:GetRestApis": "/restapis",
    "apigateway:GetDomainNames": "/domainnames",
    "apigatewayv2:GetApis": "/apis",
    "apigatewayv2:GetDomainNames": "/domainnames",
}


def iam_action(operation: str) -> tuple[str, str]:
    """(IAM action, resource) that authorizes ``operation``."""
    if operation in APIGATEWAY_PATHS:
        return "apigateway:GET", f"arn:aws:apigateway:us-east-1::{APIGATEWAY_PATHS[operation]}"
    if operation in IAM_ACTION:
        return IAM_ACTION[operation], "*"
    service, name = operation.split(":", 1)
    return f"{IAM_PREFIX.get(service, service)}:{name}", "*"


def allowed(policy: dict, action: str, resource: str) -> bool:
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
        if any(fnmatch.fnmatchcase(action, a) for a in actions) and any(
            r == "*" or fnmatch.fnmatchcase(resource, r) for r in resources
        ):
            return True
    return False


@pytest.fixture(scope="module")
def demo_operations() -> Iterator[list[str]]:
    from baa_audit_sample.aws import run_emulator

    from auditor.collect.aws.run import collect_aws
    from auditor.collect.base import CollectOptions
    from auditor.core.inventory import Inventory
    from auditor.core.progress import NullProgress

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with pytest.MonkeyPatch.context() as monkeypatch:
        for key, value in TEST_ENV.items():
            monkeypatch.setenv(key, value)
        with run_emulator() as endpoint:
            from baa_audit_sample.logs import seed_cloudwatch

            seed_cloudwatch(endpoint)
            proxy = FaultProxy(endpoint).start()
            try:
                monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
                inventory = Inventory()
                # with the opt-in log sampling, so its reads are proven too
                collect_aws(
                    CollectOptions(regions=["us-east-1", "us-west-2"], sample_logs=True),
                    inventory,
                    NullProgress(),
                )
            finally:
                proxy.stop()
        assert len(inventory.resources) > 50
        yield list(proxy.operations)


def test_every_operation_is_named(demo_operations: list[str]) -> None:
    unknown = sorted({op for op in demo_operations if op.startswith("unknown:")})
    assert not unknown, f"requests the proxy could not name: {unknown}"
    assert len(set(demo_operations)) > 40


def test_every_operation_is_a_read(demo_operations: list[str]) -> None:
    writes = sorted(
        {
            op
            for op in demo_operations
            if not op.split(":", 1)[1].startswith(READ_PREFIXES) and op not in READ_EXCEPTIONS
        }
    )
    assert not writes, f"non-read operations called: {writes}"


def test_every_operation_is_allowed_by_the_shipped_policy(demo_operations: list[str]) -> None:
    policy = json.loads(POLICY_FILE.read_text())
    sampling = json.loads(SAMPLING_POLICY_FILE.read_text())
    policy = {"Statement": policy["Statement"] + sampling["Statement"]}
    missing = sorted(
        {
            f"{op} needs {iam_action(op)[0]}"
            for op in demo_operations
            if op not in NO_PERMISSION and not allowed(policy, *iam_action(op))
        }
    )
    assert not missing, "the shipped IAM policy lacks:\n" + "\n".join(missing)


def test_the_shipped_policy_grants_only_reads() -> None:
    policy = json.loads(POLICY_FILE.read_text())
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement
        for action in statement["Action"]:
            name = action.split(":", 1)[1]
            assert "*" not in action, f"{action}: list actions explicitly"
            assert name.startswith(READ_PREFIXES) or action in (
                "iam:GenerateCredentialReport",
                "apigateway:GET",
            ), action


def test_the_policy_has_no_action_the_tool_never_needs(demo_operations: list[str]) -> None:
    """Least privilege both ways: every granted action maps to an operation some collector calls
    (here, or on paths the demo does not reach, listed below)."""
    not_in_demo = {
        # called only when a parameter group leaves a TLS parameter unreported (moto lacks them;
        # covered in test_storage_e2e.py against recorded answers)
        "rds:DescribeDBParameterGroups",
        "rds:DescribeDBClusterParameterGroups",
        "rds:DescribeEngineDefaultParameters",
        "rds:DescribeEngineDefaultClusterParameters",
    }
    used = {iam_action(op)[0] for op in demo_operations} | not_in_demo
    policy = json.loads(POLICY_FILE.read_text())
    granted = {a for s in policy["Statement"] for a in s["Action"]}
    assert granted - used == set()
    assert "logs:FilterLogEvents" not in granted, "log contents are read only by those who opt in"


def test_log_sampling_policy_grants_only_what_sampling_reads(demo_operations: list[str]) -> None:
    sampling = json.loads(SAMPLING_POLICY_FILE.read_text())
    granted = {a for s in sampling["Statement"] for a in s["Action"]}
    assert granted == {"logs:DescribeLogGroups", "logs:FilterLogEvents"}
    assert "logs:FilterLogEvents" in {iam_action(op)[0] for op in demo_operations}
