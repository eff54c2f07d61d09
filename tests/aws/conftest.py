"""Fixtures for AWS tests: moto's server mode on 127.0.0.1, reached over real HTTP.

Use them like this::

    def test_something(aws):                       # a clean emulated account for this test
        s3 = aws.client("s3")                      # boto3 client for seeding (us-east-1 default)
        s3.create_bucket(Bucket="b")
        inv = aws.collect(regions=["us-east-1"])   # run collect_aws into an in-memory Inventory
        ...

* ``moto_endpoint`` (session scope) starts one ``ThreadedMotoServer`` on a free 127.0.0.1 port in
  this process (so tests may also poke moto's backends) and stops it at the end of the session.
  ``MOTO_EC2_LOAD_DEFAULT_AMIS=false`` is set before moto is imported, so there are no built-in
  AMI snapshots.
* ``aws`` (function scope) wipes moto's state (``POST /moto-api/reset``) and sets, for this test
  only: ``AWS_ENDPOINT_URL`` (boto3 sends every client there), fake credentials,
  ``AWS_DEFAULT_REGION=us-east-1`` and ``AWS_MAX_ATTEMPTS=1`` (moto answers 500 for operations it
  lacks; retrying them only costs time). Tests of retries set ``AWS_MAX_ATTEMPTS`` themselves.
  It yields an :class:`AwsEmulator` with ``endpoint``, ``account``, ``client(service, region)``,
  ``collect(...)`` and ``point_at(url)`` (send the collector somewhere else, e.g. through
  :mod:`tests.aws.faultproxy`).
* ``fault_proxy`` (function scope) starts :class:`tests.aws.faultproxy.FaultProxy` in front of
  moto and points ``AWS_ENDPOINT_URL`` at it; seed through ``aws.client`` (which goes straight
  to moto) and add faults with ``fault_proxy.fail("elbv2:DescribeSSLPolicies", "AccessDenied")``.
"""

from __future__ import annotations

import os
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

ACCOUNT = "123456789012"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reset_moto(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
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
class AwsEmulator:
    endpoint: str
    account: str = ACCOUNT
    monkeypatch: pytest.MonkeyPatch | None = None
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A seeding client that talks to moto directly (never through a fault proxy)."""
        import boto3
        from botocore.config import Config

        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint,
                config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            )
        return self._clients[key]

    def point_at(self, url: str) -> None:
        """Send the collector (which reads AWS_ENDPOINT_URL) to ``url``."""
        assert self.monkeypatch is not None
        self.monkeypatch.setenv("AWS_ENDPOINT_URL", url)

    def collect(self, regions: list[str] | None = None, **options: Any) -> Any:
        """Run the AWS collector into an in-memory Inventory (scope on ``.header``)."""
        from auditor.collectors.aws.run import collect_aws
        from auditor.collectors.base import CollectOptions
        from auditor.inventory import Inventory
        from auditor.progress import NullProgress

        inventory = Inventory()
        scope = collect_aws(
            CollectOptions(regions=regions or ["us-east-1"], **options), inventory, NullProgress()
        )
        inventory.header.scope = scope
        return inventory


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsEmulator]:
    reset_moto(moto_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    yield AwsEmulator(endpoint=moto_endpoint, monkeypatch=monkeypatch)


@pytest.fixture
def fault_proxy(aws: AwsEmulator) -> Iterator[Any]:
    from .faultproxy import FaultProxy

    proxy = FaultProxy(aws.endpoint)
    proxy.start()
    aws.point_at(proxy.endpoint)
    try:
        yield proxy
    finally:
        proxy.stop()
