"""An emulated AWS organization on moto's server mode, reached over real HTTP.

``org`` (module scope) starts nothing new per test: it wipes the session's moto server, creates an
organization (management account 123456789012) with ``MEMBERS`` member accounts spread over two
OUs, and seeds each member, through its own assumed-role credentials, with one S3 bucket and one
EBS volume in one of ``REGIONS``. Collection goes through :class:`tests.org.stsproxy.StsDenyProxy`
(``AWS_ENDPOINT_URL`` points at it), which can deny sts:AssumeRole for chosen accounts.

The per-account collectors used here are two small test collectors (``test.s3.bucket``,
``test.ec2.volume``) registered in place of the AWS service registry, so these tests exercise the
fan-out itself: assume-role, threads, streaming, shards, gaps. tests/org/test_org_e2e.py runs the
real collectors, engine and policies.
"""

from __future__ import annotations

import os
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from auditor.core.model.base import Provider, Resource

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

MANAGEMENT = "123456789012"
MEMBERS = 21
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
ROLE = "BaaAuditReadOnly"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reset_moto(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


class TestBucket(Resource):
    resource_type: ClassVar[str] = "test.s3.bucket"
    provider: ClassVar[Provider] = "aws"


class TestVolume(Resource):
    resource_type: ClassVar[str] = "test.ec2.volume"
    provider: ClassVar[Provider] = "aws"

    encrypted: bool | None = None


TEST_TYPES: dict[str, type[Resource]] = {
    "test.s3.bucket": TestBucket,
    "test.ec2.volume": TestVolume,
}


def collect_buckets(ctx: Any, sink: Any) -> None:
    listed = ctx.listing("test.s3.bucket", "s3", "list_buckets")
    if listed is None:
        return
    buckets = listed.get("Buckets", [])
    for b in buckets:
        ctx.emit(TestBucket(id=f"arn:aws:s3:::{b['Name']}", name=b["Name"], account=ctx.account))
    ctx.covered("test.s3.bucket", len(buckets))


def collect_volumes(ctx: Any, sink: Any) -> None:
    listed = ctx.listing("test.ec2.volume", "ec2", "describe_volumes")
    if listed is None:
        return
    volumes = listed.get("Volumes", [])
    for v in volumes:
        ctx.emit(
            TestVolume(
                id=v["VolumeId"],
                account=ctx.account,
                region=ctx.region,
                encrypted=v.get("Encrypted"),
            )
        )
    ctx.covered("test.ec2.volume", len(volumes))


@pytest.fixture
def test_collectors(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.collect.aws import run, services

    registry = {
        "test-s3": services.ServiceCollector(collect_buckets, ("test.s3.bucket",), global_=True),
        "test-ec2": services.ServiceCollector(collect_volumes, ("test.ec2.volume",)),
    }
    monkeypatch.setattr(services, "SERVICE_COLLECTORS", registry)
    monkeypatch.setattr(run, "SERVICE_COLLECTORS", registry)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class EmulatedOrg:
    endpoint: str
    proxy: Any
    org_id: str
    root: str
    ous: dict[str, str]
    members: list[str]
    ou_of: dict[str, str]
    region_of: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def accounts(self) -> list[str]:
        return sorted([MANAGEMENT, *self.members])

    def role_arn(self, account: str) -> str:
        return f"arn:aws:iam::{account}:role/{ROLE}"

    def member_client(self, account: str, service: str, region: str = "us-east-1") -> Any:
        """A seeding client in ``account`` that talks to moto directly."""
        import boto3

        sts = boto3.client("sts", region_name="us-east-1", endpoint_url=self.endpoint)
        creds = sts.assume_role(RoleArn=self.role_arn(account), RoleSessionName="seed")[
            "Credentials"
        ]
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )


def build_org(endpoint: str, members: int, seed: bool = True) -> dict[str, Any]:
    """Create an organization of ``members`` member accounts on the moto server at ``endpoint``."""
    import boto3

    orgs = boto3.client("organizations", region_name="us-east-1", endpoint_url=endpoint)
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    ous = {
        name: orgs.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
        for name in ("clinical", "research")
    }
    nested = orgs.create_organizational_unit(ParentId=ous["clinical"], Name="clinical-eu")
    ous["clinical-eu"] = nested["OrganizationalUnit"]["Id"]
    ids: list[str] = []
    ou_of: dict[str, str] = {}
    region_of: dict[str, str] = {}
    for i in range(members):
        status = orgs.create_account(Email=f"member{i}@example.invalid", AccountName=f"member-{i}")
        account = status["CreateAccountStatus"]["AccountId"]
        ids.append(account)
        ou = ("clinical", "research", "clinical-eu", None)[i % 4]
        if ou is not None:
            orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ous[ou])
        ou_of[account] = ou or "root"
        region_of[account] = REGIONS[i % len(REGIONS)]
    return {
        "org_id": org_id,
        "root": root,
        "ous": ous,
        "members": ids,
        "ou_of": ou_of,
        "region_of": region_of,
    }


def seed_member(org: EmulatedOrg, account: str) -> None:
    region = org.region_of[account]
    org.member_client(account, "s3").create_bucket(Bucket=f"phi-{account}")
    org.member_client(account, "ec2", region).create_volume(
        AvailabilityZone=f"{region}a", Size=1, Encrypted=True
    )


@pytest.fixture(scope="module")
def org(moto_server: str) -> Iterator[EmulatedOrg]:
    from tests.org.stsproxy import StsDenyProxy

    saved = dict(os.environ)
    reset_moto(moto_server)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    for name in ("AWS_REGION", "AWS_PROFILE", "AWS_RETRY_MODE"):
        os.environ.pop(name, None)
    built = build_org(moto_server, MEMBERS)
    proxy = StsDenyProxy(moto_server)
    proxy.start()
    emulated = EmulatedOrg(endpoint=moto_server, proxy=proxy, **built)
    for account in emulated.members:
        seed_member(emulated, account)
    os.environ["AWS_ENDPOINT_URL"] = proxy.endpoint
    try:
        yield emulated
    finally:
        proxy.stop()
        os.environ.clear()
        os.environ.update(saved)
