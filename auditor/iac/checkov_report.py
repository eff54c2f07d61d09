"""Checkov's ``-o json`` output, read into plain records.

One run gives a single report object ``{check_type, results: {passed_checks, failed_checks,
skipped_checks, parsing_errors}, summary}``, or a list of them when several frameworks produced
results, or a bare summary when there was nothing to scan. All three shapes are accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from auditor.core.errors import InputError

DETAILS_PREFIX = "baa-audit:"


@dataclass(frozen=True)
class CheckovRecord:
    """One checkov result: a check on one resource."""

    check_id: str
    check_name: str
    result: str  # PASSED | FAILED | SKIPPED
    resource: str  # Terraform address, e.g. aws_lb_listener.old_tls
    file_path: str  # as checkov prints it, relative to the scanned root ("/main.tf")
    file_abs_path: str | None
    line_start: int | None
    line_end: int | None
    check_type: str
    evaluated_keys: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    suppress_comment: str | None = None

    def verdict(self) -> dict[str, Any] | None:
        """Our engine's verdict, when the record came from a baa-audit check."""
        for line in self.details:
            if isinstance(line, str) and line.startswith(DETAILS_PREFIX):
                data = json.loads(line[len(DETAILS_PREFIX) :])
                return data if isinstance(data, dict) else None
        return None


@dataclass
class CheckovReport:
    records: list[CheckovRecord] = field(default_factory=list)
    parsing_errors: list[str] = field(default_factory=list)
    resource_count: int = 0
    checkov_version: str | None = None


def _lines(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        start, end = value
        if isinstance(start, int) and isinstance(end, int) and start > 0:
            return start, max(end, start)
    return None, None


def _record(raw: dict[str, Any], check_type: str) -> CheckovRecord:
    check_result = raw.get("check_result") or {}
    start, end = _lines(raw.get("file_line_range"))
    return CheckovRecord(
        check_id=str(raw.get("check_id")),
        check_name=str(raw.get("check_name") or ""),
        result=str(check_result.get("result", "")).upper().replace("CHECKRESULT.", ""),
        resource=str(raw.get("resource") or ""),
        file_path=str(raw.get("file_path") or ""),
        file_abs_path=raw.get("file_abs_path"),
        line_start=start,
        line_end=end,
        check_type=check_type,
        evaluated_keys=tuple(str(k) for k in check_result.get("evaluated_keys") or ()),
        details=tuple(str(d) for d in raw.get("details") or ()),
        suppress_comment=check_result.get("suppress_comment"),
    )


def parse_checkov_json(text: str) -> CheckovReport:
    """Parse checkov's ``-o json`` stdout."""
    reports: list[Any] = []
    decoder = json.JSONDecoder()
    text = text.strip()
    position = 0
    while position < len(text):  # several directories: one JSON document each, back to back
        try:
            data, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            near = text[position : position + 120]
            raise InputError(f"checkov printed no JSON report: {exc.msg} (near {near!r})") from None
        reports.extend(data if isinstance(data, list) else [data])
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
    out = CheckovReport()
    for rep in reports:
        if not isinstance(rep, dict):
            continue
        check_type = str(rep.get("check_type", ""))
        results = rep.get("results") or {}
        for key in ("failed_checks", "passed_checks", "skipped_checks"):
            for raw in results.get(key) or ():
                if isinstance(raw, dict):
                    out.records.append(_record(raw, check_type))
        out.parsing_errors.extend(str(p) for p in results.get("parsing_errors") or ())
        summary = rep.get("summary") if "summary" in rep else rep
        if isinstance(summary, dict):
            out.resource_count += int(summary.get("resource_count") or 0)
            out.parsing_errors.extend(
                []
                if "results" in rep
                else [str(p) for p in summary.get("parsing_errors_list") or ()]
            )
            out.checkov_version = out.checkov_version or summary.get("checkov_version")
    return out


__all__ = ["DETAILS_PREFIX", "CheckovRecord", "CheckovReport", "parse_checkov_json"]
