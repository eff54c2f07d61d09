"""The bundled sample AWS account: moto's server on 127.0.0.1, seeded over HTTP.

:func:`run_emulator` starts moto's ``ThreadedMotoServer`` on a free 127.0.0.1 port, seeds it with
compliant and non-compliant resources for every safeguard (encryption at rest and in transit from
:mod:`baa_audit_sample.aws.seed_encryption`; identity, sessions, audit logging, logs, AI and services
from :mod:`baa_audit_sample.aws.seed_identity`), puts the recorded-answers proxy of
:mod:`baa_audit_sample.aws.recorded` in front (it answers the reads moto lacks), and yields the URL
to point ``AWS_ENDPOINT_URL`` at. Everything stops when the block exits.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from typing import Any


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: Seed of moto's random generator: the sample's resource ids (instance, volume and key ids, ARN
#: suffixes) are drawn from it, so every run of the demo creates the same ids.
MOTO_SEED = 16


def _moto_api(endpoint: str, path: str) -> None:
    import urllib.request

    # our own 127.0.0.1 server, http only
    request = urllib.request.Request(f"{endpoint}{path}", method="POST", data=b"")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def _reset(endpoint: str) -> None:
    """Empty moto's state and seed its ids (both are per process, shared by every server in it)."""
    _moto_api(endpoint, "/moto-api/reset")
    _moto_api(endpoint, f"/moto-api/seed?a={MOTO_SEED}")


#: The regions the sample account has enabled (what ec2:DescribeRegions answers as in use): a scan
#: without --regions reads these, and --regions may name any of them.
SAMPLE_ACCOUNT_REGIONS = ("eu-west-1", "us-east-1", "us-west-2")


def record_what_moto_drops(endpoint: str, recordings: Any) -> None:
    """Fill the recordings with what the sample put but moto cannot answer (see recorded.py):
    the buckets' encryption documents and the ids of the AWS managed keys."""
    import boto3

    from baa_audit_sample.aws.recorded import encryption_document
    from baa_audit_sample.aws.seed_encryption import BUCKET_ENCRYPTION, REGION, WEST

    recordings.enabled_regions = SAMPLE_ACCOUNT_REGIONS
    recordings.bucket_encryption = {
        bucket: encryption_document(config) for bucket, config in BUCKET_ENCRYPTION.items()
    }
    for region in (REGION, WEST):
        kms = boto3.client("kms", endpoint_url=endpoint, region_name=region)
        for alias in kms.list_aliases().get("Aliases", []):
            if str(alias.get("AliasName", "")).startswith("alias/aws/") and alias.get(
                "TargetKeyId"
            ):
                recordings.aws_managed_keys.add(str(alias["TargetKeyId"]))


@contextlib.contextmanager
def run_emulator() -> Iterator[str]:
    """Start and seed the emulated account; yield the endpoint URL the collectors should use."""
    # must be set before moto is first imported: no built-in AMIs, so no foreign snapshots
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    from moto.server import ThreadedMotoServer

    from baa_audit_sample.aws.seed_encryption import seed_encryption

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    proxy = None
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _reset(endpoint)  # moto's state is per process, shared by every server in it
        saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
        try:
            seed_encryption(endpoint)
            try:
                from baa_audit_sample.aws.recorded import start_recorded_proxy
                from baa_audit_sample.aws.seed_identity import seed_identity
            except ImportError:
                recordings = None
            else:
                recordings = seed_identity(endpoint)
                record_what_moto_drops(endpoint, recordings)
                proxy = start_recorded_proxy(endpoint, recordings)
                endpoint = proxy.endpoint
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        yield endpoint
    finally:
        if proxy is not None:
            proxy.stop()
        server.stop()


__all__ = ["SAMPLE_ACCOUNT_REGIONS", "record_what_moto_drops", "run_emulator"]
