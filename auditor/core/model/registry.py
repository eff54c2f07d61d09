"""The explicit registry of resource types: ``"aws.elbv2.listener" -> model class``.

Built by explicit imports, no import-time side effects elsewhere. Policies are validated against
this mapping when they load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from auditor.core.model.base import Resource

ResourceTypes = Mapping[str, type[Resource]]


def build_registry(*groups: Iterable[type[Resource]]) -> dict[str, type[Resource]]:
    registry: dict[str, type[Resource]] = {}
    for group in groups:
        for cls in group:
            key = cls.resource_type
            if key in registry and registry[key] is not cls:
                raise ValueError(f"resource type {key!r} registered twice")
            registry[key] = cls
    return dict(sorted(registry.items()))


def resource_types() -> dict[str, type[Resource]]:
    """Every resource type the tool knows: AWS, GCP and PostgreSQL."""
    from auditor.core.model.aws import AWS_RESOURCE_TYPES
    from auditor.core.model.gcp import GCP_RESOURCE_TYPES
    from auditor.core.model.phi import PHI_RESOURCE_TYPES
    from auditor.core.model.postgres import POSTGRES_RESOURCE_TYPES

    return build_registry(
        AWS_RESOURCE_TYPES,
        GCP_RESOURCE_TYPES,
        PHI_RESOURCE_TYPES,
        POSTGRES_RESOURCE_TYPES,
    )


__all__ = ["ResourceTypes", "build_registry", "resource_types"]
