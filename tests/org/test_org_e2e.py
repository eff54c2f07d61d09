"""The whole path on an emulated organization: real AWS collectors, engine, policies, merge.

22 accounts (management + 21 members) on moto over HTTP, one account's role denied by the proxy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.collectors.aws.organization import collect_aws_organization
from auditor.collectors.base import CollectOptions
from auditor.inventory import Inventory
from auditor.merge import merge
from auditor.pipeline import evaluate_inventory, load_inputs
from auditor.progress import NullProgress
from tests.org.conftest import ROLE, EmulatedOrg

STARTED = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def inputs() -> Any:
    return load_inputs("strict")


def _run(inputs: Any, **kw: Any) -> Any:
    options = CollectOptions(
        regions=["us-east-1", "eu-west-1"], org_role_name=ROLE, workers=16, **kw
    )
    options.params = inputs.profile.profile.parameters()
    inventory = Inventory()
    inventory.header.scope = collect_aws_organization(options, inventory, NullProgress())
    return evaluate_inventory(inventory, inputs, None, STARTED)


def test_denied_account_is_error_and_shards_merge_to_the_unsharded_run(
    org: EmulatedOrg, inputs: Any
) -> None:
    victim = org.members[3]
    org.proxy.denied = {org.role_arn(victim)}
    try:
        whole = _run(inputs)
        shards = [_run(inputs, shard=(k, 3)) for k in (1, 2, 3)]
    finally:
        org.proxy.denied = set()

    # the denied account: ERROR findings naming sts:AssumeRole, and nothing else about it
    mine = [f for f in whole.findings if f.resource.account == victim]
    assert mine
    assert {f.status for f in mine} == {"ERROR"}
    assert all("sts:AssumeRole" in f.message and "AccessDenied" in f.message for f in mine)
    # every other account was assessed: it has findings, none of them an assume-role error
    for account in org.accounts:
        if account == victim:
            continue
        theirs = [f for f in whole.findings if f.resource.account == account]
        assert theirs, account
        assert not [f for f in theirs if "sts:AssumeRole" in f.message]
    assert whole.scope.aws_accounts == org.accounts

    merged = merge(shards)
    assert merged.findings == whole.findings
    assert merged.summary == whole.summary
    assert merged.promises == whole.promises
    assert merged.safeguards == whole.safeguards
    assert merged.scope.aws_accounts == whole.scope.aws_accounts
