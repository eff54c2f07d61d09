"""The account itself (global): no API call beyond the run's own ``sts:GetCallerIdentity``."""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.account import AwsAccount

TYPES: tuple[str, ...] = ("aws.account",)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    ctx.emit(
        AwsAccount(id=ctx.account, name=ctx.account, account=ctx.account, partition=ctx.partition)
    )
    ctx.covered(TYPES[0], 1)
