"""Terraform resource -> the typed model the live scan builds, so one policy judges both.

Each :class:`Mapper` turns one Terraform resource type (``aws_lb_listener``) into one resource
model (``aws.elbv2.listener``). The registry is a plain dict built from the provider modules by
explicit imports. A mapper whose model type is not registered (see
:func:`auditor.core.model.registry.resource_types`) is simply not offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from auditor.core.model.base import Resource
from auditor.iac.mappers.base import IAC_ACCOUNT, Mapper, MapperFn, unknown_gap


def build_mappers(*groups: Iterable[Mapper]) -> dict[str, Mapper]:
    registry: dict[str, Mapper] = {}
    for group in groups:
        for mapper in group:
            if mapper.tf_type in registry:
                raise ValueError(f"Terraform type {mapper.tf_type!r} mapped twice")
            registry[mapper.tf_type] = mapper
    return dict(sorted(registry.items()))


def all_mappers() -> dict[str, Mapper]:
    """Every Terraform mapper, whatever models are registered."""
    from auditor.iac.mappers.aws import AWS_MAPPERS
    from auditor.iac.mappers.gcp import GCP_MAPPERS

    return build_mappers(AWS_MAPPERS, GCP_MAPPERS)


#: Resource types whose absence from a Terraform configuration proves nothing (usually managed
#: in another stack, or not in Terraform at all): a policy joining them is left to the live scan.
IAC_BLIND_TYPES: frozenset[str] = frozenset(
    {"gcp.orgpolicy.policy", "aws.artifact.customer_agreement"}
)


def join_types() -> set[str]:
    """Terraform types mappers read through joins (encryption configurations, parameter groups...)."""
    from auditor.iac.mappers.aws import AWS_JOIN_TYPES
    from auditor.iac.mappers.gcp import GCP_JOIN_TYPES

    return set(AWS_JOIN_TYPES) | set(GCP_JOIN_TYPES)


def available_mappers(types: Mapping[str, type[Resource]] | None = None) -> dict[str, Mapper]:
    """The mappers whose model type exists in ``types`` (default: the model registry)."""
    if types is None:
        from auditor.core.model.registry import resource_types

        types = resource_types()
    return {k: m for k, m in all_mappers().items() if m.resource_type in types}


__all__ = [
    "IAC_ACCOUNT",
    "IAC_BLIND_TYPES",
    "Mapper",
    "MapperFn",
    "all_mappers",
    "available_mappers",
    "build_mappers",
    "join_types",
    "unknown_gap",
]
