"""Fixtures of the PHI tests: moto's server for CloudWatch Logs, a fake Cloud Logging endpoint,
and a check that no planted value appears in any byte the tool wrote or printed."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """AWS clients go to a freshly reset moto server."""
    req = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(req).read()
    for key, value in {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_url


# ---------------------------------------------------------------- fake Cloud Logging (v2 REST)


class FakeLogging:
    """Serves POST /v2/entries:list in the real shape: filter on logName regexes and timestamps,
    orderBy, pageSize and nextPageToken. ``fail_on_page`` answers that page with an error."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.fail_on_page: int | None = None
        self.fail_status = (403, "PERMISSION_DENIED", "caller lacks logging.logEntries.list")

    def select(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        flt = body.get("filter", "")
        names = [re.compile(p) for p in re.findall(r'logName=~"([^"]+)"', flt)]
        lows = re.findall(r'timestamp>="([^"]+)"', flt)
        highs = re.findall(r'timestamp<="([^"]+)"', flt)
        parents = [p + "/" for p in body.get("resourceNames", [])]

        def keep(e: dict[str, Any]) -> bool:
            ts = _ts(e["timestamp"])
            if parents and not any(e["logName"].startswith(p) for p in parents):
                return False
            if names and not any(n.search(e["logName"]) for n in names):
                return False
            return not (any(ts < _ts(x) for x in lows) or any(ts > _ts(x) for x in highs))

        items = [e for e in self.entries if keep(e)]
        items.sort(key=lambda e: e["timestamp"], reverse=body.get("orderBy") == "timestamp desc")
        return items


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _handler(fake: FakeLogging) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def _send(self, code: int, obj: Any) -> None:
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(
                self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}"
            )
            if urllib.parse.urlsplit(self.path).path != "/v2/entries:list":
                self._send(
                    404, {"error": {"code": 404, "message": "no route", "status": "NOT_FOUND"}}
                )
                return
            fake.requests.append(body)
            page_no = len(fake.requests)
            if fake.fail_on_page is not None and page_no >= fake.fail_on_page:
                code, status, message = fake.fail_status
                self._send(code, {"error": {"code": code, "message": message, "status": status}})
                return
            items = fake.select(body)
            start = int(body.get("pageToken") or 0)
            size = int(body.get("pageSize") or 50)
            out: dict[str, Any] = {"entries": items[start : start + size]}
            if start + size < len(items):
                out["nextPageToken"] = str(start + size)
            self._send(200, out)

    return Handler


@pytest.fixture
def fake_logging() -> Iterator[tuple[FakeLogging, str]]:
    fake = FakeLogging()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- leak check


def forms_of(value: str) -> set[str]:
    """The ways a planted value could leak: as planted, and its bare digits when distinctive."""
    forms = {value, value.lower(), value.upper()}
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 7:
        forms.add(digits)
    return {f for f in forms if len(f) >= 3}


def assert_no_planted(values: Iterable[str], blobs: dict[str, bytes]) -> None:
    """No planted value, in any form, appears in any of the blobs (name -> bytes)."""
    leaks = []
    for value in values:
        for form in forms_of(value):
            needle = form.encode()
            for name, blob in blobs.items():
                if needle in blob:
                    leaks.append(f"a planted value leaked into {name}")
    # The message names where, never the value (pytest would print it into the test log).
    assert not leaks, sorted(set(leaks))


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------- planted values

#: (detector, plain-text event, JSON event) with one generated identifier each; none is real.
PLANTED: list[tuple[str, str, str]] = [
    ("ssn", "identity check failed for ssn 219-09-9999", '{"patient": {"ssn": "078-05-1120"}}'),
    ("mbi", "eligibility lookup mbi=1EG4-TE5-MK73 ok", '{"coverage": {"mbi": "2AC7DE9FG41"}}'),
    ("npi", "rendering provider npi=1234567893", '{"provider": {"npi": 1245319599}}'),
    ("dea", "prescriber DEA AB1234563 validated", '{"prescriber": {"dea_number": "FN5623740"}}'),
    (
        "payment_card",
        "charge declined card 4111 1111 1111 1111",
        '{"payment": {"card": "5555555555554444"}}',
    ),
    ("dob", "patient DOB: 03/14/1962 mismatch", '{"patient": {"birth_date": "1958-11-02"}}'),
    ("phone", "sms sent to (312) 555-0147", '{"contact": {"phone": "415-555-0188"}}'),
    (
        "email",
        "password reset sent to jane.roe@example.com",
        '{"user": {"email": "r.moreno@clinic-example.net"}}',
    ),
    ("icd10", "claim dx E11.65 denied", '{"claim": {"diagnosis_code": "J45.909"}}'),
    ("mrn", "loaded chart MRN: 00482913", '{"patient": {"mrn": "MR7719203"}}'),
    (
        "patient_name",
        "patient Eleanor Whitfield checked in",
        '{"patient": {"name": "Okafor, Chidi"}}',
    ),
    (
        "street_address",
        "ship to 4821 Larkspur Lane today",
        '{"patient": {"home_address": "77 Quincy Boulevard"}}',
    ),
]

PLANTED_VALUES: list[str] = [
    "219-09-9999",
    "078-05-1120",
    "1EG4-TE5-MK73",
    "2AC7DE9FG41",
    "1234567893",
    "1245319599",
    "AB1234563",
    "FN5623740",
    "4111 1111 1111 1111",
    "5555555555554444",
    "03/14/1962",
    "1958-11-02",
    "(312) 555-0147",
    "415-555-0188",
    "jane.roe@example.com",
    "r.moreno@clinic-example.net",
    "E11.65",
    "J45.909",
    "00482913",
    "MR7719203",
    "Eleanor Whitfield",
    "Okafor, Chidi",
    "Whitfield",
    "Okafor",
    "4821 Larkspur Lane",
    "77 Quincy Boulevard",
    "Larkspur",
    "Quincy",
]


@pytest.fixture
def planted() -> list[tuple[str, str, str]]:
    return list(PLANTED)


@pytest.fixture
def planted_values() -> list[str]:
    return list(PLANTED_VALUES)


@pytest.fixture
def no_leak() -> Any:
    return assert_no_planted


@pytest.fixture
def all_files() -> Any:
    return files_under


def evaluate_and_render(inventory: Any, out: Path) -> Any:
    """Run the real engine with the strict profile and write result.json and every report."""
    from auditor.cli.pipeline import evaluate_inventory, load_inputs, now_utc, write_outputs
    from auditor.evidence.render import RENDERERS

    result = evaluate_inventory(inventory, load_inputs("strict"), None, now_utc())
    write_outputs(result, out, list(RENDERERS))
    return result


@pytest.fixture
def evaluate() -> Any:
    return evaluate_and_render
