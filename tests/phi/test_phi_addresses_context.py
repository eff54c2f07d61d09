"""Addresses found by context whatever their shape, and what context does not make an address."""

from __future__ import annotations

import json

import pytest

from auditor.collect.phi.addresses import address_key
from auditor.collect.phi.detectors import Scanner


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner()


def _addresses(scanner: Scanner, line: str) -> list[str]:
    return [
        line[d.start : d.end]
        for d in scanner.scan_segments([[("", line)]], dedupe=False)[0]
        if d.detector == "street_address" and d.confidence >= scanner.threshold
    ]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("courier pickup at Calle 63 Sur # 2-98 today", "Calle 63 Sur # 2-98"),
        ("patient moved to Kimachu Mission", "Kimachu Mission"),
        ("home address: Jørgensenmoen 2, 6881 Haugen; then", "Jørgensenmoen 2, 6881 Haugen"),
        ("address changed to Cr. 67 # 7-6 Sur", "Cr. 67 # 7-6 Sur"),
        (json.dumps({"shipping_address": "Szeroka"}), "Szeroka"),
        ('ts=1 ship_to="Av. Rivadavia" level=info', "Av. Rivadavia"),
        (json.dumps({"patient": {"addressLine1": "Queen"}}), "Queen"),
    ],
)
def test_context_makes_an_address(scanner: Scanner, line: str, value: str) -> None:
    assert _addresses(scanner, line) == [value]


def test_the_run_stops_at_the_next_value(scanner: Scanner) -> None:
    line = "ship to Pod Spiritkou 516, 626 51 Švihov, DOB February 27, 1992 verified"
    assert _addresses(scanner, line) == ["Pod Spiritkou 516, 626 51 Švihov"]


@pytest.mark.parametrize(
    "line",
    [
        "address lookup service unavailable, falling back to cache ttl=30s",
        "bound to address 10.0.3.4:8080",
        json.dumps({"ip_address": "10.0.3.4", "mac_address": "0a:1b:2c:3d:4e:5f"}),
        json.dumps({"address": "db-1.internal"}),
        json.dumps({"email_address": "Ann.Lee@example.com"}),
        'address-validator ok "server_address": "Prod Cluster"',
    ],
)
def test_no_address_without_one(scanner: Scanner, line: str) -> None:
    assert _addresses(scanner, line) == []


@pytest.mark.parametrize(
    ("key", "postal"),
    [
        ("address", True),
        ("homeAddress", True),
        ("address_line_2", True),
        ("ship_to", True),
        ("patient.street", True),
        ("ip_address", False),
        ("remote_addr", False),
        ("email_address", False),
        ("line1", False),
    ],
)
def test_address_keys(key: str, postal: bool) -> None:
    assert address_key(key) is postal
