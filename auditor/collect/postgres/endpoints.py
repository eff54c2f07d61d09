"""Which cloud instance a database endpoint belongs to.

Two sources, best first:

* the same snapshot: when the run also collected AWS, an ``aws.rds.db_instance`` or
  ``aws.rds.db_cluster`` whose identifier and region match the endpoint's host name gives the
  endpoint its ARN (:class:`InstanceIndex` watches the resources as collectors emit them);
* the host name alone: RDS and Aurora endpoints are named
  ``<id>.<hash>.<region>.rds.amazonaws.com`` (``<id>.cluster-<hash>...`` for a cluster,
  ``cluster-ro-`` for its reader endpoint, ``<id>.proxy-<hash>...`` for an RDS Proxy), so the
  instance can be named even without AWS in the scope.

A Cloud SQL server is recognised by its settings (``cloudsql.*``), but neither its address nor its
connection name is in the Cloud Asset model the GCP collector reads, so its instance stays
unnamed (the endpoint says ``gcp-cloudsql``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, ListingGap, Resource
from auditor.core.scope import DatabaseEndpoint, Scope

_RDS_HOST = re.compile(
    r"^(?P<id>[a-z][a-z0-9-]*)\."
    r"(?:(?P<kind>cluster-ro-|cluster-custom-|cluster-|proxy-)?)[a-z0-9]+\."
    r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.rds\.amazonaws\.com(?:\.cn)?\.?$"
)


@dataclass(frozen=True)
class RdsHost:
    """What an RDS host name says: which identifier, of what, in which region."""

    identifier: str
    kind: str  # "instance" | "cluster" | "proxy"
    region: str

    def describe(self) -> str:
        return f"aws rds {self.kind} {self.identifier} in {self.region}"


def parse_rds_host(host: str) -> RdsHost | None:
    match = _RDS_HOST.match(host.lower())
    if match is None:
        return None
    prefix = match.group("kind") or ""
    kind = "proxy" if prefix == "proxy-" else ("cluster" if prefix else "instance")
    return RdsHost(match.group("id"), kind, match.group("region"))


class InstanceIndex:
    """An :class:`InventorySink` that passes everything on and remembers RDS identifiers."""

    _TYPES = {"aws.rds.db_instance": "instance", "aws.rds.db_cluster": "cluster"}

    def __init__(self, sink: InventorySink) -> None:
        self._sink = sink
        self._arns: dict[tuple[str, str, str], str] = {}

    def add_resource(self, resource: Resource) -> None:
        kind = self._TYPES.get(resource.resource_type)
        if kind is not None and resource.name and resource.region:
            self._arns[(kind, resource.name.lower(), resource.region)] = resource.id
        self._sink.add_resource(resource)

    def add_listing_gap(self, gap: ListingGap) -> None:
        self._sink.add_listing_gap(gap)

    def add_coverage(self, coverage: Coverage) -> None:
        self._sink.add_coverage(coverage)

    def instance_of(self, endpoint: DatabaseEndpoint) -> str | None:
        parsed = parse_rds_host(endpoint.host)
        if parsed is None:
            return endpoint.instance
        arn = self._arns.get((parsed.kind, parsed.identifier, parsed.region))
        return arn or endpoint.instance or parsed.describe()

    def annotate(self, scope: Scope) -> Scope:
        """``scope`` with each database endpoint's instance filled in where it is known."""
        if not scope.databases:
            return scope
        databases = [
            d.model_copy(update={"instance": self.instance_of(d)}) for d in scope.databases
        ]
        return scope.model_copy(update={"databases": databases})


__all__ = ["InstanceIndex", "RdsHost", "parse_rds_host"]
