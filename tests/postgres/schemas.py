"""The databases the PostgreSQL tests audit: RLS done right, and each way of getting it wrong.

Roles are cluster-wide, so each scenario that needs a different application role has its own
(and the test hands the collector a profile naming it). Every table holds rows of two practices.
"""

from __future__ import annotations

from typing import Any

APP = "littleclouds_app"
APP_PASSWORD = "app-pw-5a21"
OWNER = "littleclouds_owner"
AUDITOR = "baa_audit"
AUDITOR_PASSWORD = "audit-pw-77c3"
PLAIN_AUDITOR = "baa_audit_plain"  # may not SET ROLE to the application role
BYPASS_APP = "bypass_app"

FILTER = "practice_id = current_setting('app.practice_id')::uuid"

ROLES = f"""
CREATE ROLE {OWNER} NOLOGIN;
CREATE ROLE {APP} LOGIN PASSWORD '{APP_PASSWORD}';
CREATE ROLE {BYPASS_APP} LOGIN BYPASSRLS;
CREATE ROLE {AUDITOR} LOGIN NOINHERIT PASSWORD '{AUDITOR_PASSWORD}';
CREATE ROLE {PLAIN_AUDITOR} LOGIN PASSWORD '{AUDITOR_PASSWORD}';
GRANT {APP} TO {AUDITOR};
GRANT {BYPASS_APP} TO {AUDITOR};
"""


def _table(name: str, owner: str = OWNER, grantee: str = APP) -> str:
    return f"""
CREATE TABLE {name} (id serial PRIMARY KEY, practice_id uuid NOT NULL, note text);
ALTER TABLE {name} OWNER TO {owner};
INSERT INTO {name} (practice_id, note) VALUES
  ('11111111-1111-1111-1111-111111111111', 'a'), ('22222222-2222-2222-2222-222222222222', 'b');
GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {grantee};
"""


SCENARIOS: dict[str, str] = {
    # everything right: enabled, a policy per command through ALL, owned by another role
    "rls_good": _table("patients")
    + _table("visits")
    + f"""
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON patients USING ({FILTER}) WITH CHECK ({FILTER});
ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
CREATE POLICY visits_tenant ON visits AS RESTRICTIVE USING ({FILTER});
CREATE POLICY visits_open ON visits USING (true);
CREATE TABLE lookup_codes (code text PRIMARY KEY);
""",
    # row-level security missing on one table (and that table has no policy)
    "rls_missing": _table("patients")
    + _table("invoices")
    + f"""
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON patients USING ({FILTER});
""",
    # the application role owns its tables: one not forced, one forced
    "rls_owner": _table("patients", owner=APP)
    + _table("visits", owner=APP)
    + f"""
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON patients USING ({FILTER});
ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
ALTER TABLE visits FORCE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON visits USING ({FILTER});
""",
    # right policies, but the profile's application role has BYPASSRLS
    "rls_bypass": _table("patients", grantee=BYPASS_APP)
    + f"""
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON patients USING ({FILTER});
""",
    # policies that do not filter on the tenant key
    "rls_nofilter": _table("patients")
    + _table("visits")
    + f"""
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_user ON patients USING (id = current_setting('app.user_id', true)::int);
ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON visits USING ({FILTER});
CREATE POLICY open_read ON visits FOR SELECT USING (true);
""",
    # the audit role may not read pg_policies here
    "rls_revoked": _table("patients")
    + f"""
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON patients USING ({FILTER});
REVOKE SELECT ON pg_catalog.pg_policies FROM PUBLIC;
""",
}


def build(server: Any) -> None:
    """Create the roles and one database per scenario on ``server`` (a PostgresServer)."""
    with server.admin() as conn:
        conn.execute(ROLES)
        for name in SCENARIOS:
            conn.execute(f"CREATE DATABASE {name}")
    for name, script in SCENARIOS.items():
        with server.admin(name) as conn:
            conn.execute(
                f"REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO {APP}, {BYPASS_APP}"
            )
            conn.execute(script)


__all__ = [
    "APP",
    "AUDITOR",
    "AUDITOR_PASSWORD",
    "BYPASS_APP",
    "PLAIN_AUDITOR",
    "SCENARIOS",
    "build",
]
