"""PostgreSQL resource models: what one database's catalog says about tenant isolation.

Read by :mod:`auditor.collect.postgres` over the PostgreSQL protocol (read-only), not from a
cloud control plane.
"""

from __future__ import annotations

from auditor.core.model.base import Resource
from auditor.core.model.postgres.common import PgResource, place_of
from auditor.core.model.postgres.database import PgDatabase
from auditor.core.model.postgres.role import PgRole
from auditor.core.model.postgres.table import PgIsolationProbe, PgPolicy, PgTable

POSTGRES_RESOURCE_TYPES: tuple[type[Resource], ...] = (PgDatabase, PgRole, PgTable)

__all__ = [
    "POSTGRES_RESOURCE_TYPES",
    "PgDatabase",
    "PgIsolationProbe",
    "PgPolicy",
    "PgResource",
    "PgRole",
    "PgTable",
    "place_of",
]
