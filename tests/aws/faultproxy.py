"""An HTTP proxy in front of moto that fails, delays or answers chosen AWS operations.

moto enforces no IAM, never throttles and never times out; real accounts do all three. The proxy
names each request's operation the way the collectors do (``elbv2:DescribeSSLPolicies``), from
botocore's own service models (JSON ``X-Amz-Target``, query ``Action``, REST method + URI
template), logs it, and then either forwards it unchanged or applies the first matching rule:

* ``proxy.fail("kms:DescribeKey", "AccessDenied")`` answers an error in the operation's own
  protocol shape (query XML, EC2 XML, JSON, REST-JSON, REST-XML), HTTP 403 for denials,
  400 for throttling, or the status given (``status=500``);
* ``proxy.delay("ec2:DescribeVolumes", 3.0)`` holds the request (a client read timeout);
* ``proxy.respond("rds:DescribeEngineDefaultParameters", body, content_type=...)`` answers a
  recorded response (used where moto lacks the operation or drops a field).

``match=`` narrows a rule to requests whose path, query or body contain that text (a bucket name,
a key id). ``proxy.operations`` is every operation seen, in order.
"""

from __future__ import annotations

import functools
import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: every service the collectors call (client names)
SERVICES = (
    "apigateway",
    "apigatewayv2",
    "artifact",
    "bedrock",
    "cloudfront",
    "cloudtrail",
    "cognito-idp",
    "config",
    "dynamodb",
    "ec2",
    "efs",
    "elb",
    "elbv2",
    "iam",
    "kms",
    "logs",
    "organizations",
    "rds",
    "resourcegroupstaggingapi",
    "s3",
    "sso-admin",
    "sts",
)

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass(frozen=True)
class _Rest:
    service: str
    operation: str
    method: str
    path: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]
    score: int


@dataclass(frozen=True)
class _Service:
    name: str
    protocol: str
    api_version: str
    target_prefix: str | None
    rest: tuple[_Rest, ...]


def _template(service: str, operation: str, method: str, uri: str) -> _Rest:
    path, _, query = uri.partition("?")
    pattern = ""
    literal = 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            pattern += ".+" if piece.endswith("+}") else "[^/]+"
        else:
            pattern += re.escape(piece)
            literal += len(piece)
    requirements: list[tuple[str, str | None]] = []
    for part in filter(None, query.split("&")):
        key, eq, value = part.partition("=")
        if key == "x-id":
            continue
        requirements.append((key, value if eq else None))
    return _Rest(
        service,
        operation,
        method,
        re.compile(pattern + "/?"),
        tuple(requirements),
        len(requirements) * 1000 + literal,
    )


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, list[_Service]]:
    import botocore.session

    session = botocore.session.get_session()
    by_signing: dict[str, list[_Service]] = {}
    for name in SERVICES:
        model = session.get_service_model(name)
        meta = model.metadata
        rest = tuple(
            _template(name, op, http["method"], http["requestUri"])
            for op in model.operation_names
            for http in [model.operation_model(op).http]
        )
        svc = _Service(name, meta["protocol"], meta["apiVersion"], meta.get("targetPrefix"), rest)
        by_signing.setdefault(model.signing_name, []).append(svc)
    return by_signing


def identify(
    method: str, raw_path: str, headers: dict[str, str], body: bytes
) -> tuple[str, _Service | None]:
    """``("elbv2:DescribeSSLPolicies", service)`` for one request, or ``("unknown:...", None)``."""
    auth = headers.get("authorization", "")
    found = _CREDENTIAL.search(auth)
    signing = found.group(2) if found else ""
    candidates = _index().get(signing, [])
    target = headers.get("x-amz-target")
    if target:
        prefix, _, op = target.rpartition(".")
        for svc in candidates:
            if svc.target_prefix == prefix:
                return f"{svc.name}:{op}", svc
    parsed = urllib.parse.urlsplit(raw_path)
    query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
    form: dict[str, list[str]] = {}
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    action = (form.get("Action") or query.get("Action") or [None])[0]
    if action:
        version = (form.get("Version") or query.get("Version") or [None])[0]
        for svc in candidates:
            if svc.protocol in ("query", "ec2") and (version is None or svc.api_version == version):
                return f"{svc.name}:{action}", svc
    best: _Rest | None = None
    best_svc: _Service | None = None
    path = urllib.parse.unquote(parsed.path)
    for svc in candidates:
        for rest in svc.rest:
            if rest.method != method or not rest.path.fullmatch(path):
                continue
            if any(
                key not in query or (value is not None and value not in query[key])
                for key, value in rest.query
            ):
                continue
            if best is None or rest.score > best.score:
                best, best_svc = rest, svc
    if best is not None:
        return f"{best.service}:{best.operation}", best_svc
    return f"unknown:{method} {parsed.path}", None


def error_response(
    svc: _Service | None, code: str, status: int
) -> tuple[int, dict[str, str], bytes]:
    """An error in the protocol shape botocore expects from this service."""
    message = f"injected by faultproxy: {code}"
    protocol = svc.protocol if svc else "json"
    if protocol == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>faultproxy</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml"}, body.encode()
    if protocol == "query" or (protocol == "rest-xml" and svc is not None and svc.name != "s3"):
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>faultproxy</RequestId></ErrorResponse>"
        )
        return status, {"Content-Type": "text/xml"}, body.encode()
    if protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>faultproxy</RequestId></Error>"
        return status, {"Content-Type": "application/xml"}, body.encode()
    if protocol == "rest-json":
        return (
            status,
            {"Content-Type": "application/json", "x-amzn-ErrorType": code},
            f'{{"message": "{message}"}}'.encode(),
        )
    return (
        status,
        {"Content-Type": "application/x-amz-json-1.1"},
        f'{{"__type": "{code}", "message": "{message}"}}'.encode(),
    )


_DEFAULT_STATUS = {
    "AccessDenied": 403,
    "AccessDeniedException": 403,
    "UnauthorizedOperation": 403,
    "Throttling": 400,
    "ThrottlingException": 400,
    "RequestLimitExceeded": 503,
    "SlowDown": 503,
    "TooManyRequestsException": 429,
    "InternalError": 500,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
}


@dataclass
class Rule:
    operation: str
    kind: str  # fail | delay | respond
    match: str | None = None
    code: str = ""
    status: int = 0
    seconds: float = 0.0
    body: bytes = b""
    content_type: str = "application/json"
    hits: int = 0


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self.rules: list[Rule] = []
        self.operations: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # rules -------------------------------------------------------------------------------
    def fail(
        self, operation: str, code: str, status: int | None = None, match: str | None = None
    ) -> Rule:
        rule = Rule(
            operation,
            "fail",
            match=match,
            code=code,
            status=status or _DEFAULT_STATUS.get(code, 400),
        )
        self.rules.append(rule)
        return rule

    def delay(self, operation: str, seconds: float, match: str | None = None) -> Rule:
        rule = Rule(operation, "delay", match=match, seconds=seconds)
        self.rules.append(rule)
        return rule

    def respond(
        self,
        operation: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "application/json",
        match: str | None = None,
    ) -> Rule:
        data = body.encode() if isinstance(body, str) else body
        rule = Rule(
            operation, "respond", match=match, status=status, body=data, content_type=content_type
        )
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def count(self, operation: str) -> int:
        with self._lock:
            return self.operations.count(operation)

    # server ------------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out_headers, payload = proxy.handle(self.command, self.path, headers, body)
                self.send_response(status)
                for key, value in out_headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="faultproxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # one request -------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        operation, svc = identify(method, path, headers, body)
        with self._lock:
            self.operations.append(operation)
        text = path + "\n" + body.decode("utf-8", "replace")
        for rule in self.rules:
            if rule.operation != operation or (rule.match is not None and rule.match not in text):
                continue
            rule.hits += 1
            if rule.kind == "fail":
                return error_response(svc, rule.code, rule.status)
            if rule.kind == "respond":
                return rule.status, {"Content-Type": rule.content_type}, rule.body
            if rule.kind == "delay":
                time.sleep(rule.seconds)
                break
        return self._forward(method, path, headers, body)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            send = {k: v for k, v in headers.items() if k not in _HOP_BY_HOP}
            send["host"] = f"{self.upstream_host}:{self.upstream_port}"
            conn.request(method, path, body=body or None, headers=send)
            response = conn.getresponse()
            payload = response.read()
            out = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            return response.status, out, payload
        finally:
            conn.close()
