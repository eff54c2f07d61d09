"""Messages that name the real cause: cannot reach <url>, access denied with the permission,
throttled, credentials refused, bad input; never "check credentials" for a network problem."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.collect.aws.calls import CallFailed, cause


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("AccessDenied", ["access denied", "permission ec2:DescribeRegions"]),
        ("UnauthorizedOperation", ["access denied", "permission ec2:DescribeRegions"]),
        ("Throttling", ["throttled", "AWS_MAX_ATTEMPTS"]),
        ("RequestLimitExceeded", ["throttled"]),
        ("InvalidClientTokenId", ["credentials were refused", "--aws-profile"]),
        ("ValidationError", ["bad input", "ec2:DescribeRegions"]),
        ("Timeout", ["timed out"]),
    ],
)
def test_each_cause_is_named(code: str, words: list[str]) -> None:
    text = cause(CallFailed("ec2:DescribeRegions", code, "HTTP 400"))
    for word in words:
        assert word in text, text
    if code != "InvalidClientTokenId":
        assert "refused" not in text and "check credentials" not in text


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends: nothing listens


def _scan(args: list[str], out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BAA_AUDIT_"))}
    base.update(
        AWS_ACCESS_KEY_ID="x",
        AWS_SECRET_ACCESS_KEY="y",
        AWS_MAX_ATTEMPTS="1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "auditor.cli", "scan", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        env=base,
        timeout=300,
        check=False,
    )


def test_unreachable_aws_endpoint_says_cannot_reach(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    proc = _scan(
        ["--provider", "aws", "--regions", "us-east-1"], tmp_path / "out", AWS_ENDPOINT_URL=url
    )
    assert proc.returncode == 2, proc.stderr
    assert f"cannot reach {url}" in proc.stderr
    assert "check credentials" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "result.json").exists()


def test_unreachable_gcp_endpoint_says_cannot_reach(tmp_path: Path) -> None:
    pytest.importorskip("google.cloud.asset_v1", reason="needs the gcp extra")
    url = f"http://127.0.0.1:{_closed_port()}"
    proc = _scan(
        ["--provider", "gcp", "--gcp-scope", "organizations/1", "--gcp-endpoint", url],
        tmp_path / "out",
    )
    assert proc.returncode == 2, proc.stderr
    assert f"cannot reach {url}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "result.json").exists()


def test_gcp_denied_and_throttled_listings_name_the_cause() -> None:
    from google.api_core import exceptions as gexc

    from auditor.collect.gcp.run import failure_of

    denied = failure_of(gexc.PermissionDenied("no"), "IAM_POLICY", ["a/B"])
    assert "access denied: needs permission cloudasset.assets.listIamPolicy" in denied.message
    throttled = failure_of(gexc.TooManyRequests("quota"), "RESOURCE", ["a/B"])
    assert "throttled" in throttled.message
    bad = failure_of(gexc.BadRequest("pageSize"), "RESOURCE", ["a/B"])
    assert "bad input" in bad.message
