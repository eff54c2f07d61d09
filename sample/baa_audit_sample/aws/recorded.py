"""A small HTTP proxy in front of moto that answers, with real-shaped JSON, what moto cannot.

moto 5.2.5 answers HTTP 500 (NotImplementedError) for some read operations the collectors need,
and gives unrealistic answers for others. This proxy sits between boto3 and moto: it forwards
every request unchanged, except these, which it answers (or corrects) from :class:`Recordings`:

=========================================== ================================================
operation                                   what the proxy does
=========================================== ================================================
``logs:GetDataProtectionPolicy``            answers from ``data_protection_policies``
``logs:DescribeAccountPolicies``            answers from ``account_policies``
``organizations:DescribeEffectivePolicy``   answers from ``effective_policies`` (or its error)
``config:DescribeConfigurationRecorderStatus`` answers ``recording`` for regions in
                                            ``discovered_resource_counts``; else forwards
``config:GetDiscoveredResourceCounts``      answers from ``discovered_resource_counts``
``artifact:ListCustomerAgreements``         answers from ``customer_agreements`` (moto has no
                                            Artifact API)
``iam:GetCredentialReport``                 forwards, then adds the ``<root_account>`` row that
                                            real AWS always has (moto leaves it out)
``iam:GetAccountSummary``                   forwards, then sets ``AccountMFAEnabled`` and
                                            ``AccountAccessKeysPresent`` from ``root`` (moto
                                            hard-codes them to 0)
``s3:GetBucketEncryption``                  answers, for the buckets in ``bucket_encryption``,
                                            the configuration the sample put (moto drops its
                                            ``BlockedEncryptionTypes``)
``ec2:DescribeRegions``                     forwards, then lists every region outside
                                            ``enabled_regions`` as ``not-opted-in`` (the
                                            sample account uses a few regions, not moto's 38)
``kms:GetKeyRotationStatus``                forwards, then, for the AWS managed keys in
                                            ``aws_managed_keys``, reports the yearly rotation
                                            real AWS performs (moto reports rotation off)
=========================================== ================================================

The answers follow the shapes of botocore's service models (``logs``, ``organizations``,
``config`` speak JSON 1.1; IAM speaks the query protocol with XML answers), including the error
shape (``{"__type": ..., "message": ...}`` with HTTP 400) so the collectors' error handling runs
exactly as against AWS. Every operation answered here is listed in :attr:`RecordedProxy.answered`
so tests can show which answers came from recordings.

Used by the end-to-end tests and by ``baa-audit demo`` (see :func:`start_recorded_proxy`).
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass
class RootState:
    """The root user as real AWS reports it (credential report row and account summary)."""

    mfa_active: bool = False
    access_key_1_active: bool = False
    access_key_2_active: bool = False


@dataclass
class Recordings:
    """What the proxy answers. Keys: region, then log group name / account id."""

    root: RootState | None = None
    #: region -> log group name -> data protection policy document (a dict)
    data_protection_policies: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: region -> list of account policies (accountPolicies[] items, policyDocument as a dict)
    account_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: account id -> effective AI opt-out policy content (dict), or an error code string such
    #: as "EffectivePolicyNotFoundException" / "AWSOrganizationsNotInUseException"
    effective_policies: dict[str, dict[str, Any] | str] = field(default_factory=dict)
    #: region -> resourceCounts[] items ({"resourceType": "AWS::EFS::FileSystem", "count": 2})
    discovered_resource_counts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: account id -> customerAgreements[] items (AWS Artifact)
    customer_agreements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: bucket name -> the ServerSideEncryptionConfiguration XML document the sample put, as
    #: botocore serialized it (see :func:`encryption_document`)
    bucket_encryption: dict[str, bytes] = field(default_factory=dict)
    #: key ids of AWS managed keys (``alias/aws/*``): AWS rotates them every year
    aws_managed_keys: set[str] = field(default_factory=set)
    #: the regions the sample account has enabled (None: every region moto lists)
    enabled_regions: tuple[str, ...] | None = None


#: AWS rotates the material of every AWS managed key once a year.
AWS_MANAGED_ROTATION_DAYS = 365


def encryption_document(configuration: dict[str, Any]) -> bytes:
    """The ``ServerSideEncryptionConfiguration`` XML for ``configuration`` (boto3's shape).

    botocore's own rest-xml serializer writes it from the S3 service model
    (``PutBucketEncryption``'s payload), so the document has exactly the shape the service
    returns from ``GetBucketEncryption`` (whose payload is the same structure).
    """
    import botocore.session
    from botocore.serialize import create_serializer

    model = botocore.session.get_session().get_service_model("s3")
    operation = model.operation_model("PutBucketEncryption")
    request = create_serializer("rest-xml").serialize_to_request(
        {"Bucket": "b", "ServerSideEncryptionConfiguration": configuration}, operation
    )
    body = request["body"]
    return body if isinstance(body, bytes) else str(body).encode("utf-8")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _json(status: int, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(body).encode()


def _error(code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    return _json(400, {"__type": code, "message": message})


def root_row(account: str, root: RootState) -> str:
    """A ``<root_account>`` line in the credential report's 22 columns, as AWS writes it."""
    flag = {True: "true", False: "false"}
    created = "2020-01-01T00:00:00+00:00"
    cols = [
        "<root_account>",
        f"arn:aws:iam::{account}:root",
        created,
        "not_supported",  # password_enabled
        "2026-11-01T00:00:00+00:00",  # password_last_used
        "not_supported",  # password_last_changed
        "not_supported",  # password_next_rotation
        flag[root.mfa_active],
        flag[root.access_key_1_active],
        created if root.access_key_1_active else "N/A",
        "N/A",
        "N/A",
        "N/A",
        flag[root.access_key_2_active],
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    return ",".join(cols)


class RecordedProxy:
    """Forward to ``upstream`` (moto), answering the operations listed in the module docstring."""

    def __init__(
        self, upstream: str, recordings: Recordings, account: str = DEFAULT_ACCOUNT
    ) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.recordings = recordings
        self.account = account
        self.answered: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "proxy not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> RecordedProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = proxy.handle(
                    self.command, self.path, dict(self.headers), body
                )
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ------------------------------------------------------------------------------------
    def _note(self, operation: str) -> None:
        with self._lock:
            self.answered.append(operation)

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port or 80, timeout=60
        )
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            sent["Host"] = self.upstream.netloc
            sent["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        lower = {k.lower(): v for k, v in headers.items()}
        match = _CREDENTIAL.search(lower.get("authorization", ""))
        region = match.group(1) if match else "us-east-1"
        service = match.group(2) if match else ""
        if service == "artifact" and path.split("?", 1)[0] == "/v1/customer-agreement/list":
            self._note("artifact:ListCustomerAgreements")
            items = self.recordings.customer_agreements.get(self.account, [])
            return (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"customerAgreements": items}).encode(),
            )
        if service == "s3" and method == "GET":
            answer = self._bucket_encryption(path)
            if answer is not None:
                return answer
        target = lower.get("x-amz-target", "")
        operation = target.rsplit(".", 1)[-1] if target else ""
        if target == "TrentService.GetKeyRotationStatus" and self.recordings.aws_managed_keys:
            return self._key_rotation(method, path, headers, body)
        if target:
            request = json.loads(body or b"{}")
            answer = self._answer_json(target.split(".", 1)[0], operation, region, request)
            if answer is not None:
                return answer
        elif method == "POST" and body:
            action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
            if action == "DescribeRegions" and self.recordings.enabled_regions is not None:
                status, out_headers, payload = self.forward(method, path, headers, body)
                if status == 200:
                    self._note("ec2:DescribeRegions")
                    payload = self._patch_regions(payload)
                return status, out_headers, payload
            if (
                action in ("GetCredentialReport", "GetAccountSummary")
                and self.recordings.root is not None
            ):
                status, out_headers, payload = self.forward(method, path, headers, body)
                if status == 200:
                    self._note(f"iam:{action}")
                    payload = self._patch_iam(action, payload)
                return status, out_headers, payload
        return self.forward(method, path, headers, body)

    def _bucket_encryption(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        """``GET /BUCKET?encryption`` (path-style, as boto3 addresses 127.0.0.1)."""
        route, _, query = path.partition("?")
        if "encryption" not in urllib.parse.parse_qs(query, keep_blank_values=True):
            return None
        bucket = urllib.parse.unquote(route.strip("/"))
        document = self.recordings.bucket_encryption.get(bucket)
        if document is None:
            return None
        self._note("s3:GetBucketEncryption")
        return 200, {"Content-Type": "application/xml"}, document

    def _key_rotation(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        status, out_headers, payload = self.forward(method, path, headers, body)
        if status != 200:
            return status, out_headers, payload
        answer = json.loads(payload or b"{}")
        key = str(answer.get("KeyId") or json.loads(body or b"{}").get("KeyId", ""))
        if key.rsplit("/", 1)[-1] in self.recordings.aws_managed_keys:
            self._note("kms:GetKeyRotationStatus")
            answer["KeyRotationEnabled"] = True
            answer["RotationPeriodInDays"] = AWS_MANAGED_ROTATION_DAYS
            payload = json.dumps(answer).encode()
        return status, out_headers, payload

    def _answer_json(
        self, prefix: str, operation: str, region: str, request: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes] | None:
        rec = self.recordings
        if prefix.startswith("Logs_") and operation == "GetDataProtectionPolicy":
            self._note("logs:GetDataProtectionPolicy")
            name = str(request.get("logGroupIdentifier", ""))
            name = name.split(":log-group:", 1)[1] if ":log-group:" in name else name
            document = rec.data_protection_policies.get(region, {}).get(name)
            body: dict[str, Any] = {"logGroupIdentifier": request.get("logGroupIdentifier")}
            if document is not None:
                body.update(policyDocument=json.dumps(document), lastUpdatedTime=_now_ms())
            return _json(200, body)
        if prefix.startswith("Logs_") and operation == "DescribeAccountPolicies":
            self._note("logs:DescribeAccountPolicies")
            wanted = request.get("policyType")
            items = []
            for policy in rec.account_policies.get(region, []):
                item = dict(policy)
                if wanted and item.get("policyType", "DATA_PROTECTION_POLICY") != wanted:
                    continue
                item.setdefault("policyType", "DATA_PROTECTION_POLICY")
                item.setdefault("scope", "ALL")
                item.setdefault("accountId", self.account)
                item.setdefault("lastUpdatedTime", _now_ms())
                if isinstance(item.get("policyDocument"), dict):
                    item["policyDocument"] = json.dumps(item["policyDocument"])
                items.append(item)
            return _json(200, {"accountPolicies": items})
        if prefix.startswith("AWSOrganizations") and operation == "DescribeEffectivePolicy":
            self._note("organizations:DescribeEffectivePolicy")
            target = str(request.get("TargetId") or self.account)
            policy_type = str(request.get("PolicyType", ""))
            content = rec.effective_policies.get(target, "EffectivePolicyNotFoundException")
            if policy_type != "AISERVICES_OPT_OUT_POLICY":
                content = "EffectivePolicyNotFoundException"
            if isinstance(content, str):
                return _error(content, "recorded error answer")
            return _json(
                200,
                {
                    "EffectivePolicy": {
                        "PolicyContent": json.dumps(content),
                        "LastUpdatedTimestamp": time.time(),
                        "TargetId": target,
                        "PolicyType": policy_type,
                    }
                },
            )
        if prefix == "StarlingDoveService" and operation == "DescribeConfigurationRecorderStatus":
            if region not in rec.discovered_resource_counts:
                return None
            self._note("config:DescribeConfigurationRecorderStatus")
            status = {
                "name": "default",
                "lastStartTime": time.time() - 86400,
                "recording": True,
                "lastStatus": "Success",
                "lastStatusChangeTime": time.time() - 600,
            }
            return _json(200, {"ConfigurationRecordersStatus": [status]})
        if prefix == "StarlingDoveService" and operation == "GetDiscoveredResourceCounts":
            self._note("config:GetDiscoveredResourceCounts")
            counts = rec.discovered_resource_counts.get(region, [])
            total = sum(int(c.get("count", 0)) for c in counts)
            return _json(200, {"totalDiscoveredResources": total, "resourceCounts": counts})
        return None

    def _patch_regions(self, payload: bytes) -> bytes:
        enabled = set(self.recordings.enabled_regions or ())

        def item(match: re.Match[str]) -> str:
            text = match.group(0)
            name = re.search(r"<regionName>([^<]+)</regionName>", text)
            if name is None or name.group(1) in enabled:
                return text
            return re.sub(
                r"<optInStatus>[^<]*</optInStatus>", "<optInStatus>not-opted-in</optInStatus>", text
            )

        return re.sub(r"<item>.*?</item>", item, payload.decode("utf-8"), flags=re.S).encode()

    def _patch_iam(self, action: str, payload: bytes) -> bytes:
        root = self.recordings.root
        assert root is not None
        text = payload.decode("utf-8")
        if action == "GetCredentialReport":
            found = re.search(r"<Content>([^<]*)</Content>", text)
            if found is None:
                return payload
            report = base64.b64decode(found.group(1)).decode("utf-8")
            head, _, rest = report.partition("\n")
            if "<root_account>" not in rest:
                report = head + "\n" + root_row(self.account, root) + ("\n" + rest if rest else "")
            encoded = base64.b64encode(report.encode("utf-8")).decode("ascii")
            text = text[: found.start(1)] + encoded + text[found.end(1) :]
        else:
            keys_present = root.access_key_1_active or root.access_key_2_active
            for key, value in (
                ("AccountMFAEnabled", root.mfa_active),
                ("AccountAccessKeysPresent", keys_present),
            ):
                text = re.sub(
                    rf"(<key>{key}</key>\s*<value>)\d+(</value>)",
                    lambda m, v=value: f"{m.group(1)}{1 if v else 0}{m.group(2)}",  # type: ignore[misc]
                    text,
                )
        return text.encode("utf-8")


def start_recorded_proxy(upstream: str, recordings: Recordings | None = None) -> RecordedProxy:
    """Start a proxy in front of ``upstream``; point ``AWS_ENDPOINT_URL`` at ``.endpoint``."""
    return RecordedProxy(upstream, recordings or Recordings()).start()


__all__ = [
    "AWS_MANAGED_ROTATION_DAYS",
    "DEFAULT_ACCOUNT",
    "RecordedProxy",
    "Recordings",
    "RootState",
    "encryption_document",
    "root_row",
    "start_recorded_proxy",
]
