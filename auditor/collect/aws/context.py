"""What a per-service collector works with: one account, one region (or the global scope).

A service collector is ``fn(ctx, sink) -> None``. It lists with :meth:`AwsContext.listing`
(a failure records a ListingGap and returns ``None``; success returns the items, and the
collector calls :meth:`AwsContext.covered` with the number of resources it emitted), and reads
per-resource attributes with :meth:`AwsContext.read` (a failure appends a Gap naming the fields to
the resource's gap list and returns ``None``; codes that mean "not configured" return ``{}``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, Gap, ListingGap, Resource
from auditor.core.params import Parameters

#: ``(service, region) -> boto3 client``; built once per run by :mod:`auditor.collect.aws.run`.
ClientFn = Callable[[str, str], Any]


def key_value_tags(tags: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """``[{"Key": k, "Value": v}, ...]`` (EC2, RDS, EFS, ...) as a ``{k: v}`` mapping."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags or []}


def picked(raw: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """Model fields read straight from an API answer, by a ``{model_field: api_field}`` map."""
    return {name: raw.get(api_name) for name, api_name in fields.items()}


class ClientCache:
    """boto3 clients shared by the threads of one run (clients are thread-safe; creation is not)."""

    def __init__(self, make: ClientFn) -> None:
        self._make = make
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._make(service, region)
                self._clients[key] = client
            return client


class LockedSink:
    """Serializes writes so a streaming snapshot stays line-consistent under threads."""

    def __init__(self, inner: InventorySink) -> None:
        self._inner = inner
        self._lock = threading.Lock()

    def add_resource(self, resource: Resource) -> None:
        with self._lock:
            self._inner.add_resource(resource)

    def add_listing_gap(self, gap: ListingGap) -> None:
        with self._lock:
            self._inner.add_listing_gap(gap)

    def add_coverage(self, coverage: Coverage) -> None:
        with self._lock:
            self._inner.add_coverage(coverage)


@dataclass
class AwsContext:
    """One account and one region (``region is None``: the global services, called once)."""

    account: str
    region: str | None
    partition: str
    home_region: str
    params: Parameters
    clients: ClientCache
    sink: InventorySink
    #: every region this run covers, for global collectors that must look across regions
    regions: tuple[str, ...] = ()
    _failed_types: set[str] = field(default_factory=set)

    # clients -----------------------------------------------------------------------------
    def client(self, service: str, region: str | None = None) -> Any:
        return self.clients.get(service, region or self.region or self.home_region)

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        reg = (self.region or "") if region is None else region
        acct = self.account if account is None else account
        return f"arn:{self.partition}:{service}:{reg}:{acct}:{resource}"

    # listings ----------------------------------------------------------------------------
    def listing(
        self,
        resource_types: str | Iterable[str],
        service: str,
        method: str,
        /,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """A listing call; on failure each named type gets a ListingGap and ``None`` returns."""
        try:
            return call(self.client(service), method, **kwargs)
        except CallFailed as failure:
            self.listing_failed(resource_types, failure)
            return None

    def items(
        self,
        resource_types: str | Iterable[str],
        service: str,
        method: str,
        key: str,
        /,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """The entries under ``key`` of a listing call; ``[]`` when the call failed.

        The failure left a ListingGap for each named type (see :meth:`listing`), and so makes
        :meth:`covered` a no-op for them: an empty list after a failure is never coverage.
        """
        listed = self.listing(resource_types, service, method, **kwargs)
        return [] if listed is None else list(listed.get(key, []))

    def listing_failed(self, resource_types: str | Iterable[str], failure: CallFailed) -> None:
        types = [resource_types] if isinstance(resource_types, str) else list(resource_types)
        for rtype in types:
            self._failed_types.add(rtype)
            self.sink.add_listing_gap(failure.listing_gap(self.account, self.region, rtype))

    def covered(self, resource_type: str, count: int, *, region: str | None = None) -> None:
        """Record that the listing of ``resource_type`` here succeeded, with ``count`` resources.

        ``region`` overrides the context's region: a global listing whose resources live in
        regions (S3 buckets) records its coverage per region. Skipped when a listing of that
        type already failed here: a partial listing is not coverage.
        """
        if resource_type in self._failed_types:
            return
        self.sink.add_coverage(
            Coverage(
                provider="aws",
                account=self.account,
                region=region or self.region,
                resource_type=resource_type,
                count=count,
            )
        )

    # attribute reads ---------------------------------------------------------------------
    def read(
        self,
        service: str,
        method: str,
        /,
        *,
        fields: Iterable[str],
        gaps: list[Gap],
        absent: Iterable[str] = (),
        region: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """An attribute read for one resource.

        Returns the response; ``{}`` when the error code is one of ``absent`` (the service's way of
        saying "not configured", e.g. ``NoSuchBucketPolicy``); ``None`` after appending a Gap that
        names ``fields`` when the call failed.
        """
        try:
            return call(self.client(service, region), method, **kwargs)
        except CallFailed as failure:
            if failure.error_code in set(absent):
                return {}
            gaps.append(failure.gap(fields))
            return None

    def emit(self, resource: Resource) -> None:
        self.sink.add_resource(resource)


__all__ = ["AwsContext", "ClientCache", "ClientFn", "LockedSink", "key_value_tags", "picked"]
