"""CSV, one row per finding, for spreadsheets.

Every cell is guarded against formula injection: a cloud-supplied string that a spreadsheet would
run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after
leading spaces, which spreadsheets skip) is prefixed with a single quote, so it shows as text.
Control and bidi characters are neutralised first (:func:`auditor.core.text.for_humans`).
Findings waived by a wildcard waiver come first. The last columns say what kind of waiver
applies (a waivers-file entry or an inline skip in Terraform, with its ``file:line``), whether it
is a wildcard (``scope: all``), and which of the finding's promises a narrowed run (``--checks``
and the rest) left partial. Every finding has its row, PASS included.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from auditor.core.result import Finding, RunResult, is_wildcard_waiver
from auditor.core.text import for_humans
from auditor.evidence.render.streaming import Pieces, Spool, in_order

MEDIA_TYPE = "text/csv"
EXTENSION = "csv"

COLUMNS = (
    "policy_id",
    "policy_title",
    "status",
    "severity",
    "safeguard",
    "promises",
    "citations",
    "provider",
    "account",
    "region",
    "resource_type",
    "resource_id",
    "resource_name",
    "location",
    "message",
    "evidence",
    "gap_operation",
    "gap_error_code",
    "gap_message",
    "waiver_id",
    "waiver_reason",
    "waiver_approver",
    "waiver_expires",
    "waiver_expired",
    "manual_evidence",
    "attestation_id",
    "attestation_state",
    "attestation_document",
    "attestation_sha256",
    "attestation_signed_by",
    "attestation_signed_on",
    "attestation_review_by",
    "waiver_kind",
    "waiver_location",
    "waiver_scope_all",
    "partial_promises",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


#: The spaces a spreadsheet skips before a formula.
_SKIPPED = " \u00a0\u3000"
#: A cell a spreadsheet would run: one of :data:`_FORMULA_START`, also after skipped spaces (one
#: match in C per cell: a CSV of 100,000 resources has millions of cells).
_FORMULA_AT_START = re.compile(f"[{_SKIPPED}]*[{re.escape(''.join(_FORMULA_START))}]").match
#: The first characters of such a cell: any other first character rules it out at once.
_SUSPECT_FIRST = frozenset(_FORMULA_START) | frozenset(_SKIPPED)

#: Evidence as a cell: ``json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)``,
#: with its encoder built once rather than once per finding.
_EVIDENCE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it, never evaluates it."""
    return "'" + value if _FORMULA_AT_START(value) else value


def _row(finding: Finding, result: RunResult, partial: frozenset[str]) -> list[str]:
    res = finding.resource
    policy = result.policies.get(finding.policy_id)
    location = ""
    if res.location is not None:
        location = res.location.file
        if res.location.line_start:
            location += f":{res.location.line_start}"
    gap = finding.gap
    waiver = finding.waiver
    att = finding.attestation
    cells = [
        finding.policy_id,
        policy.title if policy else "",
        finding.status,
        finding.severity,
        finding.safeguard,
        ";".join(finding.promises),
        ";".join(finding.citations),
        res.provider,
        res.account,
        res.region or "",
        res.type,
        res.id,
        res.name or "",
        location,
        finding.message,
        _EVIDENCE.encode(finding.evidence) if finding.evidence else "",
        gap.operation if gap else "",
        gap.error_code if gap else "",
        gap.message if gap else "",
        waiver.id if waiver else "",
        waiver.reason if waiver else "",
        waiver.approver if waiver else "",
        waiver.expiry_text() if waiver else "",
        ("yes" if waiver.expired else "no") if waiver else "",
        finding.manual_evidence or "",
        *(
            (
                att.id,
                att.state,
                att.document,
                att.sha256 or "",
                att.signed_by,
                att.signed_on.isoformat(),
                att.review_by.isoformat(),
            )
            if att
            else ("",) * 7
        ),
        waiver.kind if waiver else "",
        (waiver.location or "") if waiver else "",
        ("yes" if is_wildcard_waiver(waiver) else "no") if waiver else "",
        ";".join(p for p in finding.promises if p in partial),
    ]
    # safe_cell, inlined: most cells are empty or start with a letter or digit
    return ["'" + c if c and c[0] in _SUSPECT_FIRST and _FORMULA_AT_START(c) else c for c in cells]


class _Rows:
    """CSV rows as text, gathered into chunks (:class:`Pieces`)."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self._pieces = Pieces()

    def add(self, row: Sequence[str]) -> bytes | None:
        self._writer.writerow(row)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return self._pieces.add(text)

    def rest(self) -> bytes:
        return self._pieces.rest()


def chunks(result: RunResult, _trend: Sequence[Any] = ()) -> Iterator[bytes]:
    """:func:`render`'s bytes in pieces, in one pass over the findings: the rows of findings
    waived by a wildcard waiver are written as they come (they lead), every other row is set
    aside in a spool and copied after them, in order."""
    result = for_humans(result)
    partial = frozenset(p.id for p in result.promises if p.left_out)
    first, rest = _Rows(), _Rows()
    with Spool() as spool:
        if (piece := first.add(COLUMNS)) is not None:
            yield piece
        for finding in in_order(result):
            wide = finding.waiver is not None and is_wildcard_waiver(finding.waiver)
            if wide:
                if (piece := first.add(_row(finding, result, partial))) is not None:
                    yield piece
            elif (piece := rest.add(_row(finding, result, partial))) is not None:
                spool.write(piece)
        yield first.rest()
        spool.write(rest.rest())
        yield from spool.read_back()


def render(result: RunResult) -> bytes:
    return b"".join(chunks(result))


__all__ = ["COLUMNS", "EXTENSION", "MEDIA_TYPE", "chunks", "render", "safe_cell"]
