"""Walking the resource hierarchy: a resource's ancestors as inventory models, three-valued.

Predicates that judge an *effective* setting (audit configs, organization policies) read the
project and every folder and the organization above it. An ancestor the inventory does not hold
is unknown, never "nothing set there", and it makes unknown only what depends on it: a walk that
is already decided below the missing ancestor (a policy that does not inherit, a setting that can
only be added to) is not affected. The missing ancestor is named with the export or scope that
would bring it in.

The nodes are indexed by path once per run, each distinct chain of ancestors is resolved once,
each resource's lineage is built once (and shared by every predicate that walks it), and each
node's contribution to an effective setting is read once (:func:`node_level`), so judging every
project (and every resource below it) stays linear in the inventory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.core.model.base import Gap, ListingGap, Resource
from auditor.judge.policy.truth import Missing
from auditor.judge.predicates.base import PredicateContext

FOLDER = "gcp.resourcemanager.folder"
ORGANIZATION = "gcp.resourcemanager.organization"
PROJECT = "gcp.resourcemanager.project"
HIERARCHY_TYPES = (FOLDER, ORGANIZATION)
NODE_TYPES = (PROJECT, FOLDER, ORGANIZATION)
ASSET_TYPES = {
    "organizations": ("cloudresourcemanager.googleapis.com/Organization", ORGANIZATION),
    "folders": ("cloudresourcemanager.googleapis.com/Folder", FOLDER),
    "projects": ("cloudresourcemanager.googleapis.com/Project", PROJECT),
}
_MEMO = "gcp.hierarchy"
T = TypeVar("T")


def node_path(resource: Resource) -> str | None:
    path = getattr(resource, "path", None)
    return str(path) if path else None


def export_hint(path: str, content: str = "resource") -> str:
    """How to bring ``path``'s line of ``content`` (resource, iam-policy, org-policy) into a
    Cloud Asset export."""
    asset_type, _ = ASSET_TYPES.get(path.split("/", 1)[0], ("", ""))
    kind = f" --asset-types={asset_type}" if asset_type else ""
    return f"gcloud asset export --content-type={content}{kind} --organization=ORG_ID"


def missing_ancestor(ancestor: str, below: str) -> Missing:
    """The reason an ancestor is unknown: no resource line for it in the inventory."""
    asset_type, _ = ASSET_TYPES.get(ancestor.split("/", 1)[0], ("", ""))
    gap = Gap(
        operation=export_hint(ancestor),
        error_code="AncestorNotInInventory",
        message=(
            f"{ancestor} (above {below}) has no {asset_type or 'resource'} line in the "
            f"inventory: add its resource and IAM-policy lines to the export ("
            f"{export_hint(ancestor)}; {export_hint(ancestor, 'iam-policy')}), or scan from a "
            f"scope that includes it (--gcp-scope {ancestor})"
        ),
    )
    return Missing(gap, ancestor)


@dataclass(frozen=True)
class Lineage:
    """A resource and its ancestors, nearest first; an ancestor not in the inventory is a
    :class:`Missing` in its place."""

    steps: tuple[Resource | Missing, ...]

    @property
    def nodes(self) -> list[Resource]:
        return [s for s in self.steps if isinstance(s, Resource)]

    @property
    def missing(self) -> list[Missing]:
        return [s for s in self.steps if isinstance(s, Missing)]


class Hierarchy:
    """The organization, folders and projects of the inventory, indexed by path."""

    def __init__(self, ctx: PredicateContext) -> None:
        self.nodes: dict[str, Resource] = {}
        for rtype in NODE_TYPES:
            for node in ctx.index.all_of_type(rtype):
                path = node_path(node)
                if path:
                    self.nodes[path] = node
        self._gaps = {rtype: ctx.index.listing_gaps(rtype) for rtype in NODE_TYPES}
        self._chains: dict[tuple[str, ...], tuple[Resource | Missing, ...]] = {}
        self.lineages: dict[str, Lineage] = {}  # by resource id: shared by every predicate
        self.levels: dict[tuple[str, str], Any] = {}  # (what, node id) -> a node's contribution

    def _absent(self, ancestor: str, below: str) -> Missing:
        """Why an ancestor is not in the inventory: the failed listing that names it (an export
        without its line), a scope-wide failed listing of its type, or simply absent."""
        _, rtype = ASSET_TYPES.get(ancestor.split("/", 1)[0], ("", FOLDER))
        failed = self._gaps.get(rtype, ())
        for gap in failed:
            if isinstance(gap.gap, ListingGap) and gap.gap.account == ancestor:
                return Missing(gap.gap, ancestor)
        for gap in failed:
            account = gap.gap.account if isinstance(gap.gap, ListingGap) else ""
            if not account.startswith(("folders/", "projects/")):
                return gap  # the type's scope-wide listing failed
        return missing_ancestor(ancestor, below)

    def ancestors(self, ancestors: tuple[str, ...], below: str) -> tuple[Resource | Missing, ...]:
        """The folders and organization of an ``ancestors`` list (projects are left out: a
        resource's own project is not an ancestor of the project)."""
        key = (below, *ancestors)
        found = self._chains.get(key)
        if found is None:
            steps: list[Resource | Missing] = []
            for ancestor in ancestors:
                if ancestor == below or ancestor.startswith("projects/"):
                    continue
                node = self.nodes.get(ancestor)
                steps.append(node if node is not None else self._absent(ancestor, below))
            found = tuple(steps)
            self._chains[key] = found
        return found


def hierarchy(ctx: PredicateContext) -> Hierarchy:
    found = ctx.memo.get(_MEMO)
    if not isinstance(found, Hierarchy):
        found = Hierarchy(ctx)
        ctx.memo[_MEMO] = found
    return found


def lineage(resource: Resource, ctx: PredicateContext) -> Lineage:
    """``resource`` (a project, folder or organization) and its ancestors, nearest first.

    Computed once per run for each resource id (the audit-config and every org-policy predicate
    walk the same project's lineage) and, below that, once per distinct chain of ancestors."""
    tree = hierarchy(ctx)
    found = tree.lineages.get(resource.id)
    if found is not None and found.steps[0] is resource:
        return found
    own = node_path(resource) or resource.id
    unread = ctx.unread(resource, ("ancestors",))
    if unread:  # which nodes are above it was not read: everything above is unknown
        found = Lineage((resource, *unread))
    else:
        ancestors = tuple(getattr(resource, "ancestors", []) or ())
        found = Lineage((resource, *tree.ancestors(ancestors, own)))
    tree.lineages[resource.id] = found
    return found


def node_level(what: str, node: Resource, ctx: PredicateContext, build: Callable[[], T]) -> T:
    """A hierarchy node's contribution to an effective setting (``what``: "audit_configs"),
    built once per run: a folder or organization above thousands of projects is read once."""
    levels = hierarchy(ctx).levels
    key = (what, node.id)
    if key not in levels:
        levels[key] = build()
    found: T = levels[key]
    return found


__all__ = [
    "ASSET_TYPES",
    "HIERARCHY_TYPES",
    "NODE_TYPES",
    "Hierarchy",
    "Lineage",
    "export_hint",
    "hierarchy",
    "lineage",
    "missing_ancestor",
    "node_level",
    "node_path",
]
