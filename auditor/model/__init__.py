"""Typed inventory models. See :mod:`auditor.model.base` for the shared vocabulary."""

from auditor.model.base import Coverage, Gap, ListingGap, Resource, ResourceRef, SourceLocation

__all__ = ["Coverage", "Gap", "ListingGap", "Resource", "ResourceRef", "SourceLocation"]
