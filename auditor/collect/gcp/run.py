"""The GCP collector: one pass over the scope through Cloud Asset Inventory, then extra sources.

``collect_gcp(options, sink, progress)`` lists, at organization, folder or project scope
(``options.gcp_scope``), the RESOURCE content once per service (asset-type filtered), then the
IAM_POLICY and ORG_POLICY contents, then a closing census of projects; it never loops over
projects. With ``options.gcp_endpoint`` the same client talks to a local emulator with anonymous
credentials; otherwise it uses Application Default Credentials. With ``options.gcp_export_file``
it reads a ``gcloud asset export`` file instead (:mod:`auditor.collect.gcp.export_file`).

Every API error becomes a gap carrying its HTTP status and Google status, and the operation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.protobuf import json_format

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.assemble import Assembler, Failure
from auditor.collect.gcp.mapping import (
    IAM_ASSET_TYPES,
    ORG_POLICY_ASSET_TYPES,
    dig,
    resource_groups,
)
from auditor.collect.gcp.sources import SourceContext, extra_sources
from auditor.core.errors import CollectionError
from auditor.core.inventory import InventorySink
from auditor.core.progress import Progress
from auditor.core.scope import Scope

PAGE_SIZE = 1000  # the largest page ListAssets serves
SCOPE_RE = re.compile(r"^(organizations|folders|projects)/[A-Za-z0-9._:-]+$")
MALFORMED_RETRIES = 2

#: Transient answers retried with backoff on every page (429, 500, 503, timeouts).
RETRYABLE = gretry.if_exception_type(
    gexc.TooManyRequests,
    gexc.ResourceExhausted,
    gexc.ServiceUnavailable,
    gexc.InternalServerError,
    gexc.DeadlineExceeded,
    gexc.GatewayTimeout,
)

PERMISSIONS = {
    "RESOURCE": "cloudasset.assets.listResource",
    "IAM_POLICY": "cloudasset.assets.listIamPolicy",
    "ORG_POLICY": "cloudasset.assets.listOrgPolicy",
}


#: HTTP status -> google.rpc.Code name, as Google APIs map them.
HTTP_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class MalformedResponse(Exception):
    """A page the client could not decode, even after retries."""


def parse_scope(raw: str | None) -> str:
    if not raw:
        raise CollectionError(
            "GCP needs a scope: --gcp-scope organizations/ID, folders/ID or projects/ID"
        )
    scope = raw.strip().rstrip("/")
    if not SCOPE_RE.match(scope):
        raise CollectionError(
            f"GCP scope {raw!r} is not organizations/ID, folders/ID or projects/ID"
        )
    return scope


def make_retry(initial: float = 0.5) -> gretry.Retry:
    return gretry.Retry(
        predicate=RETRYABLE, initial=initial, maximum=10.0, multiplier=2.0, timeout=120.0
    )


def make_asset_client(options: CollectOptions) -> Any:
    """An AssetServiceClient over REST: emulator + anonymous credentials, or ADC."""
    if options.client_factory is not None:
        return options.client_factory("cloudasset")
    from google.api_core.client_options import ClientOptions
    from google.cloud import asset_v1

    if options.gcp_endpoint:
        from google.auth.credentials import AnonymousCredentials

        return asset_v1.AssetServiceClient(
            transport="rest",
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options=ClientOptions(api_endpoint=options.gcp_endpoint),
        )
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _project = google.auth.default(
            scopes=["https://www.googleapis.com/auth/cloud-platform"]
        )
    except DefaultCredentialsError as exc:
        raise CollectionError(
            "no Google Application Default Credentials: run `gcloud auth application-default "
            f"login` or set GOOGLE_APPLICATION_CREDENTIALS ({exc})"
        ) from None
    return asset_v1.AssetServiceClient(transport="rest", credentials=credentials)


#: Where the Cloud Asset API is when no --gcp-endpoint points elsewhere.
CLOUD_ASSET_ENDPOINT = "https://cloudasset.googleapis.com"


class Unreachable(CollectionError):
    """The Cloud Asset endpoint did not answer at all (refused, no route, DNS, TLS)."""


def failure_of(
    exc: BaseException,
    content: str,
    asset_types: Sequence[str],
    endpoint: str = CLOUD_ASSET_ENDPOINT,
) -> Failure:
    """The gap a failed ListAssets call leaves: operation, error code and a message that names
    the real cause (denied with the permission, throttled, bad input, unreachable)."""
    operation = f"cloudasset.ListAssets({content})"
    types = ", ".join(asset_types) if asset_types else "all asset types"
    if isinstance(exc, gexc.GoogleAPICallError):
        http = int(exc.code) if exc.code is not None else None
        if exc.grpc_status_code is not None:
            status = exc.grpc_status_code.name
        else:
            status = HTTP_STATUS.get(http or 0, type(exc).__name__)
        code = f"{http} {status}" if http is not None else status
        if http in (401, 403):
            why = f"access denied: needs permission {PERMISSIONS[content]}"
        elif http == 429:
            why = "throttled: quota exhausted until the retries ran out; run again later"
        elif http == 400:
            why = "bad input: the request was rejected"
        else:
            why = ""
        text = f"{types}: {why}; {exc.message}" if why else f"{types}: {exc.message}"
        return Failure(operation, code, text)
    if isinstance(exc, MalformedResponse):
        return Failure(operation, "MalformedResponse", f"{types}: {exc}")
    if isinstance(exc, gretry.exceptions.RetryError):  # type: ignore[attr-defined]
        return Failure(
            operation,
            "RetryError",
            f"{types}: throttled or unavailable until the retry deadline passed",
        )
    if isinstance(exc, OSError):  # requests' ConnectionError and friends
        return Failure(operation, type(exc).__name__, f"{types}: cannot reach {endpoint}")
    return Failure(operation, type(exc).__name__, f"{types}: {str(exc)[:200]}")


def list_assets(
    client: Any,
    parent: str,
    content: str,
    asset_types: Sequence[str],
    *,
    retry: gretry.Retry | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of asset records (REST JSON dicts) for one ListAssets listing.

    Transient errors are retried per page; a page that cannot be decoded is asked for again
    (``MALFORMED_RETRIES`` times) before :class:`MalformedResponse` is raised.
    """
    from google.cloud import asset_v1

    content_type = getattr(asset_v1.ContentType, content)
    token = ""
    while True:
        request = asset_v1.ListAssetsRequest(
            parent=parent,
            asset_types=list(asset_types),
            content_type=content_type,
            page_size=page_size,
            page_token=token,
        )
        attempt = 0
        while True:
            try:
                pager = client.list_assets(
                    request=request, retry=retry or make_retry(), timeout=60.0
                )
                response = next(iter(pager.pages))
                break
            except gexc.GoogleAPICallError:
                raise
            except (ValueError, KeyError, TypeError, json_format.ParseError) as exc:
                attempt += 1
                if attempt > MALFORMED_RETRIES:
                    raise MalformedResponse(
                        f"page {token or 'first'} could not be decoded ({type(exc).__name__})"
                    ) from None
        yield [
            json_format.MessageToDict(asset_v1.Asset.pb(asset), preserving_proto_field_name=False)
            for asset in response.assets
        ]
        token = response.next_page_token
        if not token:
            return


def read_listing(
    client: Any,
    parent: str,
    content: str,
    asset_types: Sequence[str],
    progress: Progress,
    *,
    retry: gretry.Retry | None = None,
    page_size: int = PAGE_SIZE,
    endpoint: str = CLOUD_ASSET_ENDPOINT,
) -> tuple[list[dict[str, Any]], Failure | None]:
    """All records of one listing, or the failure that stopped it (partial pages are dropped).

    Raises :class:`Unreachable` when the endpoint does not answer at all: no listing of the
    scan could be read, and the cause is the network, not any one listing.
    """
    task = progress.task(
        f"gcp {content.lower()} {asset_types[0].split('/')[0] if asset_types else ''}"
    )
    records: list[dict[str, Any]] = []
    try:
        for page in list_assets(
            client, parent, content, asset_types, retry=retry, page_size=page_size
        ):
            records.extend(page)
            progress.advance(task, len(page))
    except (gexc.GoogleAPICallError, MalformedResponse, gretry.exceptions.RetryError) as exc:  # type: ignore[attr-defined]
        return [], failure_of(exc, content, asset_types, endpoint)
    except OSError as exc:
        if not records and _is_connection_error(exc):
            raise Unreachable(
                f"cannot reach {endpoint} ({type(exc).__name__}): check the network, a proxy, "
                "and --gcp-endpoint / BAA_AUDIT_GCP_ENDPOINT if set"
            ) from None
        return [], failure_of(exc, content, asset_types, endpoint)
    finally:
        progress.done(task)
    return records, None


def _is_connection_error(exc: OSError) -> bool:
    """A request that never reached a server (refused, DNS, no route), as requests reports it."""
    try:
        from requests.exceptions import ConnectionError as RequestsConnectionError
    except ImportError:  # pragma: no cover - google-auth brings requests
        return isinstance(exc, ConnectionError)
    return isinstance(exc, RequestsConnectionError | ConnectionError)


def collect_cai(
    client: Any,
    scope: str,
    assembler: Assembler,
    progress: Progress,
    *,
    retry: gretry.Retry | None = None,
    page_size: int = PAGE_SIZE,
    endpoint: str = CLOUD_ASSET_ENDPOINT,
) -> None:
    """The one pass over ``scope``: RESOURCE per service, IAM_POLICY, ORG_POLICY, census."""

    def feed(
        what: str,
        listed: tuple[list[dict[str, Any]], Failure | None],
        fail: Callable[[Failure], None],
    ) -> None:
        """A listing's records into the assembler; a failed listing is a gap the assembler keeps."""
        records, failure = listed
        if failure is not None:
            fail(failure)
            progress.note(f"gcp: {what} listing failed: {failure.error_code}")
            return
        for record in records:
            assembler.add(record)

    for group, types in resource_groups().items():
        listed = read_listing(
            client,
            scope,
            "RESOURCE",
            types,
            progress,
            retry=retry,
            page_size=page_size,
            endpoint=endpoint,
        )
        feed(group, listed, functools.partial(assembler.fail_group, group))
    feed(
        "IAM policy",
        read_listing(
            client, scope, "IAM_POLICY", IAM_ASSET_TYPES, progress, retry=retry, page_size=page_size
        ),
        assembler.fail_iam,
    )
    feed(
        "org policy",
        read_listing(
            client,
            scope,
            "ORG_POLICY",
            ORG_POLICY_ASSET_TYPES,
            progress,
            retry=retry,
            page_size=page_size,
        ),
        assembler.fail_org_policy,
    )
    # closing census: projects deleted (or access lost) while the scan ran
    if "resourcemanager" not in assembler.group_failures:
        census, failure = read_listing(
            client,
            scope,
            "RESOURCE",
            ["cloudresourcemanager.googleapis.com/Project"],
            progress,
            retry=retry,
            page_size=page_size,
        )
        if failure is None:
            numbers = (
                str(dig(r, "resource.data.projectNumber") or "").split(".")[0] for r in census
            )
            assembler.census = {f"projects/{n}" for n in numbers}
        elif scope.startswith("projects/"):
            assembler.census = set()  # the project itself stopped answering


def _sample_logs(
    options: CollectOptions,
    sink: InventorySink,
    progress: Progress,
    scope: str,
    projects: list[str],
) -> None:
    """Log content sampling for PHI is opt-in; when it is off, say so as a gap, never as a pass."""
    from auditor.collect.phi.sample import record_not_enabled
    from auditor.collect.phi.sampler_gcp import OP_LIST, RESOURCE_TYPE, sample_cloud_logging

    if not options.sample_logs:
        record_not_enabled(
            sink,
            "gcp",
            projects or [scope],
            resource_type=RESOURCE_TYPE,
            operation=OP_LIST,
            permission="roles/logging.privateLogViewer",
        )
        return
    sample_cloud_logging(options, sink, progress, projects=projects)


def collect_gcp(options: CollectOptions, sink: InventorySink, progress: Progress) -> Scope:
    """Collect the GCP inventory for ``options.gcp_scope`` into ``sink``."""
    if options.gcp_export_file is not None:
        from auditor.collect.gcp.export_file import collect_export

        scope_label, projects = collect_export(options, sink, progress)
        run_extra_sources(options, sink, progress, scope_label, projects, offline=True)
        _sample_logs(options, sink, progress, scope_label, projects)
        return Scope(providers=["gcp"], gcp_parent=scope_label, gcp_projects=projects)
    scope = parse_scope(options.gcp_scope)
    client = make_asset_client(options)
    assembler = Assembler(scope)
    collect_cai(
        client, scope, assembler, progress, endpoint=options.gcp_endpoint or CLOUD_ASSET_ENDPOINT
    )
    projects = assembler.finish(sink)
    run_extra_sources(options, sink, progress, scope, projects, offline=False, assembler=assembler)
    _sample_logs(options, sink, progress, scope, projects)
    return Scope(providers=["gcp"], gcp_parent=scope, gcp_projects=projects)


def run_extra_sources(
    options: CollectOptions,
    sink: InventorySink,
    progress: Progress,
    scope: str,
    projects: list[str],
    *,
    offline: bool,
    assembler: Assembler | None = None,
) -> None:
    ctx = SourceContext(
        options=options,
        sink=sink,
        progress=progress,
        scope=scope,
        projects=projects,
        offline=offline,
        directory_customer_id=_customer_id(assembler),
    )
    for source in extra_sources().values():
        source.collect(ctx)


def _customer_id(assembler: Assembler | None) -> str | None:
    if assembler is None:
        return None
    for record in assembler.resources.values():
        if record["assetType"] == "cloudresourcemanager.googleapis.com/Organization":
            data = record["resource"].get("data", {})
            value = data.get("owner", {}).get("directoryCustomerId")
            return str(value) if value else None
    return None


__all__ = [
    "MalformedResponse",
    "collect_cai",
    "collect_gcp",
    "failure_of",
    "list_assets",
    "make_asset_client",
    "make_retry",
    "parse_scope",
]
