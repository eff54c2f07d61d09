"""New failures against a baseline (unit tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.core.model.base import ResourceRef, SourceLocation
from auditor.core.result import Finding, ProfileInfo, RunResult, Status, summarize
from auditor.core.scope import Scope
from auditor.iac.baseline import new_failures, without_baseline_failures


def _finding(policy: str, rid: str, status: Status, line: int) -> Finding:
    return Finding(
        policy_id=policy,
        status=status,
        severity="high",
        safeguard="transmission-security",
        citations=[],
        resource=ResourceRef(
            provider="aws",
            account="terraform",
            type="aws.elbv2.listener",
            id=rid,
            location=SourceLocation(file="main.tf", line_start=line),
        ),
        message="m",
    )


def _result(findings: list[Finding]) -> RunResult:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return RunResult(
        tool_version="t",
        profile=ProfileInfo(id="strict", title="s", baa_name="b"),
        started_at=now,
        finished_at=now,
        scope=Scope(),
        inputs={},
        summary=summarize(findings),
        findings=findings,
        promises=[],
        safeguards=[],
        policies={},
        citations={},
    )


def test_only_failures_missing_from_the_baseline_are_new() -> None:
    base = _result(
        [
            _finding("AWS-ELB-001", "aws_lb_listener.a", "FAIL", 1),
            _finding("AWS-ELB-001", "aws_lb_listener.b", "PASS", 9),
        ]
    )
    head = _result(
        [
            _finding(
                "AWS-ELB-001", "aws_lb_listener.a", "FAIL", 40
            ),  # moved in the file: still old
            _finding("AWS-ELB-001", "aws_lb_listener.b", "FAIL", 9),  # was passing: new
            _finding("AWS-ELB-001", "aws_lb_listener.c", "FAIL", 60),  # new resource: new
        ]
    )
    assert [f.resource.id for f in new_failures(head, base)] == [
        "aws_lb_listener.b",
        "aws_lb_listener.c",
    ]
    judged = without_baseline_failures(head, base)
    assert judged.summary["FAIL"] == 2 and len(judged.findings) == 2
