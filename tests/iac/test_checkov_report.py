"""Reading checkov's -o json output (unit tests, no checkov)."""

from __future__ import annotations

import json

import pytest

from auditor.core.errors import InputError
from auditor.iac.checkov_report import parse_checkov_json


def _record(check_id: str, result: str, details: list[str] | None = None) -> dict[str, object]:
    return {
        "check_id": check_id,
        "check_name": "n",
        "check_result": {"result": result, "evaluated_keys": ["ssl_policy"]},
        "file_path": "/main.tf",
        "file_abs_path": "/repo/infra/main.tf",
        "file_line_range": [4, 14],
        "resource": "aws_lb_listener.old",
        "details": details or [],
    }


def _report(*records: dict[str, object], key: str = "failed_checks") -> dict[str, object]:
    return {
        "check_type": "terraform",
        "results": {
            "passed_checks": [],
            "failed_checks": [],
            "skipped_checks": [],
            "parsing_errors": [],
            key: list(records),
        },
        "summary": {"resource_count": 3, "checkov_version": "3.3.30"},
    }


def test_single_report_with_our_verdict() -> None:
    verdict = {
        "status": "FAIL",
        "message": "m",
        "resource": {"type": "aws.elbv2.listener", "data": {}},
    }
    text = json.dumps(
        _report(_record("AWS-ELB-001", "FAILED", ["baa-audit:" + json.dumps(verdict)]))
    )
    report = parse_checkov_json(text)
    (rec,) = report.records
    assert (rec.check_id, rec.result, rec.resource, rec.line_start, rec.line_end) == (
        "AWS-ELB-001",
        "FAILED",
        "aws_lb_listener.old",
        4,
        14,
    )
    assert rec.verdict() == verdict
    assert report.resource_count == 3 and report.checkov_version == "3.3.30"


def test_list_and_back_to_back_documents() -> None:
    one = json.dumps([_report(_record("A-B-001", "PASSED"), key="passed_checks")])
    two = json.dumps(_report(_record("A-B-001", "FAILED")), indent=2)
    report = parse_checkov_json(one + "\n" + two)
    assert [r.result for r in report.records] == ["PASSED", "FAILED"]
    assert report.resource_count == 6


def test_plan_lines_zero_mean_unknown() -> None:
    rec = _record("A-B-001", "PASSED")
    rec["file_line_range"] = [0, 0]
    (parsed,) = parse_checkov_json(json.dumps(_report(rec, key="passed_checks"))).records
    assert parsed.line_start is None and parsed.verdict() is None


def test_summary_only_and_garbage() -> None:
    assert (
        parse_checkov_json(json.dumps({"passed": 0, "failed": 0, "resource_count": 0})).records
        == []
    )
    with pytest.raises(InputError, match="no JSON report"):
        parse_checkov_json("Traceback (most recent call last): ...")
