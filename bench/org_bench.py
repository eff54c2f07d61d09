"""Organization fan-out benchmark on an emulated organization (moto server mode over HTTP).

    python bench/org_bench.py [--accounts 20] [--big 100] [--workers 1,8,32]

Prints accounts per minute and API calls (HTTP requests) per account for a scan of the whole
organization with the real AWS collectors at each worker count, and the peak Python heap
(tracemalloc) while streaming the organization to a snapshot file at --accounts and --big
accounts. Each member holds one S3 bucket and one EBS volume; regions: us-east-1, eu-west-1.
Figures depend on the machine and on moto; compare them with each other, not with real AWS.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"

REGIONS = ["us-east-1", "eu-west-1"]
ROLE = "BaaAuditReadOnly"


def _env(endpoint: str) -> None:
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "2",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )


def _reset(endpoint: str) -> None:
    req = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(req, timeout=10).close()


def build(endpoint: str, members: int) -> None:
    import boto3

    _reset(endpoint)
    orgs = boto3.client("organizations", region_name="us-east-1")
    orgs.create_organization(FeatureSet="ALL")
    sts = boto3.client("sts", region_name="us-east-1")
    for i in range(members):
        account = orgs.create_account(Email=f"m{i}@example.invalid", AccountName=f"m{i}")[
            "CreateAccountStatus"
        ]["AccountId"]
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed"
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        session.client("s3", region_name="us-east-1").create_bucket(Bucket=f"phi-{account}")
        region = REGIONS[i % len(REGIONS)]
        session.client("ec2", region_name=region).create_volume(
            AvailabilityZone=f"{region}a", Size=1
        )


def scan(workers: int, snapshot: Path | None = None) -> tuple[int, float, int]:
    from auditor.collect.aws.organization import CallStats, collect_aws_organization
    from auditor.collect.base import CollectOptions
    from auditor.core.inventory import Inventory, SnapshotHeader, SnapshotWriter
    from auditor.core.progress import NullProgress

    stats = CallStats()
    options = CollectOptions(regions=REGIONS, org_role_name=ROLE, workers=workers)
    start = time.perf_counter()
    if snapshot is not None:
        with SnapshotWriter(snapshot, SnapshotHeader()) as writer:
            scope = collect_aws_organization(options, writer, NullProgress(), stats=stats)
    else:
        scope = collect_aws_organization(options, Inventory(), NullProgress(), stats=stats)
    return len(scope.aws_accounts), time.perf_counter() - start, stats.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts", type=int, default=20, help="member accounts for the speed runs"
    )
    parser.add_argument(
        "--big", type=int, default=100, help="member accounts for the second memory run"
    )
    parser.add_argument("--workers", default="1,8,32")
    args = parser.parse_args()

    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # moto's 500s for unemulated APIs

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server._server.server_address[:2]
    endpoint = f"http://{host}:{port}"
    _env(endpoint)
    try:
        build(endpoint, args.accounts)
        print(
            f"organization: 1 management + {args.accounts} member accounts, regions {','.join(REGIONS)}"
        )
        print(
            f"{'workers':>8} {'accounts':>9} {'seconds':>8} {'accounts/min':>13} {'API calls/account':>18}"
        )
        for workers in (int(w) for w in args.workers.split(",")):
            accounts, seconds, calls = scan(workers)
            print(
                f"{workers:>8} {accounts:>9} {seconds:>8.1f} {accounts / seconds * 60:>13.0f} {calls / accounts:>18.1f}"
            )
        print(f"{'members':>8} {'peak heap MiB':>14} {'snapshot KiB':>13}")
        for members in (args.accounts, args.big):
            if members != args.accounts:
                build(endpoint, members)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "snapshot.jsonl"
                tracemalloc.start()
                scan(8, path)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(f"{members:>8} {peak / 2**20:>14.1f} {path.stat().st_size / 1024:>13.0f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
