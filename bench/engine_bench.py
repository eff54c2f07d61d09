"""Engine benchmark: evaluate every shipped policy over a synthetic inventory of 100,000 resources.

The resources are built from the policies' own cases (each case resource is a realistic template),
copied with fresh ids across accounts and regions until the inventory holds BAA_AUDIT_BENCH_RESOURCES
(default 100,000) resources. Prints resources per second and peak memory (peak resident set size).
"""

from __future__ import annotations

import os
import resource
import time
from datetime import UTC, datetime
from itertools import cycle

from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Resource as ResourceModel
from auditor.core.model.registry import resource_types
from auditor.core.scope import Scope
from auditor.core.yamlio import plain, read_yaml
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import evaluate
from auditor.judge.policy.cases import cases_file
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

TOTAL = int(os.environ.get("BAA_AUDIT_BENCH_RESOURCES", "100000"))
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]


def templates() -> list[tuple[type[ResourceModel], dict[str, object]]]:
    policies = load_default_policies()
    types = resource_types()
    found: list[tuple[type[ResourceModel], dict[str, object]]] = []
    for policy in policies.policies:
        node = plain(read_yaml(cases_file(policies.files[policy.id])))
        for case in node.get("cases", []):
            items = ([case["resource"]] if "resource" in case else []) + list(
                case.get("inventory", [])
            )
            for item in items:
                rtype = item.get("type", policy.resource_type)
                data = {k: v for k, v in item.items() if k != "type"}
                found.append((types[rtype], data))
    return found


def main() -> None:
    base = templates()
    resources: list[ResourceModel] = []
    for index, (cls, data) in zip(range(TOTAL), cycle(base), strict=False):
        provider = cls.provider
        values = dict(data)
        values["id"] = f"{values.get('id', 'res')}-{index}"
        values["account"] = (
            f"{100000000000 + index % 20}" if provider == "aws" else f"project-{index % 20}"
        )
        values["region"] = REGIONS[index % len(REGIONS)]
        resources.append(cls.model_validate(values))
    inventory = Inventory(
        header=SnapshotHeader(scope=Scope(providers=["aws", "gcp"])), resources=resources
    )
    policies = load_default_policies()
    profile = load_profile("strict", load_catalog())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = evaluate(inventory, policies, profile, now=datetime.now(UTC))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"engine: {len(resources)} resources x {len(result.policies)} policies -> {len(result.findings)} findings"
    )
    print(
        f"engine: {elapsed:.2f} s, {len(resources) / elapsed:,.0f} resources/s, peak RSS {peak / 1024:.0f} MiB (inventory built: {rss_before / 1024:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
