"""End to end: the GCP sources outside Cloud Asset Inventory, over HTTP, through the engine.

The real collector (google-cloud-asset over REST for the CAI pass, google-auth's AuthorizedSession
for the Admin SDK, Access Context Manager, IAP, Vertex AI and Logging reads) talks to the local
emulator (baa_audit_sample.gcp) serving the sample organization; the inventory is judged by the
shipped policies under the strict profile and the findings are compared exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from baa_audit_sample.gcp import build_emulator
from baa_audit_sample.gcp.emulator import Faults, GcpEmulator
from baa_audit_sample.gcp.routes_extra import ExtraData, install_extra_routes, sample_extra_data
from baa_audit_sample.gcp.sample_org import ORG

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.run import collect_gcp
from auditor.core.inventory import Inventory, SnapshotHeader
from auditor.core.progress import NullProgress
from auditor.core.result import RunResult
from auditor.judge.engine import evaluate
from auditor.judge.policy.loader import PolicySet, load_default_policies
from auditor.judge.profile import load_profile

pytestmark = pytest.mark.e2e

MY_POLICIES = (
    "GCP-DIR-001",
    "GCP-DIR-002",
    "GCP-ACM-001",
    "GCP-ACM-002",
    "GCP-ACM-003",
    "GCP-ACM-004",
    "GCP-IAP-001",
    "GCP-VTX-001",
    "GCP-LOGCFG-001",
    "GCP-LOGCFG-002",
    "GCP-LOGCFG-003",
    "GCP-LOGCFG-004",
)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ORG_BINDINGS = f"{ORG}/gcpUserAccessBindings"
U1, U2, U3 = ("100000000000000000001", "100000000000000000002", "100000000000000000003")
ARCHIVE = "projects/phi-prod/locations/global/buckets/audit-archive"
SHORT = "projects/phi-analytics/locations/global/buckets/audit-short"

Findings = dict[str, dict[tuple[str, str], str]]


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    loaded = load_default_policies()
    mine = tuple(p for p in loaded.policies if p.id in MY_POLICIES)
    assert {p.id for p in mine} == set(MY_POLICIES)
    return PolicySet(
        policies=mine, catalog=loaded.catalog, sha256=loaded.sha256, files=loaded.files
    )


def _emulator(data: ExtraData | None = None, faults: Faults | None = None) -> GcpEmulator:
    emulator = build_emulator(faults=faults, extra_routes=False)
    install_extra_routes(emulator, data)
    return emulator


def scan(
    emulator: GcpEmulator,
    policies: PolicySet,
    *,
    sources: list[str] | None = None,
    profile: str = "strict",
) -> tuple[Inventory, RunResult]:
    with emulator.serve() as endpoint:
        options = CollectOptions(
            gcp_scope=ORG, gcp_endpoint=endpoint, gcp_sources=sources, workers=4
        )
        inventory = Inventory()
        scope = collect_gcp(options, inventory, NullProgress())
    inventory.header = SnapshotHeader(collected_at=NOW, scope=scope)
    loaded = load_profile(profile, policies.catalog)
    return inventory, evaluate(inventory, policies, loaded, now=NOW)


def by_policy(result: RunResult) -> Findings:
    found: Findings = {p: {} for p in MY_POLICIES}
    for finding in result.findings:
        key = (finding.resource.account, finding.resource.id)
        assert key not in found[finding.policy_id], f"two findings for {key}"
        found[finding.policy_id][key] = finding.status
    return found


@pytest.fixture(scope="module")
def sample(policies: PolicySet) -> Iterator[tuple[Inventory, RunResult]]:
    yield scan(_emulator(), policies, sources=["all"])


EXPECTED_SAMPLE: Findings = {
    "GCP-DIR-001": {("C0abc123", U1): "PASS", ("C0abc123", U2): "PASS", ("C0abc123", U3): "FAIL"},
    "GCP-DIR-002": {("C0abc123", U1): "PASS", ("C0abc123", U2): "FAIL", ("C0abc123", U3): "FAIL"},
    "GCP-ACM-001": {(ORG, ORG): "PASS"},
    "GCP-ACM-002": {
        (ORG, f"{ORG_BINDINGS}/phi-users"): "PASS",
        (ORG, f"{ORG_BINDINGS}/contractors"): "FAIL",
    },
    "GCP-ACM-003": {
        (ORG, f"{ORG_BINDINGS}/phi-users"): "PASS",
        (ORG, f"{ORG_BINDINGS}/contractors"): "FAIL",
    },
    "GCP-ACM-004": {(ORG, ORG): "MANUAL"},
    "GCP-IAP-001": {
        ("phi-prod", "projects/1001/iap_web"): "PASS",
        ("phi-analytics", "projects/1002/iap_web"): "FAIL",
        ("sandbox-dev", "projects/1003/iap_web"): "FAIL",
    },
    "GCP-VTX-001": {
        ("phi-prod", "projects/1001/cacheConfig"): "PASS",
        ("phi-analytics", "projects/1002/cacheConfig"): "FAIL",
        ("sandbox-dev", "*"): "NOT_APPLICABLE",  # Vertex AI API disabled there
    },
    "GCP-LOGCFG-001": {(ORG, ORG): "PASS"},
    "GCP-LOGCFG-002": {
        ("phi-prod", ARCHIVE): "PASS",
        ("phi-analytics", SHORT): "FAIL",
        **{
            (p, f"projects/{p}/locations/global/buckets/{b}"): "NOT_APPLICABLE"
            for p in ("phi-prod", "phi-analytics", "sandbox-dev")
            for b in ("_Required", "_Default")
        },
        (ORG, "*"): "NOT_APPLICABLE",
    },
    "GCP-LOGCFG-004": {
        ("phi-analytics", "projects/phi-analytics/exclusions/drop-data-access"): "FAIL",
        ("sandbox-dev", "projects/sandbox-dev/exclusions/debug-noise"): "PASS",
        ("sandbox-dev", "projects/sandbox-dev/exclusions/quiet"): "MANUAL",
        (ORG, "*"): "NOT_APPLICABLE",
        ("phi-prod", "*"): "NOT_APPLICABLE",
    },
}
# the lock check applies to the same buckets as the retention check
EXPECTED_SAMPLE["GCP-LOGCFG-003"] = {
    **EXPECTED_SAMPLE["GCP-LOGCFG-002"],
    ("phi-prod", ARCHIVE): "PASS",
    ("phi-analytics", SHORT): "FAIL",
}


@pytest.mark.parametrize("policy_id", MY_POLICIES)
def test_sample_org_findings_are_exact(sample: tuple[Inventory, RunResult], policy_id: str) -> None:
    _inventory, result = sample
    assert by_policy(result)[policy_id] == EXPECTED_SAMPLE[policy_id]


def test_every_policy_has_a_pass_and_a_fail_over_http(
    sample: tuple[Inventory, RunResult], policies: PolicySet
) -> None:
    """With the second scan's org-level FAILs, each policy shows both outcomes over HTTP."""
    empty = sample_extra_data()
    empty.access_bindings = {ORG: []}
    empty.sinks[ORG] = []
    _inv, bare = scan(_emulator(empty), policies, sources=["all"])
    outcomes: dict[str, set[str]] = {p: set() for p in MY_POLICIES}
    for result in (sample[1], bare):
        for finding in result.findings:
            outcomes[finding.policy_id].add(finding.status)
    manual_only = {"GCP-ACM-004"}  # not readable by any API: never PASS
    for policy_id, statuses in outcomes.items():
        if policy_id in manual_only:
            assert statuses <= {"MANUAL", "NOT_APPLICABLE"}, policy_id
        else:
            assert {"PASS", "FAIL"} <= statuses, f"{policy_id}: {statuses}"


def test_no_binding_and_no_org_sink_fail(policies: PolicySet) -> None:
    data = sample_extra_data()
    data.access_bindings = {ORG: []}
    data.sinks[ORG] = []
    _inv, result = scan(_emulator(data), policies, sources=["access-bindings", "logging"])
    found = by_policy(result)
    assert found["GCP-ACM-001"] == {(ORG, ORG): "FAIL"}
    assert found["GCP-ACM-002"] == {(ORG, "*"): "NOT_APPLICABLE"}
    assert found["GCP-LOGCFG-001"] == {(ORG, ORG): "FAIL"}
    # with no org sink, nothing routes audit logs to phi-prod's archive bucket any more
    assert found["GCP-LOGCFG-002"][("phi-prod", ARCHIVE)] == "NOT_APPLICABLE"
    assert found["GCP-LOGCFG-002"][("phi-analytics", SHORT)] == "FAIL"


def test_sources_not_configured_are_errors_that_say_how_to_enable(policies: PolicySet) -> None:
    inventory, result = scan(_emulator(), policies, sources=None)
    assert not any(r.resource_type in MY_TYPES for r in inventory.resources)
    gaps = [g for g in inventory.listing_gaps if g.resource_type in MY_TYPES]
    assert gaps and all(g.error_code == "NotConfigured" for g in gaps)
    assert all("--gcp-source" in g.message for g in gaps)
    for policy_id, findings in by_policy(result).items():
        assert findings, policy_id
        assert set(findings.values()) == {"ERROR"}, policy_id
    assert result.summary.get("PASS", 0) == 0


# exact names: other sources own types under the same prefixes (gcp.logging.phi_sample)
MY_TYPES = (
    "gcp.directory.user",
    "gcp.accesscontextmanager.gcp_user_access_binding",
    "gcp.accesscontextmanager.organization_bindings",
    "gcp.iap.settings",
    "gcp.aiplatform.cache_config",
    "gcp.logging.sink",
    "gcp.logging.bucket",
    "gcp.logging.exclusion",
    "gcp.logging.organization_sinks",
)


def test_denied_and_throttled_calls_never_pass(policies: PolicySet) -> None:
    """403 on the sinks of one project and on the directory; the rest completes."""
    faults = Faults(deny_paths=[r"^/v2/projects/phi-analytics/sinks$", r"^/admin/directory/"])
    inventory, result = scan(_emulator(faults=faults), policies, sources=["all"])
    found = by_policy(result)
    assert found["GCP-DIR-001"] == {("C0abc123", "*"): "ERROR"}
    sink_gaps = [g for g in inventory.listing_gaps if g.resource_type == "gcp.logging.sink"]
    assert [(g.account, g.error_code) for g in sink_gaps] == [
        ("phi-analytics", "PERMISSION_DENIED")
    ]
    # three-valued: a bucket that a sink which was read feeds is judged as in a clean scan
    # (unread sinks could only add routes to it, not change its retention); a custom bucket no
    # readable sink feeds may be fed by an unread one: ERROR, never NOT_APPLICABLE or PASS
    assert found["GCP-LOGCFG-002"][("phi-prod", ARCHIVE)] == "PASS"
    assert found["GCP-LOGCFG-002"][("phi-analytics", SHORT)] == "ERROR"  # its sink is unread
    assert "PASS" not in {v for (p, _), v in found["GCP-LOGCFG-002"].items() if p != "phi-prod"}
    # the exclusions of that project's sinks are unknown too: an ERROR, not a silent pass
    assert found["GCP-LOGCFG-004"][("phi-analytics", "*")] == "ERROR"
    # unaffected sources still give their verdicts
    assert found["GCP-ACM-002"] == EXPECTED_SAMPLE["GCP-ACM-002"]
    assert found["GCP-LOGCFG-001"] == {(ORG, ORG): "PASS"}


def test_paging_follows_next_page_token(policies: PolicySet) -> None:
    data = sample_extra_data()
    data.users = data.users * 1  # four users
    emulator = _emulator(data)
    with emulator.serve() as endpoint:
        from auditor.collect.gcp.rest_source import make_client

        client = make_client(CollectOptions(gcp_endpoint=endpoint), "admin")
        pages = list(
            client.pages(
                "admin/directory/v1/users",
                "admin.directory.users.list",
                "users",
                params={"customer": "my_customer"},
                page_size_param="maxResults",
                page_size=3,
            )
        )
    assert [len(p) for p in pages] == [3, 1]
    user_calls = [path for method, path in emulator.requests if "/users" in path]
    assert len(user_calls) == 2 and "pageToken=" in user_calls[1]


def test_throttling_is_retried_and_a_malformed_answer_is_an_error(policies: PolicySet) -> None:
    """429 twice on one project's cache config, then success; a broken bindings page."""
    from baa_audit_sample.gcp.emulator import EmulatorRequest, EmulatorResponse, google_error

    emulator = _emulator()
    answers = iter([google_error(429, "Quota exceeded"), google_error(429, "Quota exceeded")])

    def throttled(request: EmulatorRequest) -> EmulatorResponse:
        nxt = next(answers, None)
        if nxt is not None:
            return nxt
        return EmulatorResponse.json({"name": "projects/1001/cacheConfig", "disableCache": True})

    emulator.add_route("GET", r"/v1/projects/phi-prod/cacheConfig", throttled)
    emulator.add_route(
        "GET",
        r"/v1/organizations/[^/]+/gcpUserAccessBindings",
        lambda request: EmulatorResponse(body=b'{"gcpUserAccessBindings": [{"name": '),
    )
    inventory, result = scan(emulator, policies, sources=["vertex", "access-bindings"])
    found = by_policy(result)
    assert found["GCP-VTX-001"][("phi-prod", "projects/1001/cacheConfig")] == "PASS"
    assert found["GCP-ACM-001"] == {(ORG, "*"): "ERROR"}
    assert found["GCP-ACM-002"] == {(ORG, "*"): "ERROR"}
    codes = {g.error_code for g in inventory.listing_gaps if g.resource_type in MY_TYPES}
    assert "MalformedResponse" in codes
