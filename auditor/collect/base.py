"""The contract of a collector: observe, never judge, never write files.

A collector is a function ``(options, sink, progress) -> Scope`` registered in
:data:`auditor.collect.COLLECTORS`. It puts every resource it observes into ``sink``, records a
:class:`~auditor.core.model.base.Coverage` for each listing that succeeded and a
:class:`~auditor.core.model.base.ListingGap` for each that failed, and returns the scope it covered.
Cloud clients are created from ``options`` inside the call (or passed in by tests through
``options.client_factory``), never at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.core.inventory import InventorySink
from auditor.core.params import Parameters
from auditor.core.progress import Progress
from auditor.core.scope import Scope


@dataclass
class CollectOptions:
    """Everything the CLI hands to collectors. Provider-specific fields are ignored by others."""

    # AWS
    regions: list[str] | None = None
    aws_profile: str | None = None
    # AWS Organizations fan-out (auditor/collect/aws/organization.py); org_role_name set = on
    org_role_name: str | None = None  # role assumed in every member account
    external_id: str | None = None  # sts:ExternalId for that role, when its trust policy wants one
    accounts_include: list[str] = field(default_factory=list)  # only these account ids
    accounts_exclude: list[str] = field(default_factory=list)  # never these account ids
    ous: list[str] = field(default_factory=list)  # only accounts under these OUs (or root r-...)
    rate_limits: dict[str, float] = field(default_factory=dict)  # service -> requests/s per account
    # GCP
    gcp_scope: str | None = None  # organizations/ID | folders/ID | projects/ID
    gcp_endpoint: str | None = None  # emulator base URL (http://127.0.0.1:PORT)
    gcp_export_file: Path | None = None
    # GCP sources outside Cloud Asset Inventory (auditor/collect/gcp/{directory,...}.py);
    # each is read only when named here ("directory", "access-bindings", "iap", "vertex",
    # "logging" or "all"), otherwise reported as a NotConfigured gap.
    gcp_sources: list[str] | None = None
    gcp_directory_customer: str | None = None  # Admin SDK customer id; None -> "my_customer"
    gcp_directory_subject: str | None = None  # admin to impersonate (domain-wide delegation)
    gcp_access_org: str | None = None  # organizations/ID of the access bindings; None -> scope org
    gcp_iap_resources: list[str] | None = None  # IAP settings names; None -> projects/N/iap_web
    # PostgreSQL (auditor/collect/postgres/): the connection comes from BAA_AUDIT_PG_DSN and the
    # libpq environment, never from here
    pg_probe_isolation: bool = False  # opt-in live probe: count other tenants' rows visible
    # shared
    params: Parameters = field(default_factory=Parameters)  # the profile's parameters
    workers: int = 8
    shard: tuple[int, int] | None = None  # (K, N), 1-based K
    sample_logs: bool = False  # opt-in PHI sampling of log contents
    sampling: dict[str, Any] = field(default_factory=dict)  # bounds for PHI sampling
    client_factory: Any = None  # tests may inject a factory of cloud clients


CollectorFn = Callable[[CollectOptions, InventorySink, Progress], Scope]

__all__ = ["CollectOptions", "CollectorFn"]
