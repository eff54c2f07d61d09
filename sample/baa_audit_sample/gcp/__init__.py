"""A sample GCP organization served by a local emulator, for the demo, tests and benchmark.

``run_emulator()`` starts the emulator on 127.0.0.1 with the sample organization's Cloud Asset
Inventory and every extra REST surface registered in :func:`route_installers`, and yields
``(endpoint_url, scope)``::

    with run_emulator() as (endpoint, scope):
        options = CollectOptions(gcp_scope=scope, gcp_endpoint=endpoint)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from baa_audit_sample.gcp.emulator import Faults, GcpEmulator
from baa_audit_sample.gcp.sample_org import ORG, sample_assets

RouteInstaller = Callable[[GcpEmulator], None]


def route_installers() -> list[RouteInstaller]:
    """Functions that add the non-Cloud-Asset REST routes (and their sample data).

    An explicit list: each source module that needs emulated routes adds its installer here.
    """
    from baa_audit_sample.gcp.routes_extra import install_sample_routes
    from baa_audit_sample.logs import install_log_entries

    installers: list[RouteInstaller] = [install_sample_routes, install_log_entries]
    return installers


def build_emulator(
    assets: Iterable[Mapping[str, Any]] | None = None,
    faults: Faults | None = None,
    *,
    extra_routes: bool = True,
) -> GcpEmulator:
    """An emulator holding ``assets`` (default: the sample organization), not yet serving."""
    emulator = GcpEmulator(sample_assets() if assets is None else assets, faults=faults)
    if extra_routes:
        for install in route_installers():
            install(emulator)
    return emulator


@contextmanager
def run_emulator(
    assets: Iterable[Mapping[str, Any]] | None = None,
    faults: Faults | None = None,
    *,
    scope: str = ORG,
    extra_routes: bool = True,
) -> Iterator[tuple[str, str]]:
    """Serve the sample organization; yields ``(endpoint_url, scope)``."""
    emulator = build_emulator(assets, faults, extra_routes=extra_routes)
    with emulator.serve() as endpoint:
        yield endpoint, scope


__all__ = ["RouteInstaller", "build_emulator", "route_installers", "run_emulator"]
