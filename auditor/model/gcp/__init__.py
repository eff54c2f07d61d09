"""GCP resource models, one module per service, named after Google's own nouns."""

from __future__ import annotations

from auditor.model.base import Resource

GCP_RESOURCE_TYPES: tuple[type[Resource], ...] = ()

__all__ = ["GCP_RESOURCE_TYPES"]
