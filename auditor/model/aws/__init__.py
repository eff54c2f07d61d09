"""AWS resource models, one module per service, named after AWS's own nouns."""

from __future__ import annotations

from auditor.model.base import Resource

AWS_RESOURCE_TYPES: tuple[type[Resource], ...] = ()

__all__ = ["AWS_RESOURCE_TYPES"]
