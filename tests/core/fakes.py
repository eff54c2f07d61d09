"""Test-only resource models and helpers for exercising the engine without a cloud."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from auditor.core.model.base import Resource
from auditor.core.model.registry import build_registry
from auditor.judge.catalog import load_catalog
from auditor.judge.policy.loader import PolicySet, load_policies
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict


class FakeTls(BaseModel):
    protocols: list[str] | None = None
    policy_name: str | None = None


class FakeRule(BaseModel):
    algorithm: str | None = None


class FakeListener(Resource):
    resource_type = "aws.test.listener"
    provider = "aws"

    protocol: str | None = None
    load_balancer: str | None = None
    tls: FakeTls | None = None
    rules: list[FakeRule] | None = None
    port: int | None = None
    key_ref: str | None = None
    version: str | None = None


class FakeKey(Resource):
    resource_type = "aws.test.key"
    provider = "aws"

    key_id: str | None = None
    aliases: list[str] = []
    manager: str | None = None


TYPES = build_registry([FakeListener, FakeKey])


def _redirects(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, FakeListener)
    not_80 = ctx.check(resource, "port", lambda port: port != 80)
    return Verdict.from_truth(not_80, passed="fine", failed="listens on 80", evidence={"port": 80})


PREDICATES = {
    "fake_port_check": Predicate(
        name="fake_port_check", resource_type="aws.test.listener", reads=("port",), fn=_redirects
    )
}

TLS_POLICY = """\
id: TEST-ELB-001
title: Listeners accept only promised TLS versions
severity: high
resource: aws.test.listener
where: {path: protocol, in: [HTTPS, TLS]}
assert:
  all:
    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}
message:
  pass: "Listener {id} accepts only {tls.protocols}."
  fail: "Listener {id} on {load_balancer} allows {tls.protocols}; the BAA promises {params.allowed_tls_versions}."
safeguard: transmission-security
citations: [hipaa.164.312.e.1]
remediation:
  summary: Use a TLS 1.3 policy.
"""


def write_policy(directory: Path, text: str, name: str = "TEST-ELB-001") -> Path:
    target = directory / "aws" / "test"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.yaml"
    path.write_text(text)
    return path


def load_test_policies(directory: Path) -> PolicySet:
    return load_policies(load_catalog(), TYPES, PREDICATES, [directory], include_shipped=False)


def key(**kw: object) -> FakeKey:
    base: dict[str, object] = {
        "id": "arn:aws:kms:us-east-1:111111111111:key/k1",
        "account": "111111111111",
        "region": "us-east-1",
        "key_id": "k1",
        "aliases": ["alias/phi"],
        "manager": "CUSTOMER",
    }
    base.update(kw)
    return FakeKey.model_validate(base)


def listener(**kw: object) -> FakeListener:
    base: dict[str, object] = {
        "id": "arn:listener/1",
        "account": "111111111111",
        "region": "us-east-1",
        "protocol": "HTTPS",
        "load_balancer": "lb-1",
        "tls": {"protocols": ["TLSv1.3"]},
    }
    base.update(kw)
    return FakeListener.model_validate(base)
