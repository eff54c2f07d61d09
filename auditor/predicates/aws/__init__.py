"""AWS predicates, one module per service; each module exports a dict merged here."""

from __future__ import annotations

from auditor.predicates.base import Predicate

AWS_PREDICATES: dict[str, Predicate] = {}

__all__ = ["AWS_PREDICATES"]
