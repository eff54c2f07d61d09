"""End to end through the CLI against a real PostgreSQL: each way of getting row-level security
wrong, and getting it right, gives its verdict (`baa-audit scan --provider postgres --profile
littleclouds`)."""

from __future__ import annotations

import pytest

from auditor.judge.catalog import load_catalog
from auditor.judge.profile import load_profile

from . import schemas
from .conftest import write_profile

pytestmark = pytest.mark.e2e


def place(pg_server, database: str) -> str:
    return f"127.0.0.1:{pg_server.port}/{database}"


def test_rls_done_right_passes_every_check(scan, pg_server) -> None:
    run = scan("rls_good", "--probe-isolation")
    where = place(pg_server, "rls_good")
    tables = {f"{where}/public.patients", f"{where}/public.visits"}
    for policy in (
        "PG-RLS-001",
        "PG-RLS-003",
        "PG-RLS-004",
        "PG-RLS-005",
        "PG-RLS-006",
        "PG-RLS-007",
    ):
        assert run.statuses(policy) == dict.fromkeys(tables, "PASS"), policy
    assert run.statuses("PG-ROLE-001") == {f"{where}/role/{schemas.APP}": "PASS"}
    assert run.statuses("PG-DB-001") == {where: "PASS"}
    assert run.statuses("PG-DB-002") == {where: "PASS"}
    # the application role owns nothing: forcing is not needed anywhere
    assert list(run.statuses("PG-RLS-002").values()) == ["NOT_APPLICABLE"]
    promise = next(p for p in run.result["promises"] if p["id"] == "tenant-isolation")
    assert promise["verdict"] == "PASS"
    # the lookup table carries no practice_id and is not a tenant table
    assert not any("lookup_codes" in f["resource"]["id"] for f in run.result["findings"])
    # the scope names the endpoint, in every report
    assert run.result["scope"]["databases"] == [
        {
            "engine": "postgres",
            "host": "127.0.0.1",
            "port": pg_server.port,
            "database": "rls_good",
            "platform": "postgresql",
            "instance": None,
            "connected": True,
        }
    ]
    assert f"postgres 127.0.0.1:{pg_server.port}/rls_good" in (run.out / "report.html").read_text()
    assert f"127.0.0.1:{pg_server.port}/rls\\_good" in (run.out / "report.md").read_text()
    # nothing failed and no finding errored; the cloud promises are "not assessed" promises, and
    # the contractual ones (manual_evidence) are MANUAL items in every live run
    assert run.exit_code == 0
    contractual = {
        p.id
        for p in load_profile("littleclouds", load_catalog()).profile.promises
        if p.manual_evidence
    }
    others = {
        p["id"]: p["verdict"] for p in run.result["promises"] if p["id"] != "tenant-isolation"
    }
    assert contractual and contractual < set(others)
    # the cloud promises concern nothing in a database-only scope: NOT_APPLICABLE, and every
    # cloud policy is listed as not run, with the reason
    assert {v for k, v in others.items() if k not in contractual} == {"NOT_APPLICABLE"}
    not_run = {n["policy_id"]: n["reason"] for n in run.result["policies_not_run"]}
    assert "provider aws is not in the scan's scope" in not_run["AWS-S3-001"]
    assert "provider gcp is not in the scan's scope" in not_run["GCP-GCS-001"]
    assert {v for k, v in others.items() if k in contractual} == {"MANUAL"}


def test_rls_missing_fails_and_names_the_table(scan, pg_server) -> None:
    run = scan("rls_missing")
    where = place(pg_server, "rls_missing")
    assert run.statuses("PG-RLS-001") == {
        f"{where}/public.patients": "PASS",
        f"{where}/public.invoices": "FAIL",
    }
    [db] = run.findings("PG-DB-001")
    assert db["status"] == "FAIL"
    assert "public.invoices" in db["message"] and "public.patients" not in db["message"]
    assert run.statuses("PG-RLS-003")[f"{where}/public.invoices"] == "FAIL"
    assert run.exit_code == 1


def test_owner_without_force_fails_and_the_probe_sees_other_practices(scan, pg_server) -> None:
    run = scan("rls_owner", "--probe-isolation")
    where = place(pg_server, "rls_owner")
    assert run.statuses("PG-RLS-002") == {
        f"{where}/public.patients": "FAIL",
        f"{where}/public.visits": "PASS",
    }
    assert run.statuses("PG-RLS-003") == {
        f"{where}/public.patients": "FAIL",
        f"{where}/public.visits": "PASS",
    }
    probe = {f["resource"]["id"]: f for f in run.findings("PG-RLS-007")}
    assert probe[f"{where}/public.patients"]["status"] == "FAIL"
    assert probe[f"{where}/public.patients"]["evidence"]["isolation_probe.other_tenant_rows"] == 2
    assert probe[f"{where}/public.visits"]["status"] == "PASS"
    role = run.result["findings"]
    assert any(f["policy_id"] == "PG-ROLE-001" and f["status"] == "PASS" for f in role)


def test_bypassrls_role_fails(scan, pg_server, tmp_path) -> None:
    profile = write_profile(tmp_path / "bypass.yaml", app_role=schemas.BYPASS_APP)
    run = scan("rls_bypass", "--probe-isolation", profile=profile)
    where = place(pg_server, "rls_bypass")
    [role] = run.findings("PG-ROLE-001")
    assert role["status"] == "FAIL"
    assert role["evidence"]["bypass_rls"] is True
    assert "it has BYPASSRLS: every policy is void for it" in role["message"]
    # the policies themselves are fine; the live probe shows what BYPASSRLS means
    assert run.statuses("PG-RLS-003") == {f"{where}/public.patients": "PASS"}
    assert run.statuses("PG-RLS-007") == {f"{where}/public.patients": "FAIL"}
    assert run.exit_code == 1


def test_policy_not_filtering_on_the_tenant_key_fails(scan, pg_server) -> None:
    run = scan("rls_nofilter")
    where = place(pg_server, "rls_nofilter")
    patients, visits = f"{where}/public.patients", f"{where}/public.visits"
    assert run.statuses("PG-RLS-001") == {patients: "PASS", visits: "PASS"}
    for policy in ("PG-RLS-003", "PG-RLS-004", "PG-RLS-005", "PG-RLS-006"):
        assert run.statuses(policy)[patients] == "FAIL", policy
    # visits filters, but a permissive SELECT policy USING (true) opens reads (and only reads)
    assert run.statuses("PG-RLS-003")[visits] == "FAIL"
    for policy in ("PG-RLS-004", "PG-RLS-005", "PG-RLS-006"):
        assert run.statuses(policy)[visits] == "PASS", policy
    [select_patients] = [f for f in run.findings("PG-RLS-003") if f["resource"]["id"] == patients]
    assert (
        "by_user (ALL, permissive, to public): USING does not filter on practice_id"
        in select_patients["message"]
    )


def test_unreadable_pg_policies_is_error_naming_the_privilege(scan, pg_server) -> None:
    run = scan("rls_revoked")
    where = place(pg_server, "rls_revoked")
    assert run.statuses("PG-RLS-001") == {f"{where}/public.patients": "PASS"}
    [select] = run.findings("PG-RLS-003")
    assert select["status"] == "ERROR"
    assert "SELECT on pg_catalog.pg_policies" in select["message"]
    assert "42501" in select["message"]
    assert run.statuses("PG-DB-001") == {where: "ERROR"}
    assert run.exit_code == 3


def test_probe_without_set_role_permission_is_error(scan, pg_server) -> None:
    run = scan("rls_good", "--probe-isolation", user=schemas.PLAIN_AUDITOR)
    probe = run.findings("PG-RLS-007")
    assert probe and all(f["status"] == "ERROR" for f in probe)
    assert f"membership in role {schemas.APP}" in probe[0]["message"]
    # the catalog checks do not need that membership
    assert set(run.statuses("PG-RLS-001").values()) == {"PASS"}


def test_missing_application_role_is_error(scan, pg_server, tmp_path) -> None:
    profile = write_profile(tmp_path / "ghost.yaml", app_role="no_such_role")
    run = scan("rls_good", profile=profile)
    [role] = run.findings("PG-ROLE-001")
    assert role["status"] == "ERROR"
    assert "RoleNotFound" in role["message"]
    assert set(run.statuses("PG-RLS-003").values()) == {"ERROR"}
    assert set(run.statuses("PG-RLS-001").values()) == {"PASS"}


def test_several_databases_and_an_unreachable_one(scan, pg_server, tmp_path) -> None:
    profile = write_profile(
        tmp_path / "multi.yaml", databases=["rls_good", "rls_missing", "no_such_db"]
    )
    run = scan("postgres", profile=profile)
    places = {f["resource"]["account"] for f in run.findings("PG-RLS-001")}
    assert places == {place(pg_server, d) for d in ("rls_good", "rls_missing", "no_such_db")}
    gone = [
        f for f in run.findings("PG-DB-001") if f["resource"]["account"].endswith("/no_such_db")
    ]
    assert gone and gone[0]["status"] == "ERROR"
    assert "3D000" in gone[0]["message"]
    endpoints = {d["database"]: d["connected"] for d in run.result["scope"]["databases"]}
    assert endpoints == {"rls_good": True, "rls_missing": True, "no_such_db": False}


def test_wrong_password_is_error_and_never_printed(scan, pg_server) -> None:
    secret = "Wr0ng-Secret-Passw0rd"
    run = scan("rls_good", password=secret)
    assert run.exit_code == 3
    findings = run.result["findings"]
    pg = [f for f in findings if f["policy_id"].startswith("PG-")]
    assert pg and all(f["status"] == "ERROR" for f in pg)
    assert any("28P01" in f["message"] and "password" in f["message"] for f in pg)
    assert secret not in run.output
    assert secret not in run.text_of_every_file()


def test_password_in_the_dsn_is_never_written(scan, pg_server) -> None:
    dsn = (
        f"postgresql://{schemas.AUDITOR}:{schemas.AUDITOR_PASSWORD}@127.0.0.1:{pg_server.port}/rls_good"
        "?sslmode=disable"
    )
    run = scan("rls_good", env={"BAA_AUDIT_PG_DSN": dsn, "PGPASSWORD": None, "PGUSER": None})
    assert run.statuses("PG-ROLE-001")  # it connected with the DSN's password
    assert schemas.AUDITOR_PASSWORD not in run.output
    assert schemas.AUDITOR_PASSWORD not in run.text_of_every_file()
    assert dsn not in run.text_of_every_file()


def test_a_malformed_dsn_is_one_line_and_exit_2(scan) -> None:
    run = scan("rls_good", env={"BAA_AUDIT_PG_DSN": "host=127.0.0.1 password=Sekr1t-x junk"})
    assert run.exit_code == 2
    assert "BAA_AUDIT_PG_DSN is not a valid libpq connection string" in run.output
    assert "Sekr1t-x" not in run.output
    assert not run.out.exists() or not any(run.out.iterdir())
