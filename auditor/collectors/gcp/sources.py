"""Sources outside Cloud Asset Inventory (Admin SDK, Access Context Manager, IAP, Vertex AI,
Cloud Logging): an explicit registry the GCP collector runs after its Cloud Asset pass.

A source is a named function ``collect(ctx)`` that puts models, coverage and gaps into
``ctx.sink``. Each is optional: when it is not configured (or the run is offline, from an export
file) it records a :class:`~auditor.model.base.ListingGap` saying how to enable it, never
silence. Clients are created inside ``collect`` from ``ctx.options`` (``gcp_endpoint`` ->
anonymous credentials against the emulator), never at import time.

To add a source: write ``auditor/collectors/gcp/<name>.py`` exporting an :class:`ExtraSource`,
and add one import line to :func:`extra_sources`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.collectors.base import CollectOptions
from auditor.inventory import InventorySink
from auditor.progress import Progress


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


def extra_sources() -> dict[str, ExtraSource]:
    """The registered extra sources, by name, built by explicit imports."""
    from auditor.collectors.gcp import accesscontext, directory, iap, logging_config, vertex

    sources: list[ExtraSource] = [
        m.EXTRA_SOURCE for m in (directory, accesscontext, iap, vertex, logging_config)
    ]
    registry: dict[str, ExtraSource] = {}
    for source in sources:
        if source.name in registry:
            raise ValueError(f"GCP source {source.name!r} registered twice")
        registry[source.name] = source
    return registry


__all__ = ["ExtraSource", "SourceContext", "extra_sources"]
