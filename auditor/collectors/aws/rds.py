"""Collector for rds (being written)."""

from __future__ import annotations

from auditor.collectors.aws.context import AwsContext
from auditor.inventory import InventorySink

TYPES: tuple[str, ...] = ()


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    return None
