"""JUnit XML for CI systems: one testsuite per safeguard, one testcase per finding.

FAIL is a ``<failure>``, ERROR an ``<error>`` (not assessed: the operation and error code that left
it unread), NOT_APPLICABLE and WAIVED are ``<skipped>``. MANUAL is ``<skipped>`` too, with the
evidence to attach: it is neither a pass nor a failure, and a passed testcase would be a false PASS.
ATTESTED is ``<skipped>`` for the same reason, naming the attestation, its document and digest.
Every suite's properties start with the wildcard waivers (``scope: all``), then the profile and,
for a narrowed run, the selection (``--checks`` and the rest, and the checks it left out) and, for
a safeguard some of whose checks were left out, ``partial`` with their ids.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from auditor.core.result import Finding, RunResult, WaiverRef
from auditor.core.text import for_humans
from auditor.evidence.render.places import selection_text
from auditor.evidence.render.streaming import Spool, WildcardWaivers, in_order

MEDIA_TYPE = "application/xml"
EXTENSION = "junit.xml"

#: Characters XML 1.0 cannot carry at all; cloud strings may hold them.
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


#: ``json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)``, its encoder built once
#: rather than once per observed value.
_VALUE_TEXT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)

#: What ``ET.tostring(root, encoding="utf-8", xml_declaration=True)`` writes first.
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _details(finding: Finding) -> str:
    res = finding.resource
    lines = [
        finding.message,
        f"resource: {res.type} {res.id} ({res.provider} {res.account}"
        + (f"/{res.region})" if res.region else ")"),
        f"severity: {finding.severity}; safeguard: {finding.safeguard}; "
        f"citations: {', '.join(finding.citations)}",
    ]
    if res.location is not None:
        lines.append(f"declared in: {res.location.file}:{res.location.line_start or ''}")
    for key in sorted(finding.evidence):
        value = _VALUE_TEXT.encode(finding.evidence[key])
        lines.append(f"observed {key} = {value}")
    if finding.gap is not None:
        lines.append(f"could not read: {finding.gap.operation} -> {finding.gap.error_code}")
        if finding.gap.message:
            lines.append(finding.gap.message)
    if finding.attestation is not None:
        a = finding.attestation
        lines.append(
            f"attestation {a.id} ({a.state}): {a.document} sha256 {a.sha256 or 'not recorded'}; "
            f"signed by {a.signed_by} on {a.signed_on.isoformat()}; review by "
            f"{a.review_by.isoformat()}"
        )
    return _clean("\n".join(lines))


def _testcase(finding: Finding) -> ET.Element:
    res = finding.resource
    case = ET.Element(
        "testcase",
        {
            "classname": _clean(finding.policy_id),
            "name": _clean(f"{res.name or res.id} [{res.account}/{res.region or 'global'}]"),
            "time": "0",
        },
    )
    if res.location is not None:
        case.set("file", _clean(res.location.file))
        if res.location.line_start:
            case.set("line", str(res.location.line_start))
    message = _clean(finding.message)
    if finding.status == "FAIL":
        node = ET.SubElement(case, "failure", {"message": message, "type": finding.severity})
        node.text = _details(finding)
    elif finding.status == "ERROR":
        code = finding.gap.error_code if finding.gap is not None else "NotAssessed"
        node = ET.SubElement(case, "error", {"message": message, "type": _clean(code)})
        node.text = _details(finding)
    elif finding.status == "WAIVED":
        why = message
        if finding.waiver is not None and finding.waiver.kind == "inline-skip":
            w = finding.waiver
            why = _clean(f"WAIVED by the inline skip at {w.location or w.id}: {w.reason}")
        elif finding.waiver is not None:
            w = finding.waiver
            why = _clean(
                f"WAIVED by {w.id}: {w.reason} (approved by {w.approver}, "
                f"expires {w.expiry_text()})"
            )
        ET.SubElement(case, "skipped", {"message": why})
    elif finding.status == "NOT_APPLICABLE":
        ET.SubElement(case, "skipped", {"message": _clean(f"NOT_APPLICABLE: {finding.message}")})
    elif finding.status == "MANUAL":
        attach = finding.manual_evidence or "see the policy"
        ET.SubElement(case, "skipped", {"message": _clean(f"MANUAL: evidence to attach: {attach}")})
    elif finding.status == "ATTESTED" and finding.attestation is not None:
        a = finding.attestation
        why = (
            f"ATTESTED by {a.id}: {a.document} (sha256 {a.sha256 or 'not recorded'}), signed by "
            f"{a.signed_by} on {a.signed_on.isoformat()}, review by {a.review_by.isoformat()}"
        )
        ET.SubElement(case, "skipped", {"message": _clean(why)})
    out = ET.SubElement(case, "system-out")
    out.text = _details(finding)
    return case


class _Tally:
    """A suite's (or all suites') counts, as the testsuite attributes say them."""

    def __init__(self) -> None:
        self.tests = self.failures = self.errors = self.skipped = 0

    def add(self, status: str) -> None:
        self.tests += 1
        if status == "FAIL":
            self.failures += 1
        elif status == "ERROR":
            self.errors += 1
        elif status in ("WAIVED", "NOT_APPLICABLE", "MANUAL", "ATTESTED"):
            self.skipped += 1

    def attributes(self) -> dict[str, str]:
        return {
            "tests": str(self.tests),
            "failures": str(self.failures),
            "errors": str(self.errors),
            "skipped": str(self.skipped),
        }


def _start_tag(element: ET.Element) -> str:
    """``<tag attributes>`` as ElementTree writes it (``<tag attributes />`` when empty)."""
    empty = ET.tostring(element, encoding="unicode")
    return empty[: -len(" />")] + ">"


def _text(element: ET.Element, level: int) -> str:
    """``element`` as ``ET.indent`` (at its ``level`` of the whole document) and
    ``ET.tostring`` write it, without its tail."""
    ET.indent(element, level=level)
    element.tail = None
    return ET.tostring(element, encoding="unicode")


def _properties(result: RunResult, key: str, wide: list[WaiverRef]) -> ET.Element:
    left_out = {s.key: s.left_out for s in result.safeguards if s.left_out}
    props = ET.Element("properties")
    for name, value in (
        *(
            (
                f"wildcard_waiver:{w.id}",
                f"scope all: {w.policy} {w.resource} until {w.expiry_text()}",
            )
            for w in wide
        ),
        ("profile", result.profile.id),
        *((("selection", selection_text(result.selection)),) if result.selection else ()),
        ("safeguard", key),
        *(
            (("partial", "checks left out by the selection: " + ", ".join(left_out[key])),)
            if key in left_out
            else ()
        ),
        ("tool_version", result.tool_version),
        *(
            (f"waiver_expiring:{w.id}", f"{w.expiry_text()} {w.policy} {w.resource}")
            for w in result.waivers_expiring
        ),
    ):
        ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
    return props


def _encoded(text: str) -> bytes:
    # character references for what UTF-8 cannot hold, as ElementTree's own writer does
    return text.encode("utf-8", "xmlcharrefreplace")


def chunks(result: RunResult, _trend: Sequence[Any] = ()) -> Iterator[bytes]:
    """:func:`render`'s bytes in pieces, in one pass over the findings: each testcase, written
    as ``ET.indent`` and ``ET.tostring`` write it in the whole document, is set aside in its
    safeguard's spool while the counts and the wildcard waivers (which every suite's properties
    name first) are gathered; then the document head, each suite's head, its spool and its
    tail, in order of safeguard."""
    result = for_humans(result)  # control and bidi characters neutralised
    wide = WildcardWaivers()
    total = _Tally()
    tallies: dict[str, _Tally] = {}
    with ExitStack() as stack:
        spools: dict[str, Spool] = {}
        for finding in in_order(result):
            wide.see(finding.waiver)
            total.add(finding.status)
            key = finding.safeguard
            spool = spools.get(key)
            if spool is None:
                spool = spools[key] = stack.enter_context(Spool())
                tallies[key] = _Tally()
            else:
                spool.write(b"\n    ")
            tallies[key].add(finding.status)
            spool.write(_encoded(_text(_testcase(finding), 2)))
        waivers = wide.of(result)
        titles = {s.key: s.title for s in result.safeguards}
        elapsed = f"{(result.finished_at - result.started_at).total_seconds():.3f}"
        root = ET.Element(
            "testsuites",
            {
                "name": _clean(f"baa-audit {result.profile.id}"),
                **total.attributes(),
                "time": elapsed,
            },
        )
        if not spools:
            yield _encoded(_DECLARATION + ET.tostring(root, encoding="unicode") + "\n")
            return
        yield _encoded(_DECLARATION + _start_tag(root))
        for key in sorted(spools):
            suite = ET.Element(
                "testsuite",
                {
                    "name": _clean(titles.get(key, key)),
                    **tallies[key].attributes(),
                    "time": "0",
                    "timestamp": result.started_at.isoformat(),
                },
            )
            head = "\n  " + _start_tag(suite) + "\n    "
            head += _text(_properties(result, key, waivers), 2) + "\n    "
            yield _encoded(head)
            yield from spools[key].read_back()
            yield b"\n  </testsuite>"
            spools[key].close()
        yield b"\n</testsuites>\n"


def render(result: RunResult) -> bytes:
    return b"".join(chunks(result))


__all__ = ["EXTENSION", "MEDIA_TYPE", "chunks", "render"]
