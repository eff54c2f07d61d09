"""Enabled APIs (serviceusage v1 ``Service``)."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class Service(GcpResource):
    resource_type = "gcp.serviceusage.service"
    asset_type = "serviceusage.googleapis.com/Service"

    service: str = Field(description="the API, e.g. storage.googleapis.com")
    state: str | None = optional("ENABLED | DISABLED")


__all__ = ["Service"]
