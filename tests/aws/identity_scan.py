"""Run ``baa-audit scan --provider aws`` over HTTP against moto, behind two proxies.

    boto3 (the collectors) -> FaultProxy (tests/aws/faultproxy.py: denials, throttling, 500s,
    delays) -> RecordedProxy (sample/baa_audit_sample/aws/recorded.py: real-shaped answers for what moto
    lacks) -> moto's server

and read back ``result.json``. Findings are keyed ``(policy_id, region, name)`` where ``name`` is
the resource's name (its id when it has none, ``*`` for a place-level finding), so tests can assert
the exact findings of a scan without knowing moto's random ids.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from baa_audit_sample.aws.recorded import RecordedProxy, Recordings
from click.testing import CliRunner

from auditor.cli import cli

from .faultproxy import FaultProxy

#: the policies AWS-2 owns (identity, sessions, audit logging, sanitized logs, AI, covered services)
PREFIXES = (
    "AWS-IAM-",
    "AWS-COG-",
    "AWS-SSO-",
    "AWS-CT-",
    "AWS-LOGS-",
    "AWS-ORG-",
    "AWS-BR-",
    "AWS-SVC-",
)

Key = tuple[str, str | None, str]


@dataclass
class Scan:
    exit_code: int
    output: str
    findings: list[dict[str, Any]]
    answered: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)

    def statuses(self, prefixes: Iterable[str] = PREFIXES) -> dict[Key, str]:
        wanted = tuple(prefixes)
        out: dict[Key, str] = {}
        for f in self.findings:
            if not f["policy_id"].startswith(wanted):
                continue
            ref = f["resource"]
            name = ref["id"] if ref["id"] == "*" else (ref.get("name") or ref["id"])
            key = (f["policy_id"], ref.get("region"), name)
            assert key not in out, f"two findings for {key}"
            out[key] = f["status"]
        return out

    def of(self, policy: str) -> dict[Key, str]:
        return {k: v for k, v in self.statuses().items() if k[0] == policy}

    def finding(self, policy: str, name: str) -> dict[str, Any]:
        for f in self.findings:
            if (
                f["policy_id"] == policy
                and (f["resource"].get("name") or f["resource"]["id"]) == name
            ):
                return f
        raise AssertionError(f"no {policy} finding for {name}")


def run_scan(
    moto_endpoint: str,
    recordings: Recordings,
    *,
    regions: Iterable[str] = ("us-east-1", "us-west-2"),
    profile: str = "strict",
    faults: Callable[[FaultProxy], None] | None = None,
    env: dict[str, str] | None = None,
) -> Scan:
    """Scan through both proxies with the CLI; returns the parsed result."""
    recorded = RecordedProxy(moto_endpoint, recordings).start()
    fault = FaultProxy(recorded.endpoint).start()
    if faults is not None:
        faults(fault)
    out = Path(tempfile.mkdtemp(prefix="baa-aws2-"))
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("AWS_ENDPOINT_URL", fault.endpoint)
            for key, value in (env or {}).items():
                mp.setenv(key, value)
            result = CliRunner().invoke(
                cli,
                [
                    "scan",
                    "--provider",
                    "aws",
                    "--profile",
                    profile,
                    "--regions",
                    ",".join(regions),
                    "--out",
                    str(out),
                    "--format",
                    "json",
                    "--quiet",
                ],
                catch_exceptions=False,
            )
        data = json.loads((out / "result.json").read_text())
    finally:
        fault.stop()
        recorded.stop()
    return Scan(
        exit_code=result.exit_code,
        output=result.output,
        findings=data["findings"],
        answered=list(recorded.answered),
        operations=list(fault.operations),
    )


__all__ = ["PREFIXES", "Scan", "run_scan"]
