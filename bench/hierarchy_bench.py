"""GCP hierarchy benchmark: the hierarchy predicates and joins over a synthetic organization.

    python bench/hierarchy_bench.py [--projects 4000] [--folders 80] [--depth 3] [--profile]

One organization, ``--folders`` folders per level nested ``--depth`` deep, ``--projects``
projects spread over the deepest folders, each with an IAM policy, an org policy at each folder,
and three buckets per project. Prints the evaluation time, findings per second and (with
--profile) the ten functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from datetime import UTC, datetime

from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.model.base import Coverage, Resource
from auditor.core.model.gcp.common import AuditConfig, AuditLogConfig
from auditor.core.model.gcp.orgpolicy import OrgPolicy
from auditor.core.model.gcp.resourcemanager import Folder, Organization, Project
from auditor.core.model.gcp.storage import Bucket
from auditor.core.scope import Scope
from auditor.judge.catalog import load_catalog
from auditor.judge.engine import evaluate
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

ORG = "organizations/1"


def synthetic(projects: int, folders: int, depth: int) -> list[Resource]:
    logs = [AuditLogConfig(log_type=t) for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]
    out: list[Resource] = [
        Organization(
            id=f"//cloudresourcemanager.googleapis.com/{ORG}",
            name="org",
            account=ORG,
            path=ORG,
            audit_configs=[AuditConfig(service="allServices", audit_log_configs=logs)],
        )
    ]
    level = [(ORG, [ORG])]
    n = 0
    for _ in range(depth):
        below = []
        for i in range(folders):
            parent, chain = level[i % len(level)]
            n += 1
            path = f"folders/{n}"
            out.append(
                Folder(
                    id=f"//cloudresourcemanager.googleapis.com/{path}",
                    name=path,
                    account=path,
                    path=path,
                    parent=parent,
                    ancestors=[path, *chain],
                )
            )
            out.append(
                OrgPolicy(
                    id=f"//orgpolicy/{path}/restrictNonCmekServices",
                    name="restrictNonCmekServices",
                    account=path,
                    constraint="constraints/gcp.restrictNonCmekServices",
                    attached_to=path,
                    inherit_from_parent=True,
                    denied_values=["storage.googleapis.com"],
                )
            )
            below.append((path, [path, *chain]))
        level = below
    for p in range(projects):
        parent, chain = level[p % len(level)]
        pid = f"project-{p}"
        ancestors = [f"projects/{1000 + p}", *chain]
        out.append(
            Project(
                id=f"//cloudresourcemanager.googleapis.com/projects/{1000 + p}",
                name=pid,
                account=pid,
                path=f"projects/{1000 + p}",
                project_id=pid,
                project_number=str(1000 + p),
                parent=parent,
                ancestors=ancestors,
            )
        )
        for b in range(3):
            out.append(
                Bucket(
                    id=f"//storage.googleapis.com/{pid}-b{b}",
                    name=f"{pid}-b{b}",
                    account=pid,
                    region="us",
                    ancestors=ancestors,
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=4000)
    parser.add_argument("--folders", type=int, default=80)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    resources = synthetic(args.projects, args.folders, args.depth)
    types = sorted({r.resource_type for r in resources})
    coverage = [Coverage(provider="gcp", account=ORG, resource_type=t, count=1) for t in types]
    inventory = Inventory(
        header=SnapshotHeader(scope=Scope(providers=["gcp"])),
        resources=resources,
        coverage=coverage,
    )
    policies = load_default_policies()
    profile = load_profile("strict", load_catalog())
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = evaluate(inventory, policies, profile, now=datetime.now(UTC))
    if profiler is not None:
        profiler.disable()
    elapsed = time.perf_counter() - start
    print(
        f"hierarchy: {len(resources)} resources ({args.projects} projects, {args.folders}x"
        f"{args.depth} folders) -> {len(result.findings)} findings in {elapsed:.2f} s "
        f"({len(resources) / elapsed:,.0f} resources/s)"
    )
    if profiler is not None:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(14)
        stats.print_stats("predicates|related")


if __name__ == "__main__":
    main()
