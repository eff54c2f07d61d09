"""New failures against a baseline result: what a pull request adds, not the debt it inherits.

A finding is identified by policy id, resource type and resource id (the Terraform address or
the resource's cloud name), never by file or line, so moving a block inside a file, or judging
the base branch from another directory, does not make an old failure look new.
"""

from __future__ import annotations

from auditor.core.result import Finding, RunResult

FindingKey = tuple[str, str, str]


def finding_key(finding: Finding) -> FindingKey:
    return (finding.policy_id, finding.resource.type, finding.resource.id)


def new_failures(result: RunResult, baseline: RunResult) -> list[Finding]:
    """FAIL findings of ``result`` that were not FAIL in ``baseline``."""
    known = {finding_key(f) for f in baseline.findings if f.status == "FAIL"}
    return [f for f in result.findings if f.status == "FAIL" and finding_key(f) not in known]


def without_baseline_failures(result: RunResult, baseline: RunResult) -> RunResult:
    """``result`` where failures already in ``baseline`` no longer count (for the exit code)."""
    from auditor.core.result import summarize

    fresh = {finding_key(f) for f in new_failures(result, baseline)}
    kept = [f for f in result.findings if f.status != "FAIL" or finding_key(f) in fresh]
    return result.model_copy(update={"findings": kept, "summary": summarize(kept)})


__all__ = ["FindingKey", "finding_key", "new_failures", "without_baseline_failures"]
