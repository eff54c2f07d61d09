"""diff() reports exactly what changed between two runs, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.evidence.diff import diff, flatten_evidence, render_drift_text
from tests.org.factories import finding, result


def _baseline() -> list:
    return [
        finding(
            "AWS-S3-001",
            "111111111111",
            "bucket-a",
            "PASS",
            {"encryption": {"algorithm": "aws:kms"}},
        ),
        finding(
            "AWS-S3-001", "111111111111", "bucket-b", "FAIL", {"encryption": {"algorithm": None}}
        ),
        finding("AWS-S3-001", "222222222222", "bucket-c", "PASS"),
        finding("AWS-S3-001", "222222222222", "bucket-gone", "PASS"),
        finding(
            "AWS-ELB-001", "222222222222", "listener-1", "PASS", {"tls.protocols": ["TLSv1.3"]}
        ),
        finding(
            "AWS-ELB-001", "222222222222", "listener-2", "PASS", {"tls.protocols": ["TLSv1.3"]}
        ),
    ]


def test_identical_runs_have_no_drift_even_at_other_times() -> None:
    old = result(_baseline())
    new = result(list(reversed(_baseline())), started=datetime(2026, 11, 21, 6, 0, tzinfo=UTC))
    drift = diff(old, new)
    assert drift.is_empty()
    assert "no changes" in render_drift_text(drift)


def test_planted_changes_and_nothing_else() -> None:
    old = result(_baseline())
    planted = _baseline()
    # 1. bucket-a loses its KMS encryption: new failure + changed evidence
    planted[0] = finding(
        "AWS-S3-001", "111111111111", "bucket-a", "FAIL", {"encryption": {"algorithm": None}}
    )
    # 2. bucket-b is fixed: resolved + changed evidence
    planted[1] = finding(
        "AWS-S3-001", "111111111111", "bucket-b", "PASS", {"encryption": {"algorithm": "AES256"}}
    )
    # 3. bucket-gone is deleted: resource removed
    del planted[3]
    # 4. a new bucket appears, passing: resource added (+ a new PASS status)
    planted.append(finding("AWS-S3-001", "333333333333", "bucket-new", "PASS"))
    # 5. listener-2 can no longer be read: PASS -> ERROR, evidence field removed
    planted[-2] = finding("AWS-ELB-001", "222222222222", "listener-2", "ERROR", {})
    new = result(planted, started=datetime(2026, 11, 21, 6, 0, tzinfo=UTC))

    drift = diff(old, new)
    assert [(c.resource.id, c.old_status, c.new_status) for c in drift.new_failures] == [
        ("bucket-a", "PASS", "FAIL")
    ]
    assert [(c.resource.id, c.old_status, c.new_status) for c in drift.resolved] == [
        ("bucket-b", "FAIL", "PASS")
    ]
    assert [(c.resource.id, c.old_status, c.new_status) for c in drift.status_changes] == [
        ("listener-2", "PASS", "ERROR"),
        ("bucket-gone", "PASS", None),
        ("bucket-new", None, "PASS"),
    ]
    assert [r.id for r in drift.resources_added] == ["bucket-new"]
    assert [r.id for r in drift.resources_removed] == ["bucket-gone"]
    assert [(c.resource.id, c.field, c.change, c.old, c.new) for c in drift.evidence_changes] == [
        ("listener-2", "tls.protocols", "removed", ["TLSv1.3"], None),
        ("bucket-a", "encryption.algorithm", "changed", "aws:kms", None),
        ("bucket-b", "encryption.algorithm", "changed", None, "AES256"),
    ]
    assert drift.counts() == {
        "new_failures": 1,
        "resolved": 1,
        "status_changes": 3,
        "resources_added": 1,
        "resources_removed": 1,
        "evidence_changes": 3,
    }
    text = render_drift_text(drift)
    assert "new failures (1):" in text and "PASS -> FAIL" in text
    assert 'encryption.algorithm: "aws:kms" -> null' in text
    # deterministic: same inputs, same drift, same text
    assert diff(old, new) == drift
    assert render_drift_text(diff(old, new)) == text


def test_flatten_keeps_lists_and_empty_dicts_as_leaves() -> None:
    assert flatten_evidence({"a": {"b": 1, "c": {"d": [1, 2]}}, "e": {}, "f": None}) == {
        "a.b": 1,
        "a.c.d": [1, 2],
        "e": {},
        "f": None,
    }
