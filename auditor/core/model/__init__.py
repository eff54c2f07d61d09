"""Typed inventory models. See :mod:`auditor.core.model.base` for the shared vocabulary."""

from auditor.core.model.base import Coverage, Gap, ListingGap, Resource, ResourceRef, SourceLocation

__all__ = ["Coverage", "Gap", "ListingGap", "Resource", "ResourceRef", "SourceLocation"]
