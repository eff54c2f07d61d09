"""A snapshot of a few hundred resources of every type the policies judge, made from the
policies' own cases (each case resource, copied into a few accounts and regions)."""

from __future__ import annotations

from pathlib import Path

from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot
from auditor.core.model.base import Resource
from auditor.core.model.registry import resource_types
from auditor.core.scope import Scope
from auditor.core.yamlio import plain, read_yaml
from auditor.judge.policy.cases import cases_file
from auditor.judge.policy.loader import load_default_policies

REGIONS = ("us-east-1", "eu-west-1")


def case_resources(copies: int = 2) -> list[Resource]:
    policies = load_default_policies()
    types = resource_types()
    found: list[Resource] = []
    index = 0
    for policy in policies.policies:
        node = plain(read_yaml(cases_file(policies.files[policy.id])))
        for case in node.get("cases", []):
            items = ([case["resource"]] if "resource" in case else []) + list(
                case.get("inventory", [])
            )
            for item in items:
                cls = types[item.get("type", policy.resource_type)]
                for copy in range(copies):
                    values = {k: v for k, v in item.items() if k != "type"}
                    values["id"] = f"{values.get('id', 'res')}-{index}"
                    values["account"] = (
                        f"{100000000000 + copy}" if cls.provider == "aws" else f"project-{copy}"
                    )
                    values["region"] = REGIONS[index % len(REGIONS)]
                    found.append(cls.model_validate(values))
                    index += 1
    return found


def write_snapshot(path: Path, copies: int = 2) -> Path:
    inventory = Inventory(
        header=SnapshotHeader(scope=Scope(providers=["aws", "gcp"])),
        resources=case_resources(copies),
    )
    dump_snapshot(inventory, path)
    return path
