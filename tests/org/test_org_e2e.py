"""The whole path on an emulated organization: real AWS collectors, engine, policies, merge.

22 accounts (management + 21 members) on moto over HTTP, one account's role denied by the proxy.
The unsharded run goes through the functions; the three shards through `baa-audit scan --shard`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.cli.pipeline import evaluate_inventory, load_inputs, load_result
from auditor.collect.aws.organization import collect_aws_organization
from auditor.collect.base import CollectOptions
from auditor.core.errors import InputError
from auditor.core.inventory import Inventory
from auditor.core.progress import NullProgress
from auditor.evidence.merge import merge
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


def _cli_run(out: Path, *extra: str) -> Any:
    """The same scan through `baa-audit scan` (snapshot file, shard label, result.json)."""
    res = CliRunner().invoke(
        cli,
        [
            *("scan", "--provider", "aws", "--regions", "us-east-1,eu-west-1"),
            *("--org-role-name", ROLE, "--workers", "16", "--out", str(out)),
            *("--no-history", "--quiet", *extra),
        ],
        catch_exceptions=False,
    )
    assert res.exit_code in (1, 3), res.stderr
    return load_result(out / "result.json")


def test_denied_account_is_error_and_shards_merge_to_the_unsharded_run(
    org: EmulatedOrg, inputs: Any, tmp_path: Path
) -> None:
    victim = org.members[3]
    org.proxy.denied = {org.role_arn(victim)}
    try:
        whole = _run(inputs)
        shards = [_cli_run(tmp_path / f"shard-{k}", "--shard", f"{k}/3") for k in (1, 2, 3)]
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

    assert [s.scope.shard for s in shards] == ["1/3", "2/3", "3/3"]
    with pytest.raises(InputError, match="missing 2/3"):
        merge([shards[0], shards[2]])
    merged = merge(shards)
    assert merged.findings == whole.findings
    assert merged.summary == whole.summary
    assert merged.promises == whole.promises
    assert merged.safeguards == whole.safeguards
    assert merged.scope.aws_accounts == whole.scope.aws_accounts
