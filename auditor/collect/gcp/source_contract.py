"""Sources outside Cloud Asset Inventory (Admin SDK, Access Context Manager, IAP, Vertex AI,
Cloud Logging): an explicit registry the GCP collector runs after its Cloud Asset pass.

A source is a named function ``collect(ctx)`` that puts models, coverage and gaps into
``ctx.sink``. Each is optional: when it is not configured (or the run is offline, from an export
file) it records a :class:`~auditor.core.model.base.ListingGap` saying how to enable it, never
silence. Clients are created inside ``collect`` from ``ctx.options`` (``gcp_endpoint`` ->
anonymous credentials against the emulator), never at import time.

This module holds the contract; the registry is :func:`auditor.collect.gcp.sources.extra_sources`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.collect.base import CollectOptions
from auditor.core.inventory import InventorySink
from auditor.core.progress import Progress


@dataclass
class SourceContext:
    """What an extra source gets: the run's options, where to put results, and what CAI saw."""

    options: CollectOptions
    sink: InventorySink
    progress: Progress
    scope: str  # organizations/N | folders/N | projects/ID (or the export file's top node)
    projects: list[str] = field(default_factory=list)  # project ids seen in scope
    offline: bool = False  # True when reading an export file: no live API calls
    directory_customer_id: str | None = None  # the organization's Workspace/Cloud Identity id

    @property
    def endpoint(self) -> str | None:
        return self.options.gcp_endpoint


@dataclass(frozen=True)
class ExtraSource:
    name: str
    collect: Callable[[SourceContext], None]
    description: str = ""
    permissions: tuple[str, ...] = ()  # IAM permissions / OAuth scopes it needs


__all__ = ["ExtraSource", "SourceContext"]
