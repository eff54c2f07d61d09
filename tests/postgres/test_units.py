"""Unit tests of the PostgreSQL collector's pure parts: the expression reader (also against
PostgreSQL's own deparsing), the connection settings and their redaction, host names, the
provider choice and the profile parameters."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from auditor.collect import providers_for_all
from auditor.collect.postgres.connect import DSN_ENV, PgConfig, configured
from auditor.collect.postgres.endpoints import InstanceIndex, parse_rds_host
from auditor.collect.postgres.expressions import filters_on_tenant, mentions_column
from auditor.core.errors import CollectionError
from auditor.core.inventory import Inventory
from auditor.core.model.aws.rds import RdsDbInstance
from auditor.core.params import Parameters
from auditor.core.scope import DatabaseEndpoint, Scope

KEY, SETTING = "practice_id", "app.practice_id"

DEPARSED = [
    ("(practice_id = (current_setting('app.practice_id'::text, true))::integer)", True),
    ("((practice_id = (current_setting('app.practice_id'::text))::integer) AND true)", True),
    ("((current_setting('app.practice_id'::text))::uuid = practice_id)", True),
    ("((practice_id)::text = current_setting('app.practice_id'::text))", True),
    ("(t.practice_id = (current_setting('app.practice_id'::text))::integer)", True),
    (
        "(practice_id = ANY ((string_to_array(current_setting('app.practice_id'::text), ','::text))::integer[]))",
        True,
    ),
    ("((practice_id = (current_setting('app.practice_id'::text))::integer) OR true)", False),
    (
        "(practice_id = COALESCE((current_setting('app.practice_id'::text, true))::integer, practice_id))",
        False,
    ),
    ("(owner_id = (current_setting('app.practice_id'::text))::integer)", False),
    ("(practice_id = (current_setting('app.user_id'::text))::integer)", False),
    ("(practice_id = (current_setting('app.practice_idx'::text))::integer)", False),
    ("true", False),
    ("(practice_id IS NOT NULL)", False),
    ("(practice_id = 5)", False),
    ("(NOT (practice_id <> (current_setting('app.practice_id'::text))::integer))", False),
    ("(practice_id <> (current_setting('app.practice_id'::text))::integer)", False),
    ("(practice_id >= (current_setting('app.practice_id'::text))::integer)", False),
    ("('practice_id = current_setting(''app.practice_id'')' IS NOT NULL)", False),
    ("(\"Practice_ID\" = (current_setting('app.practice_id'::text))::integer)", False),
    (None, False),
]


@pytest.mark.parametrize(("expression", "expected"), DEPARSED)
def test_filters_on_tenant(expression: str | None, expected: bool) -> None:
    assert filters_on_tenant(expression, KEY, SETTING) is expected


def test_mentions_column_ignores_string_literals() -> None:
    assert mentions_column("(practice_id = 1)", KEY)
    assert not mentions_column("(current_setting('app.practice_id'::text) = 'x')", KEY)
    assert not mentions_column("(other_practice_id = 1)", KEY)


# What PostgreSQL itself prints back for policies written by hand, read by the same reader.
WRITTEN = [
    ("practice_id = current_setting('app.practice_id')::uuid", True),
    ("current_setting('app.practice_id', true)::uuid = practice_id AND note IS NOT NULL", True),
    ("practice_id::text = current_setting('app.practice_id')", True),
    ("practice_id = current_setting('app.practice_id')::uuid OR note = 'shared'", False),
    ("practice_id IN (SELECT current_setting('app.practice_id')::uuid)", True),
    ("practice_id = ANY (string_to_array(current_setting('app.practice_id'), ',')::uuid[])", True),
    ("note = current_setting('app.practice_id')", False),
    ("true", False),
]


@pytest.mark.e2e
def test_the_reader_on_postgresqls_own_deparsing(pg_server) -> None:
    with pg_server.admin("postgres") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS deparse (practice_id uuid, note text)")
        try:
            for index, (written, expected) in enumerate(WRITTEN):
                conn.execute(f"CREATE POLICY p{index} ON deparse USING ({written})")
                deparsed = conn.execute(
                    "SELECT qual FROM pg_policies WHERE tablename = 'deparse' AND policyname = %s",
                    (f"p{index}",),
                ).fetchone()[0]
                assert filters_on_tenant(deparsed, KEY, SETTING) is expected, deparsed
        finally:
            conn.execute("DROP TABLE deparse")


def test_config_from_a_dsn_and_the_environment() -> None:
    config = PgConfig.from_environment(
        {
            DSN_ENV: "postgresql://auditor:s3cr%40t-pw@db.internal:6543/app?sslmode=verify-full",
            "PGPASSWORD": "env-pw-1",
        }
    )
    assert (config.host, config.port, config.database, config.user) == (
        "db.internal",
        6543,
        "app",
        "auditor",
    )
    assert "s3cr@t-pw" not in config.redacted_dsn() and "db.internal" in config.redacted_dsn()
    assert config.scrub("failed for s3cr@t-pw and env-pw-1") == (
        "failed for [REDACTED:password] and [REDACTED:password]"
    )
    env_only = PgConfig.from_environment({"PGHOST": "10.0.0.5", "PGDATABASE": "phi", "PGUSER": "a"})
    assert (env_only.host, env_only.port, env_only.database) == ("10.0.0.5", 5432, "phi")
    assert PgConfig.from_environment({}).host == "local socket"


def test_a_malformed_dsn_never_echoes_it() -> None:
    with pytest.raises(CollectionError) as caught:
        PgConfig.from_environment({DSN_ENV: "host=x password=Top-Secret-9 garbage"})
    assert "Top-Secret-9" not in str(caught.value)
    assert DSN_ENV in str(caught.value)


def test_provider_all_includes_postgres_only_with_a_dsn(monkeypatch) -> None:
    monkeypatch.delenv(DSN_ENV, raising=False)
    monkeypatch.setenv("PGHOST", "somewhere")
    assert providers_for_all() == ["aws", "gcp"]
    assert not configured()
    monkeypatch.setenv(DSN_ENV, "host=db dbname=app")
    assert providers_for_all() == ["aws", "gcp", "postgres"]


@pytest.mark.parametrize(
    ("host", "kind", "identifier", "region"),
    [
        ("patients.c9akciq32.us-east-1.rds.amazonaws.com", "instance", "patients", "us-east-1"),
        ("phi.cluster-c9akciq32.eu-west-2.rds.amazonaws.com", "cluster", "phi", "eu-west-2"),
        ("phi.cluster-ro-c9akciq32.eu-west-2.rds.amazonaws.com", "cluster", "phi", "eu-west-2"),
        ("gate.proxy-c9akciq32.us-gov-west-1.rds.amazonaws.com", "proxy", "gate", "us-gov-west-1"),
    ],
)
def test_rds_host_names(host: str, kind: str, identifier: str, region: str) -> None:
    parsed = parse_rds_host(host)
    assert parsed is not None
    assert (parsed.kind, parsed.identifier, parsed.region) == (kind, identifier, region)


def test_non_rds_hosts() -> None:
    for host in ("127.0.0.1", "db.internal", "10.1.2.3", "rds.amazonaws.com", "local socket"):
        assert parse_rds_host(host) is None


def test_endpoints_are_matched_to_rds_instances_of_the_same_snapshot() -> None:
    inventory = Inventory()
    index = InstanceIndex(inventory)
    arn = "arn:aws:rds:us-east-1:111111111111:db:patients"
    index.add_resource(
        RdsDbInstance(id=arn, name="patients", account="111111111111", region="us-east-1")
    )
    assert inventory.resources  # passed on
    scope = Scope(
        providers=["aws", "postgres"],
        databases=[
            DatabaseEndpoint(
                host="patients.abc123.us-east-1.rds.amazonaws.com", port=5432, database="app"
            ),
            DatabaseEndpoint(
                host="other.abc123.us-east-1.rds.amazonaws.com", port=5432, database="app"
            ),
            DatabaseEndpoint(host="10.0.0.9", port=5432, database="app"),
        ],
    )
    instances = [d.instance for d in index.annotate(scope).databases]
    assert instances == [arn, "aws rds instance other in us-east-1", None]
    assert arn in index.annotate(scope).label()


def test_tenant_parameters_are_checked() -> None:
    Parameters(
        tenant_key="practice_id", tenant_setting="app.practice_id", app_role="app", databases=["a"]
    )
    for bad in (
        {"tenant_key": "Practice-ID"},
        {"tenant_key": "x; drop"},
        {"tenant_setting": "practice_id"},
        {"databases": []},
        {"app_role": ""},
    ):
        with pytest.raises(ValidationError):
            Parameters(**bad)


def test_scope_merge_keeps_every_database_once() -> None:
    a = Scope(providers=["postgres"], databases=[DatabaseEndpoint(host="h", port=1, database="x")])
    b = Scope(
        providers=["aws"],
        databases=[
            DatabaseEndpoint(host="h", port=1, database="x"),
            DatabaseEndpoint(host="h", port=1, database="y"),
        ],
    )
    merged = a.merged(b)
    assert merged.providers == ["aws", "postgres"]
    assert [d.database for d in merged.databases] == ["x", "y"]
