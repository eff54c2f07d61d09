"""Provider defaults on Terraform: what a configuration leaves unset is judged as the provider
documents it (policies/data/provider_defaults.yaml, the table the live collector uses too), with
the source in the evidence; what the table does not document stays unknown (ERROR), never a
FAIL on a value nobody read.

One checkov run over one small configuration, judged against the baseline profile (TLS 1.2).
"""

from __future__ import annotations

import pytest

from auditor.core.result import Finding
from auditor.iac.checkov_env import CheckovCommand
from auditor.iac.run import IacRequest, IacRun, run_iac

DOCS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/ssl-certificate-rotation-postgresql.html"
MYSQL_DOCS = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html"
)

CONFIG = """
provider "aws" {
  region = "us-east-1"
}

resource "aws_db_instance" "pg16" {
  identifier        = "pg16"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_encrypted = true
}

resource "aws_db_instance" "pg14" {
  identifier        = "pg14"
  engine            = "postgres"
  engine_version    = "14.12"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_encrypted = true
}

resource "aws_db_instance" "mysql80" {
  identifier        = "mysql80"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_encrypted = true
}

resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "aurora"
  engine             = "aurora-mysql"
  storage_encrypted  = true
}
"""


@pytest.fixture(scope="module")
def defaults_run(
    checkov_command: CheckovCommand, tmp_path_factory: pytest.TempPathFactory
) -> IacRun:
    root = tmp_path_factory.mktemp("defaults")
    (root / "main.tf").write_text(CONFIG)
    return run_iac(
        IacRequest(paths=(root,), relative_to=root, profile="hipaa-baseline"),
        command=checkov_command,
    )


def _tls(run: IacRun, name: str) -> Finding:
    (finding,) = [
        f
        for f in run.result.findings
        if f.policy_id in ("AWS-RDS-010", "AWS-RDS-011") and f.resource.name == name
    ]
    return finding


def test_postgres16_without_a_group_is_not_a_fail_on_an_unread_value(defaults_run: IacRun) -> None:
    pg16 = _tls(defaults_run, "pg16")
    # rds.force_ssl defaults to 1 from PostgreSQL 15 (documented); ssl_min_protocol_version's RDS
    # default is not documented by AWS: unknown, so ERROR naming what is missing, not FAIL
    assert pg16.status == "ERROR", pg16.message
    assert "None" not in pg16.message and "in none" not in pg16.message
    assert pg16.evidence["tls_parameters.force_ssl"] == "1"
    assert pg16.evidence["tls_parameters.sources"]["rds.force_ssl"] == (
        f"provider-default (postgres16 family, {DOCS})"
    )
    assert [g.error_code for g in pg16.gaps] == ["EngineDefaultNotKnownOffline"]
    assert "ssl_min_protocol_version" in pg16.gaps[0].message
    assert "provider_defaults.yaml" in pg16.gaps[0].message


def test_documented_defaults_that_break_the_promise_fail_with_their_source(
    defaults_run: IacRun,
) -> None:
    pg14 = _tls(defaults_run, "pg14")
    assert pg14.status == "FAIL"
    assert "rds.force_ssl=0 in default.postgres14" in pg14.message
    assert pg14.evidence["tls_parameters.sources"]["rds.force_ssl"] == (
        f"provider-default (postgres14 family, {DOCS})"
    )
    mysql = _tls(defaults_run, "mysql80")
    assert mysql.status == "FAIL"
    assert "require_secure_transport=0 in default.mysql8.0" in mysql.message
    assert mysql.evidence["tls_parameters.sources"]["require_secure_transport"] == (
        f"provider-default (mysql8.0 family, {MYSQL_DOCS})"
    )


def test_an_undocumented_default_stays_unknown(defaults_run: IacRun) -> None:
    aurora = _tls(defaults_run, "aurora")
    assert aurora.status == "ERROR"
    assert {g.error_code for g in aurora.gaps} == {"EngineDefaultNotKnownOffline"}
    assert all("provider_defaults.yaml" in g.message for g in aurora.gaps)
