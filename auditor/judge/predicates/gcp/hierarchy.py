"""Walking the resource hierarchy: a project's ancestors as inventory models.

Predicates that judge an *effective* setting (audit configs, organization policies) read the
project and every folder and the organization above it. An ancestor that is not in the
inventory (the scan's scope was below it) is unknown, never "nothing set there".
"""

from __future__ import annotations

from auditor.core.model.base import Gap, Resource
from auditor.judge.predicates.base import GapError, PredicateContext, legacy_related

HIERARCHY_TYPES = ("gcp.resourcemanager.folder", "gcp.resourcemanager.organization")


def node_path(resource: Resource) -> str | None:
    path = getattr(resource, "path", None)
    return str(path) if path else None


def lineage(resource: Resource, ctx: PredicateContext) -> list[Resource]:
    """``resource`` (a project, folder or organization) and its ancestors, nearest first.

    Raises :class:`GapError` for an ancestor the inventory does not hold.
    """
    nodes: dict[str, Resource] = {}
    for rtype in HIERARCHY_TYPES:
        for node in legacy_related(ctx, rtype):
            path = node_path(node)
            if path:
                nodes[path] = node
    chain: list[Resource] = [resource]
    own = node_path(resource)
    for ancestor in getattr(resource, "ancestors", []):
        if ancestor == own or ancestor.startswith("projects/"):
            continue
        found = nodes.get(ancestor)
        if found is None:
            raise GapError(
                Gap(
                    operation="cloudasset.ListAssets",
                    error_code="OutOfScope",
                    message=f"{ancestor} is above the scan scope; scan the organization to see "
                    "what it passes down",
                ),
                f"{ancestor} (ancestor)",
            )
        chain.append(found)
    return chain


def related_near(
    ctx: PredicateContext, rtype: str, resource: Resource, account: str | None = None
) -> list[Resource]:
    """Resources of ``rtype`` in ``account`` (default: the resource's own project).

    Raises :class:`GapError` when that listing failed in that project or at any folder or
    organization above the resource (where a scan's scope-wide listing gaps are recorded);
    a failure in some other project does not stop the join.
    """
    for ancestor in getattr(resource, "ancestors", []):
        if not ancestor.startswith("projects/"):
            legacy_related(ctx, rtype, account=ancestor)
    return legacy_related(ctx, rtype, account=account or resource.account)


def require_read(node: Resource, path: str) -> None:
    """Raise :class:`GapError` when ``path`` on ``node`` was not read."""
    gap = node.gap_for(path)
    if gap is not None:
        raise GapError(gap, f"{path} of {node_path(node) or node.id}")


__all__ = ["HIERARCHY_TYPES", "lineage", "node_path", "related_near", "require_read"]
