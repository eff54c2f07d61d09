"""The checkov side of ``baa-audit iac``: one checkov check per baa-audit policy.

Checkov imports this file from ``--external-checks-dir`` inside its own interpreter (its own
virtual environment); :mod:`auditor.iac.run` starts it with ``BAA_AUDIT_IAC_CONTEXT`` naming a
JSON file that lists the policies to register, the profile and where the policies live.

Each check is thin: it converts the Terraform resource into the same typed model the live scan
builds (:mod:`auditor.iac.mappers`), evaluates our policy on it with our engine together with
the other resources of its directory (:mod:`auditor.iac.judge`), and reports checkov PASSED /
FAILED with the check id set to our policy id; the verdict and message travel in the record's
``details`` (one line, ``baa-audit:`` + JSON). One more check, ``BAA-IAC-INDEX-000``, hands every
relevant resource's rendered configuration back to the host, which maps and judges the whole
configuration itself (that result is authoritative). A policy that does not apply to the
resource (its ``where`` is false) is reported as UNKNOWN, which checkov leaves out of its report.

Registering checks when the module is imported is how checkov plugins work; nothing here runs
outside checkov.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from checkov.common.models.enums import (  # type: ignore[import-not-found]
    CheckCategories,
    CheckResult,
)
from checkov.terraform.checks.resource.base_resource_check import (  # type: ignore[import-not-found]
    BaseResourceCheck,
)

DETAILS_PREFIX = "baa-audit:"
CONTEXT_ENV = "BAA_AUDIT_IAC_CONTEXT"

_state: dict[str, Any] = {}


def _context() -> dict[str, Any]:
    if "context" not in _state:
        path = os.environ.get(CONTEXT_ENV)
        if not path:
            _state["context"] = {"checks": []}
        else:
            _state["context"] = json.loads(Path(path).read_text(encoding="utf-8"))
    context: dict[str, Any] = _state["context"]
    return context


def _judge() -> Any:
    if "judge" not in _state:
        from auditor.iac.judge import Judge

        _state["judge"] = Judge.from_context(_context())
    return _state["judge"]


def _index(graph: Any) -> Any:
    """The join index of the whole configuration, built once per checkov graph."""
    from auditor.iac.graph import index_from_graph
    from auditor.iac.tf import TfIndex

    key = id(graph) if graph is not None else None
    cached = _state.get("index")
    if cached is not None and cached[0] == key:
        return cached[1]
    index = index_from_graph(graph) if graph is not None else TfIndex()
    _state["index"] = (key, index)
    return index


class PolicyCheck(BaseResourceCheck):  # type: ignore[misc]
    """One baa-audit policy, over every Terraform type that maps to its resource model."""

    def __init__(self, policy_id: str, title: str, tf_types: list[str]) -> None:
        super().__init__(
            name=title,
            id=policy_id,
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=tf_types,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> Any:
        from auditor.iac.graph import resource_from_conf

        try:
            res = resource_from_conf(self.entity_type, conf, self.entity_path)
            verdict = _judge().judge(self.id, res, _index(self.graph))
        except Exception as exc:  # never crash checkov: report it as our ERROR
            verdict = {
                "status": "ERROR",
                "message": f"baa-audit check failed: {type(exc).__name__}: {exc}",
            }
        if verdict["status"] == "NOT_APPLICABLE":
            return CheckResult.UNKNOWN
        self.details.append(DETAILS_PREFIX + json.dumps(verdict, sort_keys=True, default=str))
        self.evaluated_keys = list(verdict.get("reads") or [])
        return CheckResult.PASSED if verdict["status"] == "PASS" else CheckResult.FAILED


def _register() -> list[PolicyCheck]:
    return [
        PolicyCheck(c["id"], c["title"], list(c["tf_types"])) for c in _context().get("checks", [])
    ]


checks = _register()
