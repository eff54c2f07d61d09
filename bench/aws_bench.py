"""AWS collector benchmark: a seeded emulated account of >= 2,000 resources over 4 regions.

Starts moto's server on 127.0.0.1 (in this process), seeds it over HTTP, then runs the real AWS
collector (every registered service collector, default 8 workers) twice: once for wall time and
API calls (counted with botocore's ``before-call`` event), once under tracemalloc for peak
memory. Prints the figures. The emulator runs in the same process and shares the interpreter
with the collector, so wall time here is an upper bound on the collector's own cost.

    python bench/aws_bench.py [--per-region N]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(endpoint: str, per_region: int) -> int:
    """Create ``per_region`` resources of mixed kinds in each region; return the total."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1})
    total = 0
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, config=config)
    for region in REGIONS:

        def c(svc: str, region: str = region) -> Any:
            return boto3.client(svc, region_name=region, endpoint_url=endpoint, config=config)

        ec2, ddb, kms, efs, elbv2, rds = (
            c("ec2"),
            c("dynamodb"),
            c("kms"),
            c("efs"),
            c("elbv2"),
            c("rds"),
        )
        volumes = per_region * 50 // 100
        for i in range(volumes):
            vol = ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=i % 3 != 0)
            if i % 5 == 0:
                ec2.create_snapshot(VolumeId=vol["VolumeId"])
                total += 1
        total += volumes
        for i in range(per_region * 10 // 100):
            ddb.create_table(
                TableName=f"t{i}",
                KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            total += 1
        for i in range(per_region * 10 // 100):
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            if i % 2:
                kms.enable_key_rotation(KeyId=key)
            total += 1
        for i in range(per_region * 5 // 100):
            efs.create_file_system(CreationToken=f"fs{i}", Encrypted=bool(i % 2))
            total += 1
        for i in range(per_region * 3 // 100):
            rds.create_db_instance(
                DBInstanceIdentifier=f"db{i}",
                DBInstanceClass="db.t3.micro",
                Engine="postgres",
                MasterUsername="admin_user",
                MasterUserPassword="bench-password",
                AllocatedStorage=20,
                StorageEncrypted=bool(i % 2),
            )
            total += 1
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(
                VpcId=vpc, CidrBlock=f"10.9.{n}.0/24", AvailabilityZone=f"{region}{az}"
            )["Subnet"]["SubnetId"]
            for n, az in ((1, "a"), (2, "b"))
        ]
        for i in range(per_region * 2 // 100):
            lb = elbv2.create_load_balancer(Name=f"lb{i}", Subnets=subnets)["LoadBalancers"][0][
                "LoadBalancerArn"
            ]
            for port in (80, 8080, 8081, 8082):
                elbv2.create_listener(
                    LoadBalancerArn=lb,
                    Protocol="HTTP",
                    Port=port,
                    DefaultActions=[
                        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}
                    ],
                )
                total += 1
        for i in range(per_region * 5 // 100):
            s3.create_bucket(
                Bucket=f"bench-{region}-{i}",
                **(
                    {}
                    if region == "us-east-1"
                    else {"CreateBucketConfiguration": {"LocationConstraint": region}}
                ),
            )
            total += 1
    return total


def collect(count_calls: bool) -> tuple[float, int, int, Counter[str]]:
    import boto3

    from auditor.collect.aws.run import collect_aws
    from auditor.collect.base import CollectOptions
    from auditor.core.inventory import Inventory
    from auditor.core.progress import NullProgress

    calls: Counter[str] = Counter()
    lock = threading.Lock()
    session = boto3.Session()

    def count(model: Any, **_: Any) -> None:
        with lock:
            calls[f"{model.service_model.service_name}:{model.name}"] += 1

    def factory(service: str, region: str, config: Any) -> Any:
        client = session.client(service, region_name=region, config=config)
        if count_calls:
            client.meta.events.register("before-call", count)
        return client

    inventory = Inventory()
    started = time.perf_counter()
    collect_aws(CollectOptions(regions=REGIONS, client_factory=factory), inventory, NullProgress())
    wall = time.perf_counter() - started
    return wall, len(inventory.resources), len(inventory.listing_gaps), calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-region", type=int, default=560, help="resources seeded per region")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=endpoint,
        AWS_MAX_ATTEMPTS="1",
    )
    try:
        t0 = time.perf_counter()
        seeded = seed(endpoint, args.per_region)
        seed_time = time.perf_counter() - t0
        wall, resources, gaps, calls = collect(count_calls=True)
        tracemalloc.start()
        collect(count_calls=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        server.stop()

    total_calls = sum(calls.values())
    print(f"aws_bench: seeded {seeded} resources over {len(REGIONS)} regions in {seed_time:.1f}s")
    print(
        f"aws_bench: collected {resources} resources ({gaps} listing gaps, from operations moto lacks)"
    )
    print(f"aws_bench: wall time {wall:.2f}s ({resources / wall:.0f} resources/s, 8 workers)")
    print(
        f"aws_bench: API calls {total_calls} ({total_calls / max(resources, 1):.2f} per resource)"
    )
    print(f"aws_bench: peak traced Python memory during collection {peak / 2**20:.1f} MiB")
    print(
        "aws_bench: busiest operations: " + ", ".join(f"{op} {n}" for op, n in calls.most_common(6))
    )


if __name__ == "__main__":
    main()
