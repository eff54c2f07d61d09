"""Effective Data Access audit logging through the organization / folder / project hierarchy.

Audit configs are inherited and additive: a log type turned on at the organization is on for
every project below it, and an exempted member at any level is exempt below it. The promise
"all PHI access is logged" holds for a project when, counting the project and every ancestor,
``allServices`` has ADMIN_READ, DATA_READ and DATA_WRITE and nobody is exempted anywhere.

Why Python: the effective setting is a walk up the hierarchy (project, folders, organization),
each node found by the path its child names, with a union across the levels read; a condition
reads one resource and what it joins by reference, not an unbounded chain of ancestors.

Three-valued: an exemption read at any level is a FAIL whatever else is unread, and so is a log
type missing at every level when every level was read; an unread level (a missing ancestor, an
unread IAM policy) could hold an exemption, so PASS needs every level read, and the verdict is
unknown otherwise, naming what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from auditor.core.model.base import Resource
from auditor.judge.policy.truth import Missing
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry
from auditor.judge.predicates.gcp.hierarchy import HIERARCHY_TYPES, lineage, node_level, node_path

REQUIRED_LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")


@dataclass(frozen=True)
class _Level:
    """What one node's audit configs contribute: its configs as evidence, the log types it turns
    on for allServices, its exemptions (or the gaps that left its configs unread)."""

    configs: list[dict[str, Any]]
    enabled: tuple[str, ...]
    exemptions: tuple[str, ...]
    unread: tuple[Missing, ...] = ()


def _level(node: Resource, ctx: PredicateContext) -> _Level:
    gaps = ctx.unread(node, ("audit_configs",))
    if gaps:
        return _Level([], (), (), gaps)
    where = node_path(node) or node.id
    configs = getattr(node, "audit_configs", [])
    enabled: list[str] = []
    exemptions: list[str] = []
    for config in configs:
        for log_config in config.audit_log_configs:
            if config.service == "allServices":
                enabled.append(log_config.log_type)
            for member in log_config.exempted_members:
                exemptions.append(
                    f"{member} from {log_config.log_type} of {config.service} at {where}"
                )
    shown = [
        {"service": c.service, "log_types": [lc.log_type for lc in c.audit_log_configs]}
        for c in configs
    ]
    return _Level(shown, tuple(enabled), tuple(exemptions))


@predicate(
    "gcp.resourcemanager.project",
    reads=("audit_configs", "ancestors"),
    related=HIERARCHY_TYPES,
)
def gcp_effective_data_access_logging(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Data Access audit logs for allServices, effective through the hierarchy"""
    chain = lineage(resource, ctx)
    enabled: dict[str, list[str]] = {}
    exemptions: list[str] = []
    levels: dict[str, Any] = {}
    unread: list[Missing] = []
    for step in chain.steps:
        if isinstance(step, Missing):
            unread.append(step)
            continue
        node = step
        # the project itself is read here; a folder or the organization once per run
        level = (
            _level(node, ctx)
            if node is resource
            else node_level("audit_configs", node, ctx, partial(_level, node, ctx))
        )
        if level.unread:
            unread.extend(level.unread)
            continue
        where = node_path(node) or node.id
        levels[where] = level.configs
        for log_type in level.enabled:
            enabled.setdefault(log_type, []).append(where)
        exemptions.extend(level.exemptions)
    missing = [t for t in REQUIRED_LOG_TYPES if t not in enabled]
    evidence = {
        "enabled_for_all_services": {t: enabled.get(t, []) for t in REQUIRED_LOG_TYPES},
        "exemptions": exemptions,
        "levels": levels,
        "levels_not_read": [m.subject for m in unread],
    }
    if exemptions:
        return Verdict.fail(
            f"Data Access logging is incomplete: exempted: {'; '.join(exemptions)}.",
            evidence,
            unread,
        )
    if unread:
        return Verdict.unknown(unread, evidence=evidence)
    if not missing:
        return Verdict.passed(
            "ADMIN_READ, DATA_READ and DATA_WRITE are logged for allServices (set at "
            + ", ".join(sorted({w for ws in enabled.values() for w in ws}))
            + ") with no exemptions.",
            evidence,
        )
    return Verdict.fail(
        f"Data Access logging is incomplete: allServices lacks {', '.join(missing)} at every "
        "level.",
        evidence,
    )


AUDIT_PREDICATES = registry(
    gcp_effective_data_access_logging,
)

__all__ = ["AUDIT_PREDICATES", "REQUIRED_LOG_TYPES"]
