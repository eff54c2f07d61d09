"""GCP predicates, one module per concern; each module exports a dict merged here.

Only what the condition language cannot say lives here: walks of the resource hierarchy
(effective audit configs and organization policies), Cloud Logging filter reasoning, and the
covered-services data file. Each module's docstring says why.
"""

from __future__ import annotations

from auditor.judge.predicates.base import Predicate
from auditor.judge.predicates.gcp.audit import AUDIT_PREDICATES
from auditor.judge.predicates.gcp.logging import LOGGING_PREDICATES
from auditor.judge.predicates.gcp.orgpolicy import ORG_POLICY_PREDICATES
from auditor.judge.predicates.gcp.services import SERVICE_PREDICATES


def _merge(*groups: dict[str, Predicate]) -> dict[str, Predicate]:
    merged: dict[str, Predicate] = {}
    for group in groups:
        for name, predicate in group.items():
            if name in merged:
                raise ValueError(f"GCP predicate {name!r} registered twice")
            merged[name] = predicate
    return merged


GCP_PREDICATES: dict[str, Predicate] = _merge(
    AUDIT_PREDICATES,
    LOGGING_PREDICATES,
    ORG_POLICY_PREDICATES,
    SERVICE_PREDICATES,
)

__all__ = ["GCP_PREDICATES"]
