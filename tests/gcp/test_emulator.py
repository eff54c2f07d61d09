"""The emulator answers the real google-cloud-asset REST client as Cloud Asset Inventory does."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytest.importorskip(
    "google.cloud.asset_v1", reason="needs the gcp extra: pip install 'baa-audit[gcp]'"
)

from baa_audit_sample.gcp import build_emulator, run_emulator
from baa_audit_sample.gcp.emulator import EmulatorResponse, Faults
from baa_audit_sample.gcp.sample_org import ORG, sample_assets
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import asset_v1

pytestmark = pytest.mark.e2e


def client(endpoint: str) -> asset_v1.AssetServiceClient:
    return asset_v1.AssetServiceClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=endpoint),
    )


def names(pager: object) -> list[str]:
    return [a.name for a in pager]  # type: ignore[attr-defined]


def test_pages_through_every_resource_with_next_page_tokens() -> None:
    expected = [a["name"] for a in sample_assets() if "resource" in a]
    with run_emulator() as (endpoint, scope):
        pager = client(endpoint).list_assets(
            request={"parent": scope, "content_type": asset_v1.ContentType.RESOURCE, "page_size": 5}
        )
        pages = list(pager.pages)
    assert scope == ORG
    assert len(pages) == -(-len(expected) // 5)
    assert [a.name for p in pages for a in p.assets] == expected


def test_asset_type_filter_and_content_types() -> None:
    with run_emulator() as (endpoint, scope):
        c = client(endpoint)
        buckets = names(
            c.list_assets(
                request={
                    "parent": scope,
                    "asset_types": ["storage.googleapis.com/Bucket"],
                    "content_type": asset_v1.ContentType.IAM_POLICY,
                }
            )
        )
        org_policies = list(
            c.list_assets(
                request={"parent": scope, "content_type": asset_v1.ContentType.ORG_POLICY}
            )
        )
    assert buckets == [
        "//storage.googleapis.com/phi-prod-records",
        "//storage.googleapis.com/phi-analytics-exports",
    ]
    constraints = {p.constraint for a in org_policies for p in a.org_policy}
    assert "constraints/gcp.restrictNonCmekServices" in constraints


def test_resource_data_keeps_rest_shape() -> None:
    with run_emulator() as (endpoint, _scope):
        (sql,) = [
            a
            for a in client(endpoint).list_assets(
                request={
                    "parent": "projects/phi-prod",
                    "asset_types": ["sqladmin.googleapis.com/Instance"],
                    "content_type": asset_v1.ContentType.RESOURCE,
                }
            )
        ]
    data = sql.resource.data
    assert data["settings"]["ipConfiguration"]["sslMode"] == "ENCRYPTED_ONLY"
    assert list(sql.ancestors) == ["projects/1001", "folders/111111111111", ORG]


def test_folder_scope_holds_only_its_descendants() -> None:
    with run_emulator() as (endpoint, _scope):
        got = names(
            client(endpoint).list_assets(
                request={
                    "parent": "folders/222222222222",
                    "content_type": asset_v1.ContentType.IAM_POLICY,
                }
            )
        )
    assert got == [
        "//cloudresourcemanager.googleapis.com/folders/222222222222",
        "//cloudresourcemanager.googleapis.com/projects/1003",
    ]


def test_denied_content_type_is_a_403_for_the_client() -> None:
    emulator = build_emulator(faults=Faults(deny_content_types={"IAM_POLICY"}))
    with emulator.serve() as endpoint:
        c = client(endpoint)
        with pytest.raises(gexc.Forbidden):
            list(
                c.list_assets(
                    request={"parent": ORG, "content_type": asset_v1.ContentType.IAM_POLICY}
                )
            )
        assert names(
            c.list_assets(request={"parent": ORG, "content_type": asset_v1.ContentType.ORG_POLICY})
        )


def test_throttle_answers_429_then_serves() -> None:
    emulator = build_emulator(faults=Faults(throttle={"RESOURCE": 1}))
    with emulator.serve() as endpoint:
        c = client(endpoint)
        with pytest.raises(gexc.TooManyRequests):
            list(
                c.list_assets(
                    request={"parent": ORG, "content_type": asset_v1.ContentType.RESOURCE}
                )
            )
        assert names(
            c.list_assets(request={"parent": ORG, "content_type": asset_v1.ContentType.RESOURCE})
        )


def test_malformed_page_breaks_the_client() -> None:
    emulator = build_emulator(faults=Faults(malformed_page=("RESOURCE", 1), malformed_times=1))
    with emulator.serve() as endpoint:
        pager = client(endpoint).list_assets(
            request={"parent": ORG, "content_type": asset_v1.ContentType.RESOURCE, "page_size": 10}
        )
        with pytest.raises(Exception) as info:
            list(pager)
    assert not isinstance(info.value, AssertionError)


def test_vanished_project_drops_out_and_denies() -> None:
    emulator = build_emulator(faults=Faults(vanish_project="phi-analytics", vanish_after=1))
    with emulator.serve() as endpoint:
        c = client(endpoint)
        first = names(
            c.list_assets(request={"parent": ORG, "content_type": asset_v1.ContentType.IAM_POLICY})
        )
        second = names(
            c.list_assets(request={"parent": ORG, "content_type": asset_v1.ContentType.IAM_POLICY})
        )
        with pytest.raises(gexc.Forbidden):
            list(c.list_assets(request={"parent": "projects/phi-analytics", "content_type": 1}))
    assert "//cloudresourcemanager.googleapis.com/projects/1002" in first
    assert "//cloudresourcemanager.googleapis.com/projects/1002" not in second
    assert "//storage.googleapis.com/phi-analytics-exports" not in second


def test_extra_routes_plug_in_and_unknown_paths_are_404() -> None:
    emulator = build_emulator(assets=[])
    emulator.add_route(
        "GET",
        r"/admin/directory/v1/users",
        lambda req: EmulatorResponse.json({"users": [], "customer": req.param("customer")}),
    )
    with emulator.serve() as endpoint:
        with urllib.request.urlopen(
            f"{endpoint}/admin/directory/v1/users?customer=my_customer"
        ) as resp:
            assert json.load(resp) == {"users": [], "customer": "my_customer"}
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{endpoint}/v1/nothing/here")
    assert info.value.code == 404
    assert json.loads(info.value.read())["error"]["status"] == "NOT_FOUND"
