"""Read-only REST access to the Google APIs that Cloud Asset Inventory does not cover.

The Admin SDK Directory, Access Context Manager, IAP, Vertex AI and Logging configuration reads
go through ``google.auth.transport.requests.AuthorizedSession``: Application Default Credentials
in real use, anonymous credentials against a local emulator (``options.gcp_endpoint``). Only GET
requests are ever sent. Every failure becomes a :class:`SourceError` carrying the API operation
and Google's error status, which the sources record as gaps.

Why not the other Google clients: ``google-cloud-logging``'s HTTP client keeps only a sink's
name, filter, destination and writer identity (``includeChildren``, ``disabled`` and
``exclusions`` are dropped) and has no bucket or exclusion calls over HTTP, and its config GAPIC
client is gRPC-only; ``google-api-python-client`` would add a dependency (and httplib2) for five
GET calls. The request paths used here are checked against the discovery documents in
``docs/gcp-sources.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.source_contract import ExtraSource, SourceContext
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, ListingGap, Resource
from auditor.core.progress import Progress

T = TypeVar("T")
R = TypeVar("R")

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
DIRECTORY_USER_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"

#: Production base URLs, from each API's discovery document (``rootUrl``).
API_ROOTS: dict[str, str] = {
    "admin": "https://admin.googleapis.com",
    "accesscontextmanager": "https://accesscontextmanager.googleapis.com",
    "iap": "https://iap.googleapis.com",
    "aiplatform": "https://aiplatform.googleapis.com",
    "logging": "https://logging.googleapis.com",
}

DEFAULT_TIMEOUT = 30.0
_DURATION = re.compile(r"^(?P<seconds>-?\d+(?:\.\d+)?)s$")


class SourceError(Exception):
    """One API call that failed: the operation, Google's status (or HTTP code) and a message."""

    def __init__(
        self, operation: str, error_code: str, message: str = "", reason: str = ""
    ) -> None:
        self.operation = operation
        self.error_code = error_code
        self.message = message
        self.reason = reason  # google.rpc.ErrorInfo reason, e.g. SERVICE_DISABLED
        super().__init__(f"{operation}: {error_code} {message}".strip())


@dataclass
class Targets:
    """Where the sources look: the organization, folders and projects in scope."""

    organization: str | None = None  # "organizations/ID"
    folders: list[str] = field(default_factory=list)  # "folders/ID"
    projects: list[tuple[str, str | None]] = field(default_factory=list)  # (project id, number)
    directory_customer: str | None = None  # Workspace customer id of the organization

    @classmethod
    def from_scope(cls, scope: str | None) -> Targets:
        """Targets implied by the scope string alone (used when no project listing is known)."""
        if not scope:
            return cls()
        if scope.startswith("organizations/"):
            return cls(organization=scope)
        if scope.startswith("folders/"):
            return cls(folders=[scope])
        if scope.startswith("projects/"):
            return cls(projects=[(scope.split("/", 1)[1], None)])
        return cls()

    @classmethod
    def from_context(cls, ctx: SourceContext) -> Targets:
        """Targets from what the Cloud Asset pass saw (project ids; numbers are not known)."""
        base = cls.from_scope(ctx.scope)
        known: list[tuple[str, str | None]] = [(pid, None) for pid in ctx.projects]
        projects = known or base.projects
        return cls(
            organization=base.organization,
            folders=[],
            projects=projects,
            directory_customer=ctx.directory_customer_id,
        )

    def scope_label(self) -> str:
        if self.organization:
            return self.organization
        if self.folders:
            return self.folders[0]
        if self.projects:
            return self.projects[0][0]
        return "unknown-scope"


def parse_duration(value: Any) -> int | None:
    """A protobuf JSON Duration (``"28800s"``, ``"1.5s"``) in whole seconds, rounded up so that
    a limit is never read as shorter than it is; None when absent."""
    if value is None:
        return None
    match = _DURATION.match(str(value).strip())
    if match is None:
        raise ValueError(f"not a duration: {value!r}")
    return math.ceil(float(match.group("seconds")))


class RestClient:
    """GET-only JSON client for one Google API, with paging and error mapping."""

    def __init__(self, session: Any, base_url: str, api: str, timeout: float = DEFAULT_TIMEOUT):
        self._session = session
        self._base = base_url.rstrip("/")
        self.api = api
        self._timeout = timeout

    def get(
        self, path: str, operation: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """``GET {base}/{path}``; the decoded JSON object, or :class:`SourceError`."""
        import requests

        url = f"{self._base}/{path.lstrip('/')}"
        try:
            response = self._session.request(
                "GET", url, params=dict(params or {}), timeout=self._timeout
            )
        except requests.Timeout:
            raise SourceError(
                operation, "Timeout", f"no answer within {self._timeout:.0f}s"
            ) from None
        except requests.RequestException as exc:
            raise SourceError(operation, "ConnectionError", type(exc).__name__) from None
        except Exception as exc:  # credential refresh failures surface from google.auth
            raise SourceError(operation, type(exc).__name__, _first_line(str(exc))) from None
        if response.status_code >= 400:
            raise SourceError(operation, *_google_error(response))
        try:
            payload = response.json()
        except ValueError:
            raise SourceError(operation, "MalformedResponse", "the answer is not JSON") from None
        if not isinstance(payload, dict):
            raise SourceError(operation, "MalformedResponse", "the answer is not a JSON object")
        return payload

    def pages(
        self,
        path: str,
        operation: str,
        items_key: str,
        *,
        params: Mapping[str, Any] | None = None,
        page_size_param: str = "pageSize",
        page_size: int = 500,
    ) -> Iterator[list[dict[str, Any]]]:
        """Each page's list under ``items_key``, following ``nextPageToken``."""
        query: dict[str, Any] = dict(params or {})
        query[page_size_param] = page_size
        seen: set[str] = set()
        while True:
            payload = self.get(path, operation, query)
            items = payload.get(items_key, [])
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise SourceError(
                    operation, "MalformedResponse", f"{items_key} is not a list of objects"
                )
            yield items
            token = payload.get("nextPageToken")
            if not token:
                return
            if token in seen:
                raise SourceError(
                    operation, "MalformedResponse", "the same page token came back twice"
                )
            seen.add(str(token))
            query["pageToken"] = token


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""


def _google_error(response: Any) -> tuple[str, str, str]:
    """(error code, message, ErrorInfo reason) from a Google JSON error body, else HTTP status."""
    code = f"HTTP{response.status_code}"
    message = reason = ""
    try:
        body = response.json()
    except ValueError:
        return code, message, reason
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        status = error.get("status")
        if isinstance(status, str) and status:
            code = status
        message = _first_line(str(error.get("message") or ""))
        for detail in error.get("details") or []:
            if isinstance(detail, dict) and detail.get("reason"):
                reason = str(detail["reason"])
                break
    elif isinstance(error, str):  # OAuth-style errors: {"error": "...", "error_description": ...}
        code = error
        message = _first_line(str(body.get("error_description") or ""))
    return code, message, reason


def _retrying(session: Any, pool_size: int = 10) -> Any:
    """Retry 429 and 5xx on GET with a short backoff, then hand back the last answer."""
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(
        total=3,
        backoff_factor=0.2,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    # one pooled connection per worker thread, so parallel reads reuse their connections
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=max(10, pool_size))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def make_client(
    options: CollectOptions,
    api: str,
    scopes: Sequence[str] = (CLOUD_PLATFORM_SCOPE,),
    subject: str | None = None,
) -> RestClient:
    """A client for ``api`` from the collect options.

    With ``options.gcp_endpoint`` set, every API is served from that base URL with anonymous
    credentials. Otherwise Application Default Credentials are used; ``subject`` asks a service
    account for domain-wide delegation (Admin SDK).
    """
    from google.auth.transport import requests as google_requests

    session_class: Any = google_requests.AuthorizedSession  # google-auth is untyped here

    if options.gcp_endpoint:
        from google.auth import credentials as google_credentials

        anonymous: Any = google_credentials.AnonymousCredentials

        session = session_class(anonymous())
        return RestClient(_retrying(session, options.workers), options.gcp_endpoint, api)
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _project = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError as exc:
        raise SourceError(f"{api}:credentials", "NoCredentials", _first_line(str(exc))) from None
    if subject:
        with_subject = getattr(credentials, "with_subject", None)
        if with_subject is None:
            raise SourceError(
                f"{api}:credentials",
                "DelegationUnsupported",
                "domain-wide delegation needs service-account credentials; the Application "
                "Default Credentials found cannot impersonate a user",
            )
        credentials = with_subject(subject)
    return RestClient(_retrying(session_class(credentials), options.workers), API_ROOTS[api], api)


@dataclass(frozen=True)
class SourceSpec:
    """What names one extra source, said once in its module: the ``--gcp-source`` switch, the
    types it fills, the operation its NotConfigured gaps name, and how to enable it."""

    name: str
    types: tuple[str, ...]
    operation: str
    how_to_enable: str

    def not_configured(self, sink: InventorySink, account: str, note: str = "") -> None:
        """Every type of the source is a NotConfigured gap in ``account`` (``note`` says why)."""
        record_not_configured(sink, self.types, account, self.operation, note + self.how_to_enable)


def record_not_configured(
    sink: InventorySink, types: Sequence[str], account: str, operation: str, how_to_enable: str
) -> None:
    """The source was not enabled: every type it would read is a listing gap, never "nothing"."""
    for resource_type in types:
        sink.add_listing_gap(
            ListingGap(
                provider="gcp",
                account=account,
                resource_type=resource_type,
                operation=operation,
                error_code="NotConfigured",
                message=how_to_enable,
            )
        )


def record_failure(
    sink: InventorySink, types: Sequence[str], account: str, error: SourceError
) -> None:
    """A listing that failed: a listing gap for each type it would have filled."""
    for resource_type in types:
        sink.add_listing_gap(
            ListingGap.of(error, provider="gcp", account=account, resource_type=resource_type)
        )


def record_coverage(
    sink: InventorySink, resource_type: str, account: str, count: int, region: str | None = None
) -> None:
    sink.add_coverage(
        Coverage(
            provider="gcp", account=account, region=region, resource_type=resource_type, count=count
        )
    )


S = TypeVar("S", bound=BaseModel)


def summary_of(model: type[S], resource: Resource) -> S:
    """What an organization-level view keeps of one resource: ``model``'s ``name`` is the
    resource's id, and each of its other fields the resource's field of the same name."""
    kept = {field: getattr(resource, field) for field in model.model_fields if field != "name"}
    return model(name=resource.id, **kept)


def fan_out(items: Sequence[T], fn: Callable[[T], R], workers: int) -> list[R]:
    """``fn`` over ``items`` on a small thread pool, results in input order."""
    if workers <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))


def open_per_item_source(
    options: CollectOptions,
    sink: InventorySink,
    progress: Progress,
    spec: SourceSpec,
    targets: Targets,
    items: Sequence[object],
    *,
    api: str,
    label: str,
) -> tuple[RestClient, int] | None:
    """The opening every per-item source shares: not enabled, or nothing in scope to read, is a
    NotConfigured gap for each of its types (in the scope's name); a client of ``api`` that
    cannot be made is a failure gap. Else the client and a progress task sized to ``items``."""
    account = targets.scope_label()
    if not enabled(options, spec.name) or not items:
        spec.not_configured(sink, account)
        return None
    task = progress.task(label, total=len(items))
    try:
        client = make_client(options, api)
    except SourceError as error:
        record_failure(sink, spec.types, account, error)
        progress.done(task)
        return None
    return client, task


def read_each(items: Sequence[T], read: Callable[[T], R], workers: int) -> list[R | SourceError]:
    """:func:`fan_out` of ``read``, a failed read kept as its :class:`SourceError` (one item's
    failure is that item's gap, never the others')."""

    def guarded(item: T) -> R | SourceError:
        try:
            return read(item)
        except SourceError as error:
            return error

    return fan_out(items, guarded, workers)


OFFLINE_NOTE = (
    "This run read a Cloud Asset Inventory export file, which does not hold this source; "
    "run a live collection to read it. "
)

SourceFn = Callable[[CollectOptions, InventorySink, Progress, Targets], None]


def as_extra_source(
    spec: SourceSpec, collect: SourceFn, *, description: str, permissions: Sequence[str]
) -> ExtraSource:
    """Wrap a source function for the GCP collector's registry of extra sources.

    Offline (export-file) runs make no API call: every type of the source is a NotConfigured
    gap whose message says why and how to enable it.
    """

    def run(ctx: SourceContext) -> None:
        targets = Targets.from_context(ctx)
        if ctx.offline:
            spec.not_configured(ctx.sink, targets.scope_label(), OFFLINE_NOTE)
            return
        collect(ctx.options, ctx.sink, ctx.progress, targets)

    return ExtraSource(
        name=spec.name, collect=run, description=description, permissions=tuple(permissions)
    )


def enabled(options: CollectOptions, source: str) -> bool:
    """True when the optional source ``source`` was switched on (``--gcp-source``)."""
    chosen = options.gcp_sources or ()
    return source in chosen or "all" in chosen


__all__ = [
    "API_ROOTS",
    "CLOUD_PLATFORM_SCOPE",
    "DIRECTORY_USER_SCOPE",
    "RestClient",
    "SourceError",
    "SourceSpec",
    "Targets",
    "as_extra_source",
    "enabled",
    "fan_out",
    "make_client",
    "parse_duration",
    "record_coverage",
    "record_failure",
    "record_not_configured",
    "summary_of",
]
