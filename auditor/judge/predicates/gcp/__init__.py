"""GCP predicates, one module per concern; each module exports a dict merged here.

Only what the condition language cannot say lives here: walks of the resource hierarchy
(effective audit configs and organization policies), Cloud Logging filter reasoning, and the
covered-services data file. Each module's docstring says why.
"""

from __future__ import annotations

from auditor.judge.predicates.base import registry
from auditor.judge.predicates.gcp.audit import AUDIT_PREDICATES
from auditor.judge.predicates.gcp.logging import LOGGING_PREDICATES
from auditor.judge.predicates.gcp.orgpolicy import ORG_POLICY_PREDICATES
from auditor.judge.predicates.gcp.services import SERVICE_PREDICATES

GCP_PREDICATES = registry(
    *AUDIT_PREDICATES.values(),
    *LOGGING_PREDICATES.values(),
    *ORG_POLICY_PREDICATES.values(),
    *SERVICE_PREDICATES.values(),
)

__all__ = ["GCP_PREDICATES"]
