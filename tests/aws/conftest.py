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
* ``encryption_scan`` (session scope) seeds :mod:`baa_audit_sample.aws.seed_encryption`, runs
  ``baa-audit scan --provider aws`` over HTTP and returns a :class:`ScanRun` (exit code, result
  JSON, snapshot path, every operation the collectors called, through a :class:`FaultProxy` with
  no faults).
* ``fault_proxy`` (function scope) starts :class:`tests.aws.faultproxy.FaultProxy` in front of
  moto and points ``AWS_ENDPOINT_URL`` at it; seed through ``aws.client`` (which goes straight
  to moto) and add faults with ``fault_proxy.fail("elbv2:DescribeSSLPolicies", "AccessDenied")``.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

ACCOUNT = "123456789012"


TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_SESSION: Any = None


def shared_client(service: str, region: str, config: Any) -> Any:
    """Clients from one boto3 session for the whole test run: service models load once.

    The endpoint (AWS_ENDPOINT_URL), retries (AWS_MAX_ATTEMPTS) and credentials are still read
    from the environment when each client is made, so per-test settings apply.
    """
    global _SESSION
    import boto3

    if _SESSION is None:
        _SESSION = boto3.Session()
    return _SESSION.client(service, region_name=region, config=config)


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
        from auditor.collect.aws.run import collect_aws
        from auditor.collect.base import CollectOptions
        from auditor.core.inventory import Inventory
        from auditor.core.progress import NullProgress

        options.setdefault("client_factory", shared_client)
        inventory = Inventory()
        scope = collect_aws(
            CollectOptions(regions=regions or ["us-east-1"], **options), inventory, NullProgress()
        )
        inventory.header.scope = scope
        return inventory


def _test_env(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    for key, value in TEST_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_REGION", "AWS_PROFILE", "BAA_AUDIT_AWS_READ_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsEmulator]:
    reset_moto(moto_endpoint)
    _test_env(monkeypatch, moto_endpoint)
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


@dataclass
class ScanRun:
    exit_code: int
    output: str
    result: dict[str, Any]
    out: Path
    operations: list[str]

    def findings(self, policy_prefixes: tuple[str, ...] = ()) -> set[tuple[str, str, str]]:
        """(policy id, resource name, status) of findings on named resources."""
        return {
            (f["policy_id"], f["resource"].get("name") or f["resource"]["id"], f["status"])
            for f in self.result["findings"]
            if f["resource"]["id"] != "*" and f["policy_id"].startswith(policy_prefixes)
        }

    def place_findings(self, policy_id: str) -> dict[tuple[str | None, str], str]:
        """(region, id) -> status for findings about whole places (id '*')."""
        return {
            (f["resource"].get("region"), f["resource"]["id"]): f["status"]
            for f in self.result["findings"]
            if f["policy_id"] == policy_id and f["resource"]["id"] == "*"
        }


def run_cli(args: list[str]) -> tuple[int, str]:
    from click.testing import CliRunner

    from auditor.cli import cli

    runner = CliRunner()
    outcome = runner.invoke(cli, args, catch_exceptions=False)
    return outcome.exit_code, outcome.output


REGIONS = "us-east-1,us-west-2"


@pytest.fixture(scope="session")
def encryption_scan(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScanRun]:
    from baa_audit_sample.aws.seed_encryption import seed_encryption

    from .faultproxy import FaultProxy

    with pytest.MonkeyPatch.context() as monkeypatch:
        reset_moto(moto_endpoint)
        _test_env(monkeypatch, moto_endpoint)
        seed_encryption(moto_endpoint)
        proxy = FaultProxy(moto_endpoint).start()
        try:
            monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
            out = tmp_path_factory.mktemp("encryption-scan")
            code, output = run_cli(
                ["scan", "--provider", "aws", "--regions", REGIONS, "--out", str(out), "--quiet"]
            )
        finally:
            proxy.stop()
        result = json.loads((out / "result.json").read_text())
        yield ScanRun(code, output, result, out, list(proxy.operations))


def judge_result(
    inventory: Any, profile: str = "strict", params: dict[str, Any] | None = None
) -> Any:
    """The run result of an inventory judged with the shipped policies."""
    from datetime import UTC, datetime

    from auditor.judge.engine import evaluate
    from auditor.judge.policy.loader import load_default_policies
    from auditor.judge.profile import load_profile

    policies = load_default_policies()
    loaded = load_profile(profile, policies.catalog)
    return evaluate(inventory, policies, loaded, now=datetime.now(UTC), params_override=params)


def judge(
    inventory: Any, profile: str = "strict", params: dict[str, Any] | None = None
) -> set[tuple[str, str, str]]:
    """Evaluate an inventory with the shipped policies: (policy id, resource name, status)."""
    result = judge_result(inventory, profile, params)
    return {
        (f.policy_id, f.resource.name or f.resource.id, f.status)
        for f in result.findings
        if f.resource.id != "*"
    }


def only(findings: set[tuple[str, str, str]], *policy_ids: str) -> set[tuple[str, str, str]]:
    return {f for f in findings if f[0] in policy_ids}
