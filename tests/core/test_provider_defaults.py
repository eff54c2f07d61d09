"""The provider defaults table (policies/data/provider_defaults.yaml): lookups by engine and
version, and only verified entries applied."""

from __future__ import annotations

import pytest

from auditor.core.provider_defaults import (
    documented_parameter,
    documented_source,
    family_of,
    load_provider_defaults,
    version_of_family,
)


@pytest.mark.parametrize(
    ("engine", "version", "family", "parameter", "value"),
    [
        ("postgres", "16.4", None, "rds.force_ssl", "1"),
        ("postgres", "15.2", None, "rds.force_ssl", "1"),
        ("postgres", "14.12", None, "rds.force_ssl", "0"),
        ("postgres", None, "postgres16", "rds.force_ssl", "1"),  # version from the family
        ("mysql", "8.0.39", None, "require_secure_transport", "0"),
        ("mysql", "9.7.0", None, "require_secure_transport", "1"),
        ("mariadb", "11.8.1", None, "require_secure_transport", "1"),
    ],
)
def test_documented_defaults(
    engine: str, version: str | None, family: str | None, parameter: str, value: str
) -> None:
    found = documented_parameter(engine, version, family, parameter)
    assert found is not None and found.value == value and found.source.startswith("https://")


@pytest.mark.parametrize(
    ("engine", "version", "parameter"),
    [
        ("postgres", "16.4", "ssl_min_protocol_version"),  # verified: false, never applied
        ("aurora-postgresql", "16.4", "rds.force_ssl"),  # verified: false
        ("aurora-mysql", "8.0.mysql_aurora.3.05.2", "require_secure_transport"),
        ("mysql", "9.1.0", "require_secure_transport"),  # 9.0 to 9.6 are not documented
        ("postgres", None, "rds.force_ssl"),  # version unknown: no guess
    ],
)
def test_what_is_not_documented_stays_unknown(
    engine: str, version: str | None, parameter: str
) -> None:
    assert documented_parameter(engine, version, None, parameter) is None


def test_families_and_sources() -> None:
    assert family_of("postgres", "16.4") == "postgres16"
    assert family_of("mysql", "8.0.39") == "mysql8.0"
    assert version_of_family("postgres", "postgres16") == "16"
    assert version_of_family("mysql", "postgres16") is None
    entry = documented_parameter("postgres", "16.4", None, "rds.force_ssl")
    assert entry is not None
    assert (
        documented_source(entry, "postgres16")
        == f"provider-default (postgres16 family, {entry.source})"
    )


def test_every_entry_cites_its_documentation() -> None:
    table = load_provider_defaults()
    entries = [
        *table.encryption_at_rest.defaults.values(),
        *table.rds_parameters.defaults,
        *table.cloudsql_flags.defaults,
    ]
    assert entries and all(e.source.startswith("https://") for e in entries)
    assert all(e.note for e in entries if not e.verified)  # an unverified value says why
    cloudsql = table.cloudsql("ssl_mode")
    assert cloudsql is not None and cloudsql.value == "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
