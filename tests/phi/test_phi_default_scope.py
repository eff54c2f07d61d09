"""The default scope: every log group / log is sampled, whatever its name, and PHI in one that no
old prefix named (``portal-web``) FAILs the promise end to end, on AWS over moto's server and on
GCP over the local Cloud Logging server, judged with the shipped strict profile."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from auditor.collect.base import CollectOptions
from auditor.collect.phi.sampler_aws import sample_cloudwatch
from auditor.collect.phi.sampler_gcp import sample_cloud_logging
from auditor.core.inventory import Inventory
from auditor.core.progress import NullProgress
from auditor.judge.policy.loader import load_default_policies
from auditor.judge.profile import load_profile

from .test_phi_sampler_gcp import PROJECT, _entry

pytestmark = pytest.mark.e2e

LEAK = [
    '{"level":"info","msg":"intake saved","patient_name":"Maria Kowalska","dob":"1961-07-04"}',
    "appointment booked for Seo-yeon Park, callback +44 20 7946 0958",
]
CLEAN = ["GET /healthz 200 2ms version=2.14.3", "sms-gateway delivered batch 4631 in 73ms"]


def strict_params() -> Any:
    policy_set = load_default_policies(())
    return load_profile("strict", policy_set.catalog).profile.parameters()


def test_strict_profile_names_no_prefixes() -> None:
    assert strict_params().log_groups_in_scope is None


def test_aws_group_outside_the_old_prefixes_fails(
    moto_env: str, evaluate: Any, tmp_path: Any
) -> None:
    logs = boto3.client("logs", region_name="us-east-1")
    now = int(time.time() * 1000) - 60_000
    for group, lines in (("portal-web", LEAK), ("/app/clean", CLEAN)):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_log_events(
            logGroupName=group,
            logStreamName="s",
            logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(lines)],
        )
    options = CollectOptions(
        regions=["us-east-1"],
        params=strict_params(),
        sample_logs=True,
        sampling={"window_hours": 3, "hash_salt": "s"},
    )
    inv = Inventory()
    sample_cloudwatch(boto3.Session(region_name="us-east-1"), options, inv, NullProgress())
    assert {r.name for r in inv.resources} == {"portal-web", "/app/clean"}
    result = evaluate(inv, tmp_path)
    status = {f.resource.name: f.status for f in result.findings if f.policy_id == "AWS-PHI-001"}
    assert status == {"portal-web": "FAIL", "/app/clean": "PASS"}, status


def test_gcp_log_outside_the_old_prefixes_fails(
    fake_logging: tuple[Any, str], evaluate: Any, tmp_path: Any
) -> None:
    fake, url = fake_logging
    fake.entries += [_entry("portal-web", i, m) for i, m in enumerate(LEAK)]
    fake.entries += [_entry("worker", i, m) for i, m in enumerate(CLEAN)]
    options = CollectOptions(
        gcp_scope=f"projects/{PROJECT}",
        gcp_endpoint=url,
        params=strict_params(),
        sample_logs=True,
        sampling={"window_hours": 2, "hash_salt": "s"},
    )
    inv = Inventory()
    sample_cloud_logging(options, inv, NullProgress())
    assert {r.name for r in inv.resources} == {"portal-web", "worker"}
    result = evaluate(inv, tmp_path)
    status = {f.resource.name: f.status for f in result.findings if f.policy_id == "GCP-PHI-001"}
    assert status == {"portal-web": "FAIL", "worker": "PASS"}, status


def test_no_logs_at_all_is_not_applicable(moto_env: str, evaluate: Any, tmp_path: Any) -> None:
    options = CollectOptions(
        regions=["us-east-1"], params=strict_params(), sample_logs=True, sampling={}
    )
    inv = Inventory()
    sample_cloudwatch(boto3.Session(region_name="us-east-1"), options, inv, NullProgress())
    result = evaluate(inv, tmp_path)
    mine = [f for f in result.findings if f.policy_id == "AWS-PHI-001"]
    assert [f.status for f in mine] == ["NOT_APPLICABLE"]
