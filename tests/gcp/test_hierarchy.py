"""Effective settings through the organization > folder > project hierarchy, end to end.

The inventory comes from the emulator through the real google-cloud-asset client; the verdicts
from the registered predicates. An organization-level Data Access config must count for every
project below it; an exemption set on a folder must be caught; an ancestor the scan could not see
must leave the project unassessed, never passed.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

pytest.importorskip(
    "google.cloud.asset_v1", reason="needs the gcp extra: pip install 'baa-audit[gcp]'"
)

from baa_audit_sample.gcp import build_emulator
from baa_audit_sample.gcp.emulator import Faults
from baa_audit_sample.gcp.sample_org import CLINICAL, ORG, sample_assets

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.assemble import Assembler
from auditor.collect.gcp.run import collect_cai, make_asset_client, make_retry
from auditor.core.inventory import Inventory
from auditor.core.params import Parameters
from auditor.core.progress import NullProgress
from auditor.judge.predicates import predicates
from auditor.judge.predicates.base import GapError, PredicateContext

pytestmark = pytest.mark.e2e

AUDIT = "gcp_effective_data_access_logging"
CMEK = "gcp_restrict_non_cmek_services"


def collect(
    assets: list[dict[str, Any]] | None = None, scope: str = ORG, faults: Faults | None = None
) -> Inventory:
    emulator = build_emulator(assets, faults=faults, extra_routes=False)
    inventory = Inventory()
    with emulator.serve() as endpoint:
        assembler = Assembler(scope)
        client = make_asset_client(CollectOptions(gcp_scope=scope, gcp_endpoint=endpoint))
        collect_cai(client, scope, assembler, NullProgress(), retry=make_retry(initial=0.05))
        assembler.finish(inventory)
    return inventory


def verdicts(inventory: Inventory, name: str) -> dict[str, str]:
    predicate = predicates()[name]
    ctx = PredicateContext(
        Parameters(customer_managed_keys=True).resolved(),
        inventory.by_type(),
        inventory.listing_gaps,
    )
    out: dict[str, str] = {}
    for resource in inventory.by_type().get(predicate.resource_type, []):
        try:
            out[str(resource.name)] = predicate.fn(resource, ctx).status
        except GapError:
            out[str(resource.name)] = "ERROR"
    return out


def with_iam(
    assets: list[dict[str, Any]], name: str, policy: dict[str, Any]
) -> list[dict[str, Any]]:
    changed = copy.deepcopy(assets)
    for record in changed:
        if record["name"] == name:
            record["iamPolicy"] = policy
    return changed


ORG_NAME = f"//cloudresourcemanager.googleapis.com/{ORG}"


def test_organization_config_is_honoured_for_every_project_below_it() -> None:
    # only the organization sets Data Access logs; the projects set none of their own
    got = verdicts(collect(), AUDIT)
    assert got["phi-prod"] == "PASS"
    assert got["phi-analytics"] == "PASS"


def test_exemption_at_a_folder_is_caught() -> None:
    # sandbox folder exempts a user from DATA_READ of allServices
    assert verdicts(collect(), AUDIT)["sandbox-dev"] == "FAIL"


def test_exemption_at_the_clinical_folder_reaches_its_projects() -> None:
    policy = {
        "bindings": [
            {"role": "roles/viewer", "members": ["group:clinical-eng@example-health.org"]}
        ],
        "auditConfigs": [
            {
                "service": "storage.googleapis.com",
                "auditLogConfigs": [
                    {"logType": "DATA_READ", "exemptedMembers": ["user:etl@x.org"]}
                ],
            }
        ],
    }
    assets = with_iam(sample_assets(), f"//cloudresourcemanager.googleapis.com/{CLINICAL}", policy)
    got = verdicts(collect(assets), AUDIT)
    assert got == {"phi-prod": "FAIL", "phi-analytics": "FAIL", "sandbox-dev": "FAIL"}


def test_without_the_organization_config_no_project_passes() -> None:
    bare = {"bindings": [{"role": "roles/securityReviewer", "members": ["group:auditors@x.org"]}]}
    got = verdicts(collect(with_iam(sample_assets(), ORG_NAME, bare)), AUDIT)
    assert set(got.values()) == {"FAIL"}


def test_folder_scope_cannot_see_the_organization_config() -> None:
    got = verdicts(collect(scope=CLINICAL), AUDIT)
    assert got == {"phi-prod": "ERROR", "phi-analytics": "ERROR"}


def test_project_scope_cannot_see_inherited_config() -> None:
    assert verdicts(collect(scope="projects/phi-prod"), AUDIT) == {"phi-prod": "ERROR"}


def test_unread_iam_policies_leave_every_project_unassessed() -> None:
    got = verdicts(collect(faults=Faults(deny_content_types={"IAM_POLICY"})), AUDIT)
    assert set(got.values()) == {"ERROR"}


def test_org_policy_inherited_and_restored_default_at_a_folder() -> None:
    got = verdicts(collect(), CMEK)
    # organization denies non-CMEK for the four PHI stores; sandbox folder restores the default
    assert got == {"phi-prod": "PASS", "phi-analytics": "PASS", "sandbox-dev": "FAIL"}


def test_org_policy_listing_denied_is_not_assessed() -> None:
    got = verdicts(collect(faults=Faults(deny_content_types={"ORG_POLICY"})), CMEK)
    assert set(got.values()) == {"ERROR"}


@pytest.mark.parametrize("name", [AUDIT, CMEK])
def test_memoised_lineage_gives_the_verdicts_of_a_fresh_walk(name: str) -> None:
    """Lineages and node contributions are computed once per run and shared by every project
    (and every predicate); each verdict must equal the one a walk with nothing memoised gives,
    message, evidence and gaps included: here with an exemption at a folder and one folder's
    IAM policy unread (so shared levels carry both a FAIL and a gap)."""
    inventory = collect(faults=Faults(deny_content_types={"ORG_POLICY"}))
    exempt = with_iam(sample_assets(), CLINICAL, _EXEMPTING)
    for source in (inventory, collect(exempt)):
        predicate = predicates()[name]
        params = Parameters(customer_managed_keys=True).resolved()

        def fresh() -> PredicateContext:
            return PredicateContext(params, source.by_type(), source.listing_gaps)

        shared = fresh()
        projects = source.by_type().get(predicate.resource_type, [])
        assert len(projects) >= 3
        for _ in range(2):  # the second pass reads only memoised lineages and levels
            for project in projects:
                assert predicate.fn(project, shared) == predicate.fn(project, fresh())


_EXEMPTING = {
    "auditConfigs": [
        {
            "service": "allServices",
            "auditLogConfigs": [
                {"logType": "ADMIN_READ"},
                {"logType": "DATA_READ", "exemptedMembers": ["user:dba@x.org"]},
                {"logType": "DATA_WRITE"},
            ],
        }
    ]
}
