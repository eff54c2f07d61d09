"""The AWS collector framework over HTTP against moto: identity, regions, errors, registry."""

from __future__ import annotations

import pytest

from auditor.collect.aws import services
from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext
from auditor.core.errors import CollectionError
from auditor.core.inventory import InventorySink

from .conftest import ACCOUNT, AwsEmulator


def test_scope_names_account_and_regions(aws: AwsEmulator) -> None:
    inventory = aws.collect(regions=["us-east-1", "eu-west-1"])
    scope = inventory.header.scope
    assert scope.providers == ["aws"]
    assert scope.aws_accounts == [ACCOUNT]
    assert scope.aws_regions == ["eu-west-1", "us-east-1"]


def test_all_enabled_regions_by_default(aws: AwsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "SERVICE_COLLECTORS", {})
    from auditor.collect.aws import run

    monkeypatch.setattr(run, "SERVICE_COLLECTORS", {})
    from auditor.collect.base import CollectOptions
    from auditor.core.inventory import Inventory
    from auditor.core.progress import NullProgress

    scope = run.collect_aws(CollectOptions(), Inventory(), NullProgress())
    enabled = {
        r["RegionName"]
        for r in aws.client("ec2").describe_regions()["Regions"]
        if r.get("OptInStatus") in ("opt-in-not-required", "opted-in")
    }
    assert set(scope.aws_regions) == enabled
    assert len(enabled) > 4


def test_unknown_region_is_a_usage_error(aws: AwsEmulator) -> None:
    with pytest.raises(CollectionError, match="xx-nowhere-1"):
        aws.collect(regions=["xx-nowhere-1"])


def test_call_follows_pages(aws: AwsEmulator) -> None:
    s3 = aws.client("s3")
    for i in range(3):
        s3.create_bucket(Bucket=f"page-{i}")
    ec2 = aws.client("ec2")
    for _ in range(7):
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    result = call(ec2, "describe_volumes", PaginationConfig={"PageSize": 5})
    assert len(result["Volumes"]) == 7


def test_client_error_becomes_code_and_operation(aws: AwsEmulator) -> None:
    with pytest.raises(CallFailed) as info:
        call(aws.client("s3"), "get_bucket_policy", Bucket="does-not-exist")
    assert info.value.operation == "s3:GetBucketPolicy"
    assert info.value.error_code == "NoSuchBucket"
    assert info.value.message == "HTTP 404"
    gap = info.value.gap(["policy"])
    assert gap.fields == ("policy",) and gap.error_code == "NoSuchBucket"


def test_unreachable_endpoint_is_a_failure_not_a_crash(aws: AwsEmulator) -> None:
    import boto3
    from botocore.config import Config

    from .conftest import free_port

    client = boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(CallFailed) as info:
        call(client, "describe_volumes")
    assert info.value.error_code == "EndpointConnectionError"
    assert info.value.operation == "ec2:DescribeVolumes"


def test_a_crashing_collector_leaves_listing_gaps_and_the_rest_runs(
    aws: AwsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    def boom(ctx: AwsContext, sink: InventorySink) -> None:
        raise KeyError("unexpected shape")

    def fine(ctx: AwsContext, sink: InventorySink) -> None:
        seen.append(ctx.region)
        ctx.covered("aws.test.fine", 0)

    from auditor.collect.aws import run

    monkeypatch.setattr(
        run,
        "SERVICE_COLLECTORS",
        {
            "boom": services.ServiceCollector(boom, ("aws.test.boom",)),
            "fine": services.ServiceCollector(fine, ("aws.test.fine",), global_=True),
        },
    )
    inventory = aws.collect(regions=["us-east-1", "us-west-2"])
    gaps = sorted(
        (g.region, g.resource_type, g.operation, g.error_code)
        for g in inventory.listing_gaps
        if g.resource_type.startswith("aws.test.")
    )
    assert gaps == [
        ("us-east-1", "aws.test.boom", "boom:collector", "KeyError"),
        ("us-west-2", "aws.test.boom", "boom:collector", "KeyError"),
    ]
    assert seen == [None]
    assert [(c.region, c.resource_type) for c in inventory.coverage] == [(None, "aws.test.fine")]


def test_no_credentials_is_a_collection_error(
    aws: AwsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(CollectionError, match="cannot identify the AWS account"):
        aws.collect(client_factory=None)


def test_registry_entries_are_well_formed() -> None:
    for name, entry in services.SERVICE_COLLECTORS.items():
        assert callable(entry.fn), name
        assert all(t.startswith("aws.") for t in entry.resource_types), name
