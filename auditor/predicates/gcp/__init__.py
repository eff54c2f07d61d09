"""GCP predicates, one module per service; each module exports a dict merged here."""

from __future__ import annotations

from auditor.predicates.base import Predicate
from auditor.predicates.gcp.logging import LOGGING_PREDICATES

GCP_PREDICATES: dict[str, Predicate] = {**LOGGING_PREDICATES}

__all__ = ["GCP_PREDICATES"]
