"""Cloud Asset Inventory collection speed: assets per second through the real client over HTTP.

Builds a synthetic organization (default 520 projects, about 50,000 assets with IAM and org
policies), serves it from the emulator in a separate process (so the figures are the
collector's alone), runs ``collect_gcp`` against it with the google-cloud-asset REST client,
streams the inventory to a snapshot file, and prints:

* assets listed and resources built, wall time, assets per second;
* peak resident memory of the collector process (ru_maxrss) and its growth during the run.

    python bench/gcp_bench.py [--projects 520] [--page-size 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def synthetic_org(projects: int) -> list[dict[str, Any]]:
    from baa_audit_sample.gcp import sample_org as s

    folders = [f"folders/{900000 + i}" for i in range(max(1, projects // 50))]
    assets: list[dict[str, Any]] = [
        a for a in s.hierarchy() if a["assetType"].endswith("Organization")
    ]
    for folder in folders:
        assets.append(
            s.asset(
                f"//cloudresourcemanager.googleapis.com/{folder}",
                "cloudresourcemanager.googleapis.com/Folder",
                {
                    "name": folder,
                    "displayName": folder,
                    "parent": s.ORG,
                    "lifecycleState": "ACTIVE",
                },
                folder=folder,
                iam_policy={
                    "bindings": [{"role": "roles/viewer", "members": ["group:eng@example.org"]}]
                },
            )
        )
    for i in range(projects):
        pid, number, folder = f"bench-{i:04d}", str(200000 + i), folders[i % len(folders)]
        s.PROJECTS[pid] = (number, folder)  # the builders look projects up here
        owner = {
            "bindings": [{"role": "roles/owner", "members": [f"group:owners-{i}@example.org"]}]
        }
        assets.append(
            s.asset(
                f"//cloudresourcemanager.googleapis.com/projects/{number}",
                "cloudresourcemanager.googleapis.com/Project",
                {
                    "projectNumber": number,
                    "projectId": pid,
                    "lifecycleState": "ACTIVE",
                    "name": pid,
                    "parent": {"type": "folder", "id": folder.split("/")[1]},
                },
                project_id=pid,
                iam_policy=owner,
                org_policy=[
                    {
                        "constraint": "constraints/gcp.restrictNonCmekServices",
                        "listPolicy": {"deniedValues": ["storage.googleapis.com"]},
                    }
                ]
                if i % 10 == 0
                else None,
            )
        )
        key = f"projects/{pid}/locations/us/keyRings/r/cryptoKeys/k"
        for n in range(20):
            api = ["storage", "sqladmin", "compute", "bigquery", "cloudkms"][
                n % 5
            ] + f"{n}.googleapis.com"
            assets.append(
                s.asset(
                    f"//serviceusage.googleapis.com/projects/{number}/services/{api}",
                    "serviceusage.googleapis.com/Service",
                    {
                        "name": f"projects/{number}/services/{api}",
                        "state": "ENABLED",
                        "config": {"name": api},
                    },
                    project_id=pid,
                )
            )
        for n in range(20):
            assets.append(
                s.asset(
                    f"//storage.googleapis.com/{pid}-b{n}",
                    "storage.googleapis.com/Bucket",
                    {
                        "name": f"{pid}-b{n}",
                        "encryption": {"defaultKmsKeyName": key},
                        "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}},
                    },
                    project_id=pid,
                    location="us",
                    iam_policy=owner,
                )
            )
        for n in range(15):
            assets.append(
                s.asset(
                    f"//compute.googleapis.com/projects/{pid}/zones/us-central1-a/disks/d{n}",
                    "compute.googleapis.com/Disk",
                    {"name": f"d{n}", "diskEncryptionKey": {"kmsKeyName": key}},
                    project_id=pid,
                    location="us-central1-a",
                )
            )
        for n in range(10):
            assets.append(
                s.asset(
                    f"//cloudkms.googleapis.com/{key}{n}",
                    "cloudkms.googleapis.com/CryptoKey",
                    {
                        "name": key + str(n),
                        "purpose": "ENCRYPT_DECRYPT",
                        "rotationPeriod": "7776000s",
                        "versionTemplate": {"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"},
                    },
                    project_id=pid,
                    location="us",
                )
            )
        for n in range(10):
            assets.append(
                s.asset(
                    f"//iam.googleapis.com/projects/{pid}/serviceAccounts/sa@x/keys/k{n}",
                    "iam.googleapis.com/ServiceAccountKey",
                    {
                        "name": f"projects/{pid}/serviceAccounts/sa@x/keys/k{n}",
                        "keyType": "SYSTEM_MANAGED",
                    },
                    project_id=pid,
                )
            )
        for n in range(5):
            assets.append(
                s.asset(
                    f"//cloudsql.googleapis.com/projects/{pid}/instances/db{n}",
                    "sqladmin.googleapis.com/Instance",
                    {
                        "name": f"db{n}",
                        "settings": {"ipConfiguration": {"sslMode": "ENCRYPTED_ONLY"}},
                    },
                    project_id=pid,
                    location="us-central1",
                )
            )
            assets.append(
                s.asset(
                    f"//bigquery.googleapis.com/projects/{pid}/datasets/ds{n}",
                    "bigquery.googleapis.com/Dataset",
                    {"id": f"{pid}:ds{n}"},
                    project_id=pid,
                    location="US",
                )
            )
            assets.append(
                s.asset(
                    f"//compute.googleapis.com/projects/{pid}/global/sslPolicies/p{n}",
                    "compute.googleapis.com/SslPolicy",
                    {"name": f"p{n}", "minTlsVersion": "TLS_1_2", "profile": "MODERN"},
                    project_id=pid,
                )
            )
            assets.append(
                s.asset(
                    f"//compute.googleapis.com/projects/{pid}/global/targetHttpsProxies/x{n}",
                    "compute.googleapis.com/TargetHttpsProxy",
                    {"name": f"x{n}"},
                    project_id=pid,
                )
            )
            assets.append(
                s.asset(
                    f"//compute.googleapis.com/projects/{pid}/global/urlMaps/u{n}",
                    "compute.googleapis.com/UrlMap",
                    {"name": f"u{n}", "defaultUrlRedirect": {"httpsRedirect": True}},
                    project_id=pid,
                )
            )
    return assets


def serve(projects: int) -> None:
    """Child process: build the organization, serve it, print the endpoint, wait for stdin EOF."""
    from baa_audit_sample.gcp.emulator import GcpEmulator

    assets = synthetic_org(projects)
    emulator = GcpEmulator(assets)
    with emulator.serve() as endpoint:
        print(json.dumps({"endpoint": endpoint, "assets": len(assets)}), flush=True)
        sys.stdin.read()


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=520)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.projects)
        return

    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--projects", str(args.projects)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        info = json.loads(child.stdout.readline())
        from auditor.collect.base import CollectOptions
        from auditor.collect.gcp.assemble import Assembler
        from auditor.collect.gcp.run import collect_cai, make_asset_client
        from auditor.core.inventory import SnapshotHeader, SnapshotWriter
        from auditor.core.progress import NullProgress
        from auditor.core.scope import Scope

        scope = "organizations/123456789012"
        options = CollectOptions(gcp_scope=scope, gcp_endpoint=info["endpoint"])
        client = make_asset_client(options)
        rss_before = maxrss_mib()
        with tempfile.TemporaryDirectory() as tmp:
            snapshot = Path(tmp) / "gcp.snapshot.jsonl"
            started = time.perf_counter()
            with SnapshotWriter(
                snapshot, SnapshotHeader(scope=Scope(providers=["gcp"], gcp_parent=scope))
            ) as sink:
                assembler = Assembler(scope)
                collect_cai(client, scope, assembler, NullProgress(), page_size=args.page_size)
                listed = len(assembler.resources) + len(assembler.iam) + len(assembler.org_policies)
                projects = assembler.finish(sink)
            elapsed = time.perf_counter() - started
            size = snapshot.stat().st_size
        rss_after = maxrss_mib()
        counts = dict(sink._counts)
        built = sum(counts.values())
        n_assets, n_projects = info["assets"], len(projects)
        print(f"organization: {n_assets} assets in {n_projects} projects (emulator: own process)")
        print(
            f"listed: {listed} records (RESOURCE + IAM_POLICY + ORG_POLICY), page {args.page_size}"
        )
        print(f"built: {built} resources, snapshot {size / 1e6:.1f} MB")
        print(f"wall time: {elapsed:.2f} s")
        print(f"throughput: {n_assets / elapsed:,.0f} assets/s ({listed / elapsed:,.0f} records/s)")
        grew = rss_after - rss_before
        print(f"peak RSS of the collector: {rss_after:.0f} MiB (grew {grew:.0f} MiB in the run)")
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=30)


if __name__ == "__main__":
    main()
