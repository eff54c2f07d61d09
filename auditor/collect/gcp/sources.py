"""The registry of GCP sources outside Cloud Asset Inventory, built by explicit imports.

To add a source: write ``auditor/collect/gcp/<name>.py`` exporting an
:class:`~auditor.collect.gcp.source_contract.ExtraSource`, and add one import line below. The
contract (``SourceContext``, ``ExtraSource``) lives in :mod:`auditor.collect.gcp.source_contract`,
so the sources import it without importing this registry back.
"""

from __future__ import annotations

from auditor.collect.gcp.source_contract import ExtraSource, SourceContext


def extra_sources() -> dict[str, ExtraSource]:
    """The registered extra sources, by name, built by explicit imports."""
    from auditor.collect.gcp import accesscontext, directory, iap, logging_config, vertex

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
