"""A small local HTTP server that speaks the REST surfaces the Google clients use.

It serves the Cloud Asset Inventory v1 ``ListAssets`` call exactly as the real
``google-cloud-asset`` client sends it with ``transport="rest"``::

    GET /v1/{parent}/assets?assetTypes=A&assetTypes=B&contentType=2&pageSize=500
        &pageToken=T&$alt=json;enum-encoding=int

(``contentType`` arrives as the enum's integer; names are accepted too), with ``nextPageToken``
paging over the RESOURCE, IAM_POLICY and ORG_POLICY content types. Assets are held in the shape
``gcloud asset export`` writes and the REST API returns (``resource.data`` is the service's own
REST representation).

Other REST surfaces (Admin SDK, Access Context Manager, IAP, Vertex AI, Cloud Logging) plug in
through :meth:`GcpEmulator.add_route`: a method, a path regular expression and a handler.

Fault injection (:class:`Faults`) makes the failure modes a real organization shows reproducible:
a 403 on one content type, 429s before success, a malformed page, and a project that disappears
in the middle of a scan.

This module is for tests, the demo and the benchmark. It binds 127.0.0.1 only and never touches
the network beyond that socket.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

#: ContentType enum of google.cloud.asset.v1 (name -> wire integer).
CONTENT_TYPES: dict[str, int] = {
    "CONTENT_TYPE_UNSPECIFIED": 0,
    "RESOURCE": 1,
    "IAM_POLICY": 2,
    "ORG_POLICY": 4,
    "ACCESS_POLICY": 5,
    "OS_INVENTORY": 6,
    "RELATIONSHIP": 7,
}
_CONTENT_BY_NUMBER = {number: name for name, number in CONTENT_TYPES.items()}

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass
class EmulatorRequest:
    """One HTTP request as handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    match: re.Match[str]

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class EmulatorResponse:
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> EmulatorResponse:
        return cls(status=status, body=json.dumps(payload).encode())

    @classmethod
    def error(cls, status: int, message: str, reason: str) -> EmulatorResponse:
        """A Google JSON error body, as googleapis return them."""
        return cls.json(
            {"error": {"code": status, "message": message, "status": reason}}, status=status
        )


Handler = Callable[[EmulatorRequest], EmulatorResponse]

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def google_error(status: int, message: str) -> EmulatorResponse:
    return EmulatorResponse.error(status, message, _STATUS_NAMES.get(status, "UNKNOWN"))


@dataclass
class Faults:
    """Failures to inject. Every field is off by default; tests switch on what they need.

    * ``deny_content_types``: content-type names answered with 403 PERMISSION_DENIED.
    * ``throttle``: content-type name -> number of 429 answers before the calls succeed.
    * ``malformed_page``: (content-type name, page index) whose body is not valid JSON, for
      the first ``malformed_times`` requests of that page (default: every time).
    * ``vanish_project``: a project id or number that disappears after ``vanish_after``
      ListAssets requests: its assets stop appearing and calls scoped to it answer 403, as
      Google answers for a deleted project.
    * ``deny_paths``: regular expressions of request paths answered with 403 (any route).
    """

    deny_content_types: set[str] = field(default_factory=set)
    throttle: dict[str, int] = field(default_factory=dict)
    malformed_page: tuple[str, int] | None = None
    malformed_times: int = 1_000_000
    malformed_asset_type: str | None = None  # only listings whose assetTypes filter holds it
    vanish_project: str | None = None
    vanish_after: int = 1
    deny_paths: list[str] = field(default_factory=list)


def asset_project(asset: Mapping[str, Any]) -> str | None:
    """``projects/NUMBER`` the asset lives in (from its ancestors), or None above projects."""
    for ancestor in asset.get("ancestors", ()):
        if str(ancestor).startswith("projects/"):
            return str(ancestor)
    return None


def _content_name(raw: str | None) -> str:
    if raw is None or raw == "":
        return "CONTENT_TYPE_UNSPECIFIED"
    if raw.isdigit():
        return _CONTENT_BY_NUMBER.get(int(raw), "CONTENT_TYPE_UNSPECIFIED")
    return raw


def _encode_token(offset: int, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, key]).encode()).decode()


def _decode_token(token: str) -> tuple[int, str] | None:
    try:
        offset, key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(offset, int) or not isinstance(key, str):
        return None
    return offset, key


def _asset_for_content(asset: Mapping[str, Any], content: str) -> dict[str, Any] | None:
    """The view of one stored asset that a ListAssets call for ``content`` returns."""
    base = {k: asset[k] for k in ("name", "assetType", "ancestors", "updateTime") if k in asset}
    if content == "RESOURCE":
        if "resource" not in asset:
            return None
        return {**base, "resource": asset["resource"]}
    if content == "IAM_POLICY":
        if "iamPolicy" not in asset:
            return None
        return {**base, "iamPolicy": asset["iamPolicy"]}
    if content == "ORG_POLICY":
        if not asset.get("orgPolicy"):
            return None
        return {**base, "orgPolicy": asset["orgPolicy"]}
    if content == "CONTENT_TYPE_UNSPECIFIED":
        return base
    return None


class GcpEmulator:
    """The emulator's state and routes. Start it with :meth:`serve` (a context manager)."""

    def __init__(self, assets: Iterable[Mapping[str, Any]] = (), faults: Faults | None = None):
        self.assets: list[dict[str, Any]] = [dict(a) for a in assets]
        self.faults = faults or Faults()
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[tuple[str, str]] = []  # (method, path with query) for assertions
        self._lock = threading.Lock()
        self._list_calls = 0
        self._throttled: dict[str, int] = {}
        self._pages_served: dict[str, int] = {}
        self._ids_cache: tuple[int, dict[str, str]] | None = None
        self._selections: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.add_route("GET", r"/v1/(?P<parent>[a-z]+/[^/]+)/assets", self._list_assets)

    # -- plumbing -------------------------------------------------------------------------
    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        """Serve ``method`` requests whose path (without query) fully matches ``pattern``.

        Routes added later take precedence, so a test can shadow a built-in route.
        """
        self.routes.insert(0, (method.upper(), re.compile(pattern), handler))

    def dispatch(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes
    ) -> EmulatorResponse:
        split = urlsplit(raw_path)
        path = unquote(split.path)
        with self._lock:
            self.requests.append((method, raw_path))
        for pattern in self.faults.deny_paths:
            if re.search(pattern, path):
                return google_error(403, "The caller does not have permission")
        for route_method, regex, handler in self.routes:
            if route_method != method:
                continue
            match = regex.fullmatch(path)
            if match is None:
                continue
            request = EmulatorRequest(
                method=method,
                path=path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers=headers,
                body=body,
                match=match,
            )
            try:
                return handler(request)
            except Exception as exc:  # an emulator bug must show as a 500, not hang the client
                return google_error(500, f"emulator error: {type(exc).__name__}")
        return google_error(404, f"no emulated route for {method} {path}")

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run on 127.0.0.1 on a free port; yields the base URL ``http://127.0.0.1:PORT``."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="gcp-emulator", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    # -- Cloud Asset Inventory ---------------------------------------------------------------
    def _vanished(self) -> str | None:
        project = self.faults.vanish_project
        if project is None or self._list_calls <= self.faults.vanish_after:
            return None
        return project

    def _project_index(self) -> dict[str, str]:
        """``projects/NUMBER`` -> project id, from the stored Project assets (cached)."""
        if self._ids_cache is None or self._ids_cache[0] != len(self.assets):
            ids: dict[str, str] = {}
            for asset in self.assets:
                if asset.get("assetType") == "cloudresourcemanager.googleapis.com/Project":
                    data = asset.get("resource", {}).get("data", {})
                    if data.get("projectNumber") and data.get("projectId"):
                        ids[f"projects/{data['projectNumber']}"] = str(data["projectId"])
            self._ids_cache = (len(self.assets), ids)
        return self._ids_cache[1]

    def _parent_ref(self, parent: str) -> str:
        """A ``projects/ID`` parent as the ``projects/NUMBER`` that ancestors hold."""
        if parent.startswith("projects/") and not parent.split("/", 1)[1].isdigit():
            wanted = parent.split("/", 1)[1]
            for ref, project_id in self._project_index().items():
                if project_id == wanted:
                    return ref
        return parent

    def _is_vanished(self, project_ref: str | None, vanished: str) -> bool:
        if project_ref is None:
            return False
        number = project_ref.split("/", 1)[1]
        return vanished in (number, self._project_index().get(project_ref))

    def _list_assets(self, request: EmulatorRequest) -> EmulatorResponse:
        parent = request.match.group("parent")
        content = _content_name(request.param("contentType"))
        with self._lock:
            self._list_calls += 1
        if content not in ("RESOURCE", "IAM_POLICY", "ORG_POLICY", "CONTENT_TYPE_UNSPECIFIED"):
            return google_error(400, f"content type {content} is not emulated")
        if content in self.faults.deny_content_types:
            return google_error(
                403, f"Permission 'cloudasset.assets.list{_suffix(content)}' denied on {parent}"
            )
        with self._lock:
            remaining = self.faults.throttle.get(content, 0) - self._throttled.get(content, 0)
            if remaining > 0:
                self._throttled[content] = self._throttled.get(content, 0) + 1
                return google_error(429, "Quota exceeded for quota metric 'List Assets requests'")
        vanished = self._vanished()
        parent_ref = self._parent_ref(parent)
        if (
            vanished is not None
            and parent.startswith("projects/")
            and (parent.split("/", 1)[1] == vanished or self._is_vanished(parent_ref, vanished))
        ):
            return google_error(403, f"The caller does not have permission on {parent}")
        asset_types = [t for t in request.query.get("assetTypes", []) if t]
        try:
            page_size = int(request.param("pageSize") or DEFAULT_PAGE_SIZE)
        except ValueError:
            return google_error(400, "pageSize must be an integer")
        page_size = max(1, min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
        key = f"{parent}|{content}|{','.join(sorted(asset_types))}"
        offset = 0
        token = request.param("pageToken")
        if token:
            decoded = _decode_token(token)
            if decoded is None or decoded[1] != key:
                return google_error(400, "Invalid page token")
            offset = decoded[0]
        selected = self._select(parent_ref, content, asset_types, vanished)
        page = selected[offset : offset + page_size]
        if self.faults.malformed_page == (content, offset // page_size) and (
            self.faults.malformed_asset_type is None
            or self.faults.malformed_asset_type in asset_types
        ):
            with self._lock:
                served = self._pages_served.get(content, 0)
                self._pages_served[content] = served + 1
            if served < self.faults.malformed_times:
                return EmulatorResponse(status=200, body=b'{"assets": [{"name": "//truncated')
        payload: dict[str, Any] = {"assets": page, "readTime": "2026-11-23T12:00:00Z"}
        if offset + page_size < len(selected):
            payload["nextPageToken"] = _encode_token(offset + page_size, key)
        return EmulatorResponse.json(payload)

    def _select(
        self, parent: str, content: str, asset_types: list[str], vanished: str | None
    ) -> list[dict[str, Any]]:
        key = (parent, content, tuple(sorted(asset_types)), vanished, len(self.assets))
        with self._lock:
            cached = self._selections.get(key)
        if cached is not None:
            return cached
        selected = self._scan(parent, content, asset_types, vanished)
        with self._lock:
            self._selections = {key: selected}  # one listing at a time is paged
        return selected

    def _scan(
        self, parent: str, content: str, asset_types: list[str], vanished: str | None
    ) -> list[dict[str, Any]]:
        selected: list[dict[str, Any]] = []
        wanted = set(asset_types)
        for asset in self.assets:
            if wanted and asset.get("assetType") not in wanted:
                continue
            if parent not in asset.get("ancestors", ()):
                continue
            if vanished is not None and self._is_vanished(asset_project(asset), vanished):
                continue
            view = _asset_for_content(asset, content)
            if view is not None:
                selected.append(view)
        return selected


def _suffix(content: str) -> str:
    return {"IAM_POLICY": " (IAM_POLICY)", "ORG_POLICY": " (ORG_POLICY)"}.get(content, "")


def _make_handler(emulator: GcpEmulator) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # keep-alive + Nagle + delayed ACK stalled each call 40 ms

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            response = emulator.dispatch(self.command, self.path, dict(self.headers.items()), body)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)

        do_GET = _serve
        do_POST = _serve
        do_PATCH = _serve
        do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return _Handler


__all__ = [
    "CONTENT_TYPES",
    "EmulatorRequest",
    "EmulatorResponse",
    "Faults",
    "GcpEmulator",
    "Handler",
    "asset_project",
    "google_error",
]
