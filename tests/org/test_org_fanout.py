"""AWS Organizations fan-out over HTTP against moto: assume-role into every member, bounded
threads, streaming to a snapshot, a denied account isolated, deterministic shards and filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.collect.aws.organization import (
    CallStats,
    RateLimiter,
    adaptive,
    collect_aws_organization,
)
from auditor.collect.base import CollectOptions
from auditor.core.errors import CollectionError
from auditor.core.inventory import Inventory, SnapshotHeader, SnapshotWriter, load_snapshot
from auditor.core.progress import LineProgress, NullProgress
from tests.org.conftest import MANAGEMENT, MEMBERS, REGIONS, ROLE, TEST_TYPES, EmulatedOrg

pytestmark = pytest.mark.usefixtures("test_collectors")


def _options(**kw: Any) -> CollectOptions:
    base: dict[str, Any] = {"regions": REGIONS, "org_role_name": ROLE, "workers": 8}
    base.update(kw)
    return CollectOptions(**base)


def _collect(**kw: Any) -> tuple[Inventory, Any]:
    inventory = Inventory()
    scope = collect_aws_organization(_options(**kw), inventory, NullProgress())
    inventory.header.scope = scope
    return inventory, scope


def _keys(inventory: Inventory) -> list[tuple[str, str, str]]:
    return sorted((r.resource_type, r.account, r.id) for r in inventory.resources)


@pytest.fixture(autouse=True)
def _clean_proxy(org: EmulatedOrg) -> None:
    org.proxy.denied.clear()
    org.proxy.assumed.clear()


def test_every_account_is_scanned_through_assume_role(org: EmulatedOrg, tmp_path: Path) -> None:
    assert MEMBERS >= 20
    path = tmp_path / "org.snapshot.jsonl"
    stats = CallStats()
    with SnapshotWriter(path, SnapshotHeader()) as writer:
        scope = collect_aws_organization(_options(), writer, NullProgress(), stats=stats)
    inventory = load_snapshot(path, types=TEST_TYPES)

    assert scope.aws_organization == org.org_id
    assert scope.aws_accounts == org.accounts
    assert scope.aws_regions == sorted(REGIONS)
    # every member reached with its own role, exactly once; the management account with its own
    assert sorted(org.proxy.assumed) == sorted(org.role_arn(a) for a in org.members)
    # (the AWS collector also records opt-in log sampling as not enabled: not this test's types)
    assert [g for g in inventory.listing_gaps if g.resource_type.startswith("test.")] == []
    buckets = {
        r.account: r.name for r in inventory.resources if r.resource_type == "test.s3.bucket"
    }
    assert buckets == {a: f"phi-{a}" for a in org.members}
    volumes = {
        (r.account, r.region) for r in inventory.resources if r.resource_type == "test.ec2.volume"
    }
    assert volumes == {(a, org.region_of[a]) for a in org.members}
    # each account's listings were covered in every region (coverage is evidence of "nothing there")
    ec2_cover = {
        (c.account, c.region) for c in inventory.coverage if c.resource_type == "test.ec2.volume"
    }
    assert ec2_cover == {(a, r) for a in org.accounts for r in REGIONS}
    assert set(stats.by_account) >= set(org.accounts)
    assert all(stats.by_account[a] >= 1 + len(REGIONS) for a in org.members)


def test_denied_role_is_an_error_for_that_account_and_the_rest_completes(org: EmulatedOrg) -> None:
    victim = org.members[5]
    org.proxy.denied.add(org.role_arn(victim))
    lines: list[str] = []

    class Capture:
        def write(self, text: str) -> None:
            lines.append(text)

        def flush(self) -> None:
            return None

    inventory = Inventory()
    scope = collect_aws_organization(_options(), inventory, LineProgress(Capture()))  # type: ignore[arg-type]

    assert victim in scope.aws_accounts  # in scope, and unread: never silently left out
    gaps = sorted(
        (g.account, g.resource_type, g.operation, g.error_code, g.region)
        for g in inventory.listing_gaps
        if g.resource_type.startswith("test.")
    )
    assert gaps == [
        (victim, "test.ec2.volume", "sts:AssumeRole", "AccessDenied", None),
        (victim, "test.s3.bucket", "sts:AssumeRole", "AccessDenied", None),
    ]
    assert all(ROLE in g.message for g in inventory.listing_gaps if g.account == victim)
    assert {r.account for r in inventory.resources} == set(org.members) - {victim}
    assert not [c for c in inventory.coverage if c.account == victim]
    text = "".join(lines)
    assert f"account {victim}: cannot assume role (AccessDenied)" in text
    assert f"1 of {len(org.accounts)} accounts could not be read" in text
    assert "testing" not in text  # no credentials in progress output


def test_include_exclude_and_ou_filters(org: EmulatedOrg) -> None:
    some = org.members[:3]
    _, scope = _collect(accounts_include=some)
    assert scope.aws_accounts == sorted(some)
    _, scope = _collect(accounts_exclude=[MANAGEMENT, org.members[0]])
    assert scope.aws_accounts == sorted(set(org.members) - {org.members[0]})
    # an OU selects the accounts below it, nested OUs included
    _, scope = _collect(ous=[org.ous["clinical"]])
    assert scope.aws_accounts == sorted(
        a for a, ou in org.ou_of.items() if ou in ("clinical", "clinical-eu")
    )
    with pytest.raises(CollectionError, match="not in organization"):
        _collect(accounts_include=["999999999999"])
    with pytest.raises(CollectionError, match="OU id"):
        _collect(ous=["clinical"])
    with pytest.raises(CollectionError, match="role"):
        _collect(org_role_name=None)


def test_rate_limiter_spaces_requests_per_account_and_service() -> None:
    slept: list[float] = []
    limiter = RateLimiter({"organizations": 2.0}, sleep=slept.append)
    waits = [limiter.acquire("111111111111", "organizations") for _ in range(3)]
    assert waits[0] == 0.0
    assert waits[1] == pytest.approx(0.5, abs=0.05)
    assert waits[2] == pytest.approx(1.0, abs=0.05)
    assert limiter.acquire("222222222222", "organizations") == 0.0  # another account: own budget
    assert limiter.acquire("111111111111", "s3") == 0.0  # no limit set for s3


def test_adaptive_retries_keep_max_attempts(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.config import Config

    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    cfg = adaptive(Config(retries={"mode": "standard", "max_attempts": 4}))
    assert cfg.retries == {"mode": "adaptive", "max_attempts": 4}
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    assert adaptive(Config(retries={"mode": "standard"})).retries == {"mode": "standard"}


def test_assumed_role_credentials_are_refreshed_before_they_expire(org: EmulatedOrg) -> None:
    """A scan that outlasts the role session assumes the role again instead of failing.

    The refresh margin is set beyond the session's lifetime, so every signed request finds the
    credentials inside botocore's mandatory refresh window: exactly what happens an hour into a
    long scan.
    """
    import boto3

    from auditor.collect.aws.calls import CallFailed, call
    from auditor.collect.aws.organization import (
        ASSUME_ROLE_SECONDS,
        role_credentials,
        session_factory,
    )

    account = org.members[2]
    arn = org.role_arn(account)
    sts = boto3.client("sts", region_name="us-east-1")  # through the proxy (AWS_ENDPOINT_URL)

    # a fresh session is not renewed: one AssumeRole for any number of calls
    steady = session_factory(role_credentials(sts, arn, None))("s3", "us-east-1", None)
    for _ in range(3):
        assert [b["Name"] for b in call(steady, "list_buckets")["Buckets"]] == [f"phi-{account}"]
    assert org.proxy.assumed == [arn]

    org.proxy.assumed.clear()
    credentials = role_credentials(sts, arn, None, refresh_before_seconds=ASSUME_ROLE_SECONDS + 60)
    first_key = credentials.access_key  # reading it is itself a (mandatory) refresh
    s3 = session_factory(credentials)("s3", "us-east-1", None)
    for _ in range(2):
        assert [b["Name"] for b in call(s3, "list_buckets")["Buckets"]] == [f"phi-{account}"]
    assert org.proxy.assumed.count(arn) >= 4  # the first assume, then one per use
    assert credentials.get_frozen_credentials().access_key != first_key

    # a refresh that is refused fails the call that needed it, as a recorded AssumeRole failure
    org.proxy.denied.add(arn)
    with pytest.raises(CallFailed) as failed:
        call(s3, "list_buckets")
    assert (failed.value.operation, failed.value.error_code) == ("sts:AssumeRole", "AccessDenied")
