"""Report errors a new user found (issue 16), each pinned by a test.

* a Google Workspace customer id (``C0abc123``) was labelled as a GCP project;
* the timeline showed "Evaluated" before "Collected";
* "none days": a message put a unit after a value that was observed absent;
* an IaC run showed its scope as "aws ? (all regions)".
"""

from __future__ import annotations

import re
import types
import typing
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from auditor.core.model.base import ResourceRef
from auditor.core.result import RunResult
from auditor.core.scope import Scope
from auditor.evidence.render import html, markdown
from auditor.evidence.render.places import place_label, timeline

UNIT = re.compile(r"\{([a-z0-9_.]+)\} (days|day|s|seconds|minutes|hours)\b")


# --- Workspace customer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "account", "type_", "label"),
    [
        ("gcp", "C0abc123", "gcp.directory.user", "Google Workspace customer C0abc123"),
        ("gcp", "my_customer", "gcp.directory.user", "Google Workspace customer my_customer"),
        ("gcp", "phi-prod", "gcp.sql.instance", "gcp project phi-prod"),
        ("gcp", "folders/42", "gcp.resourcemanager.folder", "gcp folders/42"),
        ("aws", "123456789012", "aws.s3.bucket", "aws account 123456789012"),
    ],
)
def test_places_are_named_in_the_providers_words(provider, account, type_, label) -> None:
    ref = ResourceRef(provider=provider, account=account, type=type_, id="x")
    assert place_label(ref) == label


def test_html_report_does_not_call_a_workspace_customer_a_project(result: RunResult) -> None:
    finding = result.findings[0]
    user = finding.resource.model_copy(
        update={"provider": "gcp", "account": "C0abc123", "type": "gcp.directory.user"}
    )
    page = html.render(
        result.model_copy(update={"findings": [finding.model_copy(update={"resource": user})]})
    ).decode()
    assert "Google Workspace customer C0abc123" in page
    assert "project C0abc123" not in page


# --- timeline --------------------------------------------------------------------------------


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


def test_scan_timeline_starts_then_collects_then_evaluates(result: RunResult) -> None:
    scan = result.model_copy(
        update={"started_at": _at(9), "collected_at": _at(9, 5), "finished_at": _at(9, 7)}
    )
    entries = timeline(scan)
    assert [e.label for e in entries] == [
        "Run started",
        "Evidence collected",
        "Evaluated (run finished)",
    ]
    page = html.render(scan).decode()
    cover = page.split('id="cover"', 1)[1].split("</section>", 1)[0]
    positions = [cover.index(e.label) for e in entries]
    assert positions == sorted(positions)
    assert "Evaluated</dt>" not in cover  # no "Evaluated <start> - <end>" before the collection


def test_evaluate_timeline_collects_first(result: RunResult) -> None:
    later = result.model_copy(
        update={"collected_at": _at(8), "started_at": _at(10), "finished_at": _at(10, 1)}
    )
    assert [e.label for e in timeline(later)] == [
        "Evidence collected",
        "Evaluation started",
        "Evaluated (run finished)",
    ]
    assert [e.when for e in timeline(later)] == sorted(e.when for e in timeline(later))
    unknown = later.model_copy(update={"collected_at": None})
    assert "Evidence collected</dt><dd>not recorded" in html.render(unknown).decode()


# --- "none days" -----------------------------------------------------------------------------


def _optional(model: type[BaseModel], path: str) -> bool | None:
    """Whether the field at dotted ``path`` of ``model`` may be None (None: not a field)."""
    current: Any = model
    optional = False
    for part in path.split("."):
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        annotation = fields[part].annotation
        args = typing.get_args(annotation)
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType) and type(None) in args:
            optional = True
            inner = [a for a in args if a is not type(None)]
            annotation = inner[0] if len(inner) == 1 else annotation
        current = annotation
    return optional


Any = typing.Any


#: (policy, field) whose value the collector always fills when the resource is read, so its FAIL
#: message never meets None: AWS answers these fields on every read, or the collector applies the
#: service's documented default (named in the message as "defaults applied").
ALWAYS_READ = {
    ("AWS-COG-002", "refresh_token_validity_seconds"): "Cognito defaults applied (30 days)",
    ("AWS-COG-003", "access_token_validity_seconds"): "Cognito defaults applied (1 hour)",
    ("AWS-COG-003", "id_token_validity_seconds"): "Cognito defaults applied (1 hour)",
    ("AWS-IAM-005", "max_session_duration"): "iam:GetRole always returns MaxSessionDuration",
    ("AWS-SSO-001", "session_duration_seconds"): "SSO applies PT1H when SessionDuration is unset",
}


def test_no_fail_message_puts_a_unit_after_a_value_that_may_be_absent() -> None:
    """A FAIL whose value was observed absent must not read "rotates every none days"."""
    from auditor.core.model.registry import resource_types
    from auditor.judge.policy.loader import load_default_policies

    models = resource_types()
    offenders = []
    for policy in load_default_policies().policies:
        model = models.get(policy.resource_type)
        for match in UNIT.finditer(policy.doc.message.fail or ""):
            path = match.group(1)
            if path.startswith("params.") or model is None:
                continue
            if (policy.id, path) in ALWAYS_READ:
                continue
            if _optional(model, path):
                offenders.append(f"{policy.id}: {match.group(0)!r}")
    assert offenders == [], "a None value would read 'none days': " + "; ".join(offenders)


def test_a_key_that_never_rotates_does_not_read_none_days() -> None:
    from auditor.core.model.registry import resource_types
    from auditor.judge.engine import render_message
    from auditor.judge.policy.loader import load_default_policies

    policy = next(p for p in load_default_policies().policies if p.id == "GCP-KMS-002")
    key_type = resource_types()[policy.resource_type]
    key = key_type.model_construct(id="k", name="legacy", rotation_period_days=None)
    message = render_message(policy.doc.message.fail, key, {"key_rotation_max_days": 365})
    assert "none days" not in message
    assert "legacy" in message and "never rotates" in message


# --- IaC scope -------------------------------------------------------------------------------


def test_iac_scope_names_the_terraform_it_judged() -> None:
    scope = Scope(providers=["aws"], terraform=["infra/"])
    assert scope.label() == "terraform infra/ (aws)"
    assert "?" not in scope.label()
    assert "all regions" not in scope.label()
    assert Scope(providers=["aws"]).label() == "aws (no account recorded)"
    assert Scope(providers=["gcp"]).label() == "gcp (no project recorded)"
    live = Scope(providers=["aws"], aws_accounts=["1"], aws_regions=[])
    assert live.label() == "aws 1 (all enabled regions)"


def test_iac_inventory_scope_is_the_configuration(result: RunResult) -> None:
    from auditor.iac.run import build_inventory

    inventory = build_inventory([], ["aws.s3.bucket"], "infra/prod")
    assert inventory.header.scope.terraform == ["infra/prod"]
    iac = result.model_copy(update={"scope": Scope(providers=["aws"], terraform=["infra/prod"])})
    assert "Scope: terraform infra/prod (aws)" in markdown.render(iac).decode()
    assert "aws ?" not in html.render(iac).decode()
