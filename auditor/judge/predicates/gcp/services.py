"""Enabled services against Google's HIPAA covered-products list (policies/data).

Why Python: the verdict depends on a reference data file with more than membership in it: a
covered API (PASS, with the products it belongs to), a control-plane API on the auditor's
allow-list (PASS), a known uncovered product (FAIL, naming it), or an API the list does not know
(MANUAL); and the evidence carries the list's source and date.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from auditor.core.model.base import Resource
from auditor.core.resources import policies_dir
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

DATA_FILE = "data/gcp_covered_services.yaml"


@lru_cache(maxsize=1)
def covered_services() -> dict[str, Any]:
    """The covered-services data file, parsed once."""
    with (policies_dir() / DATA_FILE).open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@predicate("gcp.serviceusage.service", reads=("service", "state"))
def gcp_service_is_baa_covered(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Enabled API is on Google's HIPAA covered-products list"""
    unread = ctx.unread(resource, ("service",))
    if unread:
        return Verdict.unknown(unread)
    api = str(getattr(resource, "service", ""))
    data = covered_services()
    source = {"list": data.get("source"), "as_of": data.get("as_of")}
    if api in data.get("covered", {}):
        products = list(data["covered"][api]["products"])
        return Verdict.passed(
            f"{api} is covered by Google's BAA ({', '.join(products)}; "
            f"list as of {data.get('as_of')}).",
            {"service": api, "products": products, **source},
        )
    if api in data.get("control_plane_allowlist", []):
        return Verdict.passed(
            f"{api} is a control-plane API that holds no customer content (auditor allow-list).",
            {"service": api, "allow_list": "control_plane", **source},
        )
    if api in data.get("not_covered", {}):
        entry = data["not_covered"][api]
        return Verdict.fail(
            f"{api} ({entry['product']}) is enabled and is not covered by Google's BAA.",
            {"service": api, "product": entry["product"], **source},
        )
    return Verdict.manual(
        f"{api} is enabled and is not on the covered-products list this tool carries; check it "
        "against Google's current HIPAA covered-products page.",
        {"service": api, **source},
    )


SERVICE_PREDICATES = registry(
    gcp_service_is_baa_covered,
)

__all__ = ["SERVICE_PREDICATES", "covered_services"]
