"""What every PostgreSQL resource shares: the server endpoint and database it was read from.

A resource's ``account`` is its database's place, ``host:port/database``, so per-place verdicts
(a failed listing, "0 postgres.table in ...") name the database they concern; ``region`` is
unused. Each resource also records the profile parameters the catalog was read for
(``tenant_key``, ``tenant_setting``, ``app_role``): facts such as "the application role owns this
table" are true only of that role, and policies check that the profile they judge for names the
same (see docs/postgres.md).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource, optional


def place_of(host: str, port: int | None, database: str) -> str:
    """``host:port/database``: the ``account`` of every resource read from that database."""
    return f"{host}:{port}/{database}" if port is not None else f"{host}/{database}"


class PgResource(Resource):
    """Base of the PostgreSQL models."""

    provider: ClassVar[Provider] = "postgres"

    host: str = Field(description="server host name or address as connected (never a password)")
    port: int | None = None
    database: str
    tenant_key: str | None = optional("the tenant key column the catalog was read for (profile)")
    tenant_setting: str | None = optional(
        "the setting the application sets per request, e.g. app.practice_id (profile)"
    )
    app_role: str | None = optional("the application's database role the facts refer to (profile)")


__all__ = ["PgResource", "place_of"]
