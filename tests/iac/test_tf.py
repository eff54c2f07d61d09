"""Reading checkov-shaped Terraform configurations (unit tests, no checkov)."""

from __future__ import annotations

from pathlib import Path

from auditor.iac.checkov_runner import CheckovTarget
from auditor.iac.graph import index_from_graph, resource_from_conf
from auditor.iac.run import aws_provider_regions
from auditor.iac.tf import (
    TfIndex,
    TfResource,
    as_bool,
    as_int,
    as_map,
    block,
    blocks,
    clean,
    first,
    is_unresolved,
)

HCL_CONF = {
    "__start_line__": 4,
    "__end_line__": 9,
    "__address__": "aws_lb_listener.l",
    "port": [443],
    "ssl_policy": ["ELBSecurityPolicy-TLS13-1-3-2021-06"],
    "default_action": [{"type": ["redirect"], "redirect": [{"protocol": ["HTTPS"]}]}],
    "tags": [{"team": "phi"}],
}
PLAN_CONF = {
    "port": [443],
    "tags": [
        {
            "team": "phi",
            "__file__": "/p.json",
            "__startline__": 1,
            "__endline__": 1,
            "start_line": 0,
            "end_line": 0,
        }
    ],
    "default_action": [
        {"type": ["forward"], "forward": [[]], "__file__": ["/p.json"], "start_line": [0]}
    ],
    "__address__": "aws_lb_listener.l",
}


def test_first_unwraps_attributes_and_drops_bookkeeping() -> None:
    assert first(HCL_CONF, "port") == 443
    assert first(HCL_CONF, "missing") is None
    assert first(PLAN_CONF, "tags") == {"team": "phi"}
    assert as_map(PLAN_CONF["tags"]) == {"team": "phi"}


def test_blocks_read_hcl_and_plan_shapes_alike() -> None:
    (action,) = blocks(HCL_CONF, "default_action")
    assert first(action, "type") == "redirect"
    assert first(block(action, "redirect") or {}, "protocol") == "HTTPS"
    (planned,) = blocks(PLAN_CONF, "default_action")
    assert first(planned, "type") == "forward"
    assert blocks(planned, "forward") == []  # plans write an absent block as [[]]


def test_unresolved_references_are_recognised() -> None:
    for text in (
        "var.policy",
        "aws_kms_key.k.arn",
        "module.net.id",
        "${var.x}",
        "local.ids",
        "data.aws_caller_identity.me.account_id",
    ):
        assert is_unresolved(text), text
    for text in (
        "ELBSecurityPolicy-2016-08",
        "arn:aws:kms:us-east-1:1:key/x",
        "TLS_1_2",
        "aws:kms",
        "phi-records",
    ):
        assert not is_unresolved(text), text


def test_scalar_conversions() -> None:
    assert as_bool("true") is True and as_bool(False) is False and as_bool("yes") is None
    assert as_int("43200") == 43200 and as_int(True) is None and as_int("var.x") is None
    assert clean({"a": [{"b": 1, "__file__": "x", "__startline__": 1, "start_line": 0}]}) == {
        "a": [{"b": 1}]
    }


def test_resource_from_conf_keeps_address_and_lines() -> None:
    res = resource_from_conf("aws_lb_listener", HCL_CONF, "/main.tf:aws_lb_listener:l")
    assert (res.address, res.file, res.line_start, res.line_end) == (
        "aws_lb_listener.l",
        "/main.tf",
        4,
        9,
    )


def test_index_joins_by_reference_or_literal_name() -> None:
    bucket = TfResource("aws_s3_bucket", "aws_s3_bucket.phi", {"bucket": ["phi-records"]})
    by_ref = TfResource(
        "aws_s3_bucket_policy", "aws_s3_bucket_policy.a", {"bucket": ["aws_s3_bucket.phi.id"]}
    )
    by_name = TfResource(
        "aws_s3_bucket_policy", "aws_s3_bucket_policy.b", {"bucket": ["phi-records"]}
    )
    other = TfResource(
        "aws_s3_bucket_policy", "aws_s3_bucket_policy.c", {"bucket": ["aws_s3_bucket.phi2.id"]}
    )
    index = TfIndex.of([bucket, by_ref, by_name, other])
    found = index.referencing("aws_s3_bucket_policy", "bucket", bucket, literal="phi-records")
    assert [r.address for r in found] == ["aws_s3_bucket_policy.a", "aws_s3_bucket_policy.b"]
    assert index.resolve("aws_s3_bucket.phi.arn", "aws_s3_bucket") is bucket
    assert index.resolve("phi-records", "aws_s3_bucket", by="bucket") is bucket
    assert index.resolve("nothing", "aws_s3_bucket", by="bucket") is None


def test_index_from_a_checkov_style_graph() -> None:
    class Graph:
        def nodes(self) -> list[tuple[int, dict[str, object]]]:
            return [
                (
                    0,
                    {
                        "block_type_": "resource",
                        "config_": {
                            "aws_s3_bucket": {
                                "phi": {"__address__": "aws_s3_bucket.phi", "bucket": ["b"]}
                            }
                        },
                    },
                ),
                (1, {"block_type_": "variable", "config_": {"x": {}}}),
                (2, "not a node"),
            ]

    index = index_from_graph(Graph())
    assert [r.address for r in index.of_type("aws_s3_bucket")] == ["aws_s3_bucket.phi"]
    assert index_from_graph(object()).resources == []


def test_aws_region_comes_from_the_provider_block(tmp_path: Path) -> None:
    (tmp_path / "p.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias  = "dr"\n  region = "eu-central-1"\n}\n'
        'provider "aws" {\n  alias  = "vars"\n  region = var.region\n}\n'
    )
    assert aws_provider_regions(CheckovTarget(directories=(tmp_path,))) == {
        "": "eu-west-1",
        "dr": "eu-central-1",
    }
