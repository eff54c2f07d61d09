"""IAM policy reasoning: who is granted what on projects, folders, the organization and buckets."""

from __future__ import annotations

from collections.abc import Callable

from auditor.core.model.base import Resource
from auditor.core.model.gcp.common import IamBinding
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict

PRIMITIVE_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


def _bindings(resource: Resource) -> list[IamBinding]:
    return list(getattr(resource, "iam_bindings", []))


def _grants(resource: Resource, match: Callable[[IamBinding, str], bool]) -> list[str]:
    return [f"{b.role} -> {m}" for b in _bindings(resource) for m in b.members if match(b, m)]


def _primitive_to_users(resource: Resource, ctx: PredicateContext) -> Verdict:
    grants = _grants(resource, lambda b, m: b.role in PRIMITIVE_ROLES and m.startswith("user:"))
    if grants:
        return Verdict.fail(
            f"Primitive roles granted directly to users: {'; '.join(grants)}.", {"grants": grants}
        )
    return Verdict.passed(
        "No primitive role (owner, editor, viewer) is granted to a user.", {"grants": []}
    )


def _public(resource: Resource, ctx: PredicateContext) -> Verdict:
    grants = _grants(resource, lambda b, m: m in PUBLIC_MEMBERS)
    if grants:
        return Verdict.fail(f"Granted to the public: {'; '.join(grants)}.", {"grants": grants})
    return Verdict.passed(
        "Nothing is granted to allUsers or allAuthenticatedUsers.", {"grants": []}
    )


def _deleted(resource: Resource, ctx: PredicateContext) -> Verdict:
    grants = _grants(resource, lambda b, m: m.startswith("deleted:"))
    if grants:
        return Verdict.fail(
            f"Bindings still name deleted principals: {'; '.join(grants)}.", {"grants": grants}
        )
    return Verdict.passed("No binding names a deleted principal.", {"grants": []})


def _predicates() -> dict[str, Predicate]:
    out: dict[str, Predicate] = {}
    checks = {
        "no_primitive_roles_for_users": (
            _primitive_to_users,
            "No primitive roles granted to users",
        ),
        "no_public_members": (_public, "Nothing granted to allUsers / allAuthenticatedUsers"),
        "no_deleted_members": (_deleted, "No bindings to deleted principals"),
    }
    targets = {
        "project": "gcp.resourcemanager.project",
        "folder": "gcp.resourcemanager.folder",
        "organization": "gcp.resourcemanager.organization",
        "bucket": "gcp.storage.bucket",
    }
    applies = {
        "no_primitive_roles_for_users": ("project", "folder", "organization"),
        "no_public_members": ("project", "bucket"),
        "no_deleted_members": ("project",),
    }
    for check_name, (fn, description) in checks.items():
        for short in applies[check_name]:
            rtype = targets[short]
            name = f"gcp_{short}_{check_name}"
            out[name] = Predicate(
                name=name,
                resource_type=rtype,
                reads=("iam_bindings",),
                fn=fn,
                description=description,
            )
    return out


IAM_PREDICATES: dict[str, Predicate] = _predicates()

__all__ = ["IAM_PREDICATES", "PRIMITIVE_ROLES", "PUBLIC_MEMBERS"]
