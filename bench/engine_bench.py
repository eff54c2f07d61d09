"""Engine benchmark: evaluate every shipped policy over synthetic inventories of growing size.

The resources are built from the policies' own cases (each case resource is a realistic template),
copied with fresh ids across accounts and regions. Each size runs in its own child process, so
its peak memory (peak resident set size of that process) is its own. Prints, per size, the
evaluation time, the time per 100,000 resources (flat when evaluation is linear), resources per
second and the peak memory.

    python bench/engine_bench.py                 # 100,000 and 300,000 resources
    BAA_AUDIT_BENCH_SIZES=100000,300000,1000000 python bench/engine_bench.py
    BAA_AUDIT_BENCH_JOBS=1 ...                   # one core (default: every core)

``BAA_AUDIT_BENCH_RESOURCES`` (one size) is still understood.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.core.findings_io import SPILL_RESOURCES, FindingsSpill
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Resource as ResourceModel
from auditor.core.model.registry import resource_types
from auditor.core.scope import Scope
from auditor.core.yamlio import plain, read_yaml
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import evaluate
from auditor.judge.parallel import default_jobs
from auditor.judge.policy.cases import cases_file
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

DEFAULT_SIZES = "100000,300000"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]


RESOURCES_PER_ACCOUNT = 500


def sizes() -> list[int]:
    one = os.environ.get("BAA_AUDIT_BENCH_RESOURCES")
    text = os.environ.get("BAA_AUDIT_BENCH_SIZES", one or DEFAULT_SIZES)
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


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


def build(total: int) -> Inventory:
    base = templates()
    # accounts and projects grow with the estate, as in a real organization (about 500
    # resources each): 20 accounts holding 50,000 resources apiece would also hold 50,000
    # account-level records apiece (aws.account, IAM summaries), each joined to every trail
    places = max(20, total // RESOURCES_PER_ACCOUNT)
    resources: list[ResourceModel] = []
    for index, (cls, data) in zip(range(total), cycle(base), strict=False):
        provider = cls.provider
        values = dict(data)
        values["id"] = f"{values.get('id', 'res')}-{index}"
        values["account"] = (
            f"{100000000000 + index % places}" if provider == "aws" else f"project-{index % places}"
        )
        values["region"] = REGIONS[index % len(REGIONS)]
        resources.append(cls.model_validate(values))
    return Inventory(
        header=SnapshotHeader(scope=Scope(providers=["aws", "gcp"])), resources=resources
    )


def child(total: int) -> None:
    """One size, in this process: prints one JSON line of figures."""
    inventory = build(total)
    policies = load_default_policies()
    profile = load_profile("strict", load_catalog())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    jobs = int(os.environ.get("BAA_AUDIT_BENCH_JOBS") or default_jobs())
    start, cpu_start = time.perf_counter(), time.process_time()
    # as `baa-audit evaluate` does: from SPILL_RESOURCES resources the findings go to a file
    # as they are judged, never all held
    spill = FindingsSpill() if total >= SPILL_RESOURCES else None
    result = evaluate(inventory, policies, profile, now=datetime.now(UTC), jobs=jobs, spill=spill)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "resources": len(inventory.resources),
        "policies": len(result.policies),
        "findings": result.finding_count(),
        "spilled": spill is not None,
        "seconds": elapsed,
        "cpu": cpu,
        "jobs": jobs,
        "workers_cpu": workers.ru_utime + workers.ru_stime,
        "workers_peak_mib": workers.ru_maxrss / 1024,
        "peak_mib": peak / 1024,
        "built_mib": rss_before / 1024,
    }
    print(json.dumps(figures))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return
    jobs = os.environ.get("BAA_AUDIT_BENCH_JOBS") or str(default_jobs())
    print(f"engine: profile strict, {os.cpu_count()} cores, --jobs {jobs}")
    print(
        f"  {'resources':>10} {'findings':>10} {'evaluate':>9} {'cpu':>8} {'workers':>8} "
        f"{'per 100k':>9} {'resources/s':>12} {'peak RSS':>9} {'inventory':>10} {'worker RSS':>10}"
    )
    for total in sizes():
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(total)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(f"  {total:>10,} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        f = json.loads(proc.stdout.strip().splitlines()[-1])
        # the critical path on an idle machine: this process's CPU (it receives the findings)
        # or a worker's, whichever is longer; on a loaded machine wall time says less
        path = max(f["cpu"], f["workers_cpu"] / f["jobs"])
        per = path / f["resources"] * 100_000
        print(
            f"  {f['resources']:>10,} {f['findings']:>10,} {f['seconds']:>8.2f}s "
            f"{f['cpu']:>7.2f}s {f['workers_cpu']:>7.2f}s {per:>8.2f}s "
            f"{f['resources'] / path:>12,.0f} {f['peak_mib']:>6,.0f} MiB "
            f"{f['built_mib']:>6,.0f} MiB {f['workers_peak_mib']:>6,.0f} MiB"
        )
    print(
        "  (wall and CPU seconds of the evaluation, this process and its workers; per 100k and "
        "resources/s on the critical path: the longer of this process's CPU and a worker's; "
        "peak RSS: the bench process's, inventory built in memory first, and a worker's; from "
        f"{SPILL_RESOURCES:,} resources the findings are spilled to a file as they are judged)"
    )


if __name__ == "__main__":
    main()
