"""Throughput of the GCP sources outside Cloud Asset Inventory, over HTTP to the local emulator.

Run: python bench/gcp_sources_bench.py [PROJECTS]

Reads logging config (3 calls), Vertex cache config and IAP settings for PROJECTS synthetic
projects (default 500) plus the organization's bindings and 2,000 directory users, with the
same clients a live run uses (AuthorizedSession, anonymous credentials), and prints calls per
second and peak memory.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from baa_audit_sample.gcp.emulator import GcpEmulator
from baa_audit_sample.gcp.routes_extra import ExtraData, install_extra_routes, sample_extra_data
from baa_audit_sample.gcp.sample_org import ORG

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.accesscontext import collect_access_bindings
from auditor.collect.gcp.directory import collect_directory
from auditor.collect.gcp.iap import collect_iap
from auditor.collect.gcp.logging_config import collect_logging_config
from auditor.collect.gcp.rest_source import Targets
from auditor.collect.gcp.vertex import collect_vertex
from auditor.core.inventory import Inventory
from auditor.core.progress import NullProgress


def data_for(projects: list[str]) -> ExtraData:
    base = sample_extra_data()
    template_sinks = base.sinks["projects/phi-analytics"]
    template_buckets = base.buckets["projects/phi-analytics"]
    for pid in projects:
        base.sinks[f"projects/{pid}"] = [dict(s) for s in template_sinks]
        base.buckets[f"projects/{pid}"] = [
            {**b, "name": b["name"].replace("phi-analytics", pid)} for b in template_buckets
        ]
        base.exclusions[f"projects/{pid}"] = list(base.exclusions["projects/phi-analytics"])
        base.cache_configs[pid] = {"name": f"projects/{pid}/cacheConfig", "disableCache": True}
        base.iap_settings[f"projects/{pid}/iap_web"] = {"name": f"projects/{pid}/iap_web"}
    user = base.users[0]
    base.users = [
        {**user, "id": str(10**20 + i), "primaryEmail": f"user{i}@example-health.org"}
        for i in range(2000)
    ]
    return base


def run_all(options: CollectOptions, inventory: Inventory, targets: Targets) -> None:
    for collect in (
        collect_directory,
        collect_access_bindings,
        collect_iap,
        collect_vertex,
        collect_logging_config,
    ):
        collect(options, inventory, NullProgress(), targets)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    projects = [f"bench-{i:05d}" for i in range(count)]
    emulator = GcpEmulator()
    install_extra_routes(emulator, data_for(projects))
    targets = Targets(organization=ORG, projects=[(p, p) for p in projects])
    with emulator.serve() as endpoint:
        options = CollectOptions(gcp_endpoint=endpoint, gcp_sources=["all"], workers=8)
        inventory = Inventory()
        start = time.perf_counter()
        run_all(options, inventory, targets)
        elapsed = time.perf_counter() - start
        calls = len(emulator.requests)
        # a second pass under tracemalloc, for peak memory only (it slows the run down)
        tracemalloc.start()
        run_all(options, Inventory(), targets)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    gaps = len(inventory.listing_gaps)
    print(f"projects: {count}  users: 2000  HTTP calls: {calls}  listing gaps: {gaps}")
    print(f"resources: {len(inventory.resources)}  wall: {elapsed:.2f} s")
    print(f"calls/s: {calls / elapsed:.0f}  resources/s: {len(inventory.resources) / elapsed:.0f}")
    print(f"peak traced memory: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
