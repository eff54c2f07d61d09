"""Every renderer shows what the merged branches added to a result: ATTESTED findings and the
attestations (never counted as PASS), wildcard waivers first, inline skips as such, the selection
and the promises it made partial, PostgreSQL databases as places, and a clause's offsets."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from auditor.core.result import RunResult
from auditor.evidence.render import csv as csv_render
from auditor.evidence.render import html, junit, markdown, ocsf, sarif
from tests.render.report_sample import (
    CLAUSE_AT,
    INLINE_SKIP,
    LEFT_OUT,
    OVERDUE,
    PG_PLACE,
    WILDCARD,
    build_merged_result,
)
from tests.system_deps import needs_pango

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture
def merged() -> RunResult:
    return build_merged_result()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _text_of_html(page: str) -> str:
    return _flat(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


# --- HTML -------------------------------------------------------------------------------------


def test_html_shows_everything_a_merged_run_carries(merged):
    page = html.render(merged).decode()
    text = _text_of_html(page)
    # the wildcard waiver before the promises, and first among the waived findings
    assert page.index('id="wildcard-waivers"') < page.index('id="promises"')
    waivers = page.split('id="waivers"', 1)[1].split("</section>", 1)[0]
    assert waivers.index(WILDCARD.id) < waivers.index("W-7") < waivers.index(INLINE_SKIP.id)
    assert "wildcard (scope: all)" in waivers
    # the inline skip named as such, at its comment, without an end date
    assert f"inline skip at <code>{INLINE_SKIP.location}</code> (no expiry)" in page
    # the selection and the partial promise
    assert f"--checks {','.join(merged.selection.checks)}" in text
    assert f"<code>{LEFT_OUT}</code>" in page
    assert "partial: 1 checks left out by the selection" in text
    # the database endpoints, and the PostgreSQL finding in its place
    assert "app-db.c1.us-east-1.rds.amazonaws.com:5432/app (aws rds instance app-db" in text
    assert "10.0.0.9:5432/reports [not reached]" in text
    assert f"postgres {PG_PLACE}" in text
    # the clause's offsets in the BAA file
    assert f"characters {CLAUSE_AT[0]}\u2013{CLAUSE_AT[1]}" in text
    # the overdue attestation beside its FAIL, with its digest and review date
    assert f"attestation <code>{OVERDUE.id}</code> (overdue)" in page
    assert OVERDUE.sha256 in page and "review by 2026-01-10" in text


def test_attested_is_never_counted_as_pass(merged):
    """The totals every human report prints count ATTESTED apart from PASS."""
    passes = sum(f.status == "PASS" for f in merged.findings)
    attested = sum(f.status == "ATTESTED" for f in merged.findings)
    assert attested and merged.summary["PASS"] == passes
    page = html.render(merged).decode()
    assert f'st-pass">PASS {passes}<' in page and f'st-attested">ATTESTED {attested}<' in page
    text = markdown.render(merged).decode()
    assert f"ATTESTED: {attested}, PASS: {passes}," in text


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_shows_everything_a_merged_run_carries(merged):
    text = markdown.render(merged).decode()
    assert text.index("Wildcard waivers in force") < text.index("## Promises")
    waived = text.split("## Waived", 1)[1].split("## ", 1)[0]
    assert waived.index("W-ALL") < waived.index("W-7")
    assert "Wildcard waiver (scope: all) W-ALL" in waived
    assert f"Skipped inline at {INLINE_SKIP.location}" in waived
    assert f"left out (1): {LEFT_OUT}" in text
    assert "Partial promises (checks left out, never PASS): encryption-at-rest" in text
    assert f"(characters {CLAUSE_AT[0]}-{CLAUSE_AT[1]})" in text
    assert "- Databases: app-db.c1.us-east-1.rds.amazonaws.com:5432/app" in text
    assert f"Attestation {OVERDUE.id} (overdue)" in text and OVERDUE.sha256 in text
    assert "## Attested (answered by a document" in text


# --- PDF --------------------------------------------------------------------------------------


@needs_pango()
def test_pdf_shows_everything_a_merged_run_carries(merged):
    import pypdf

    from auditor.evidence.render import pdf

    reader = pypdf.PdfReader(io.BytesIO(pdf.render(merged)))
    cover = _flat(reader.pages[0].extract_text())
    text = _flat("\n".join(page.extract_text() or "" for page in reader.pages))
    assert "Wildcard waivers in force (scope: all)" in cover and WILDCARD.id in cover
    assert "Checks selected" in cover and LEFT_OUT in cover
    assert "Partial promises (never PASS): encryption-at-rest" in cover
    assert "app-db.c1.us-east-1.rds.amazonaws.com:5432/app" in cover
    assert f"characters {CLAUSE_AT[0]}" in text
    waivers = text.split("Waivers Waiver", 1)[1].split("Attestations:", 1)[0]
    assert waivers.index(WILDCARD.id) < waivers.index("W-7")
    assert "inline skip" in waivers and "no expiry (inline skip)" in waivers
    appendix = text.split("Appendix A", 1)[1]
    assert f"Attestation {OVERDUE.id} (overdue)" in appendix
    assert "ATTESTED ATTESTED:" in appendix  # ATTESTED findings listed, after WAIVED
    assert appendix.index("WAIVED WAIVED:") < appendix.index("ATTESTED ATTESTED:")
    assert f"Inline skip at {INLINE_SKIP.location} (no expiry)" in appendix


# --- SARIF ------------------------------------------------------------------------------------


def _sarif_validator():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def test_sarif_of_a_merged_run_is_valid_and_complete(merged):
    doc = json.loads(sarif.render(merged))
    _sarif_validator().validate(doc)
    run = doc["runs"][0]
    props = run["properties"]
    assert props["selection"]["left_out"] == [{"policy_id": LEFT_OUT, "reason": "not in --checks"}]
    assert props["partial_promises"] == ["encryption-at-rest"]
    promises = {p["id"]: p for p in props["promises"]}
    assert promises["encryption-in-transit"]["clause_offsets"] == {
        "start": CLAUSE_AT[0],
        "end": CLAUSE_AT[1],
    }
    assert promises["encryption-at-rest"]["left_out"] == [LEFT_OUT]
    assert promises["breach-notification"]["verdict"] == "FAIL"
    assert [d["database"] for d in props["databases"]] == ["app", "reports"]
    assert [w["id"] for w in props["wildcard_waivers"]] == [WILDCARD.id]
    suppressions = [s for r in run["results"] for s in r.get("suppressions", [])]
    inline = [s for s in suppressions if s["kind"] == "inSource"]
    assert len(inline) == 1
    assert inline[0]["location"]["physicalLocation"]["region"]["startLine"] == 38
    assert inline[0]["location"]["physicalLocation"]["artifactLocation"]["uri"] == "infra/sql.tf"
    assert any("(wildcard, scope: all)" in s["justification"] for s in suppressions)
    kinds = {r["kind"] for r in run["results"] if r["properties"]["status"] == "ATTESTED"}
    assert kinds == {"informational"}


def test_sarif_inline_skip_without_a_line_has_no_location(merged):
    bad = INLINE_SKIP.model_copy(update={"location": "infra/sql.tf"})
    findings = [
        f.model_copy(update={"waiver": bad}) if f.waiver == INLINE_SKIP else f
        for f in merged.findings
    ]
    doc = json.loads(sarif.render(merged.model_copy(update={"findings": findings})))
    _sarif_validator().validate(doc)
    inline = [
        s
        for r in doc["runs"][0]["results"]
        for s in r.get("suppressions", [])
        if s["kind"] == "inSource"
    ]
    assert inline and "location" not in inline[0]


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_of_a_merged_run(merged):
    root = ET.fromstring(junit.render(merged))
    skipped = [s.get("message") for s in root.findall(".//testcase/skipped")]
    assert any(
        m.startswith(f"WAIVED by the inline skip at {INLINE_SKIP.location}") for m in skipped
    )
    assert any(m.startswith("ATTESTED") for m in skipped)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    rest = {p.get("name"): p.get("value") for p in suites["Encryption at rest"].iter("property")}
    assert rest["partial"] == f"checks left out by the selection: {LEFT_OUT}"
    assert rest["selection"].endswith(f"left out (1): {LEFT_OUT}")
    first = next(iter(suites["Encryption at rest"].iter("property")))
    assert first.get("name") == f"wildcard_waiver:{WILDCARD.id}"
    # a passed testcase has no child: ATTESTED never is one
    attested = [
        c
        for c in root.iter("testcase")
        if (c.find("skipped") is not None)
        and "ATTESTED" in (c.find("skipped").get("message") or "")
    ]
    assert attested


# --- OCSF -------------------------------------------------------------------------------------


def test_ocsf_of_a_merged_run(merged):
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

    events = json.loads(ocsf.render(merged))
    assert len(events) == len(merged.findings)
    for event in events:
        model = ComplianceFinding.model_validate(event)
        assert model.model_dump(mode="json", exclude_none=True) == event
    first = events[0]["unmapped"]["baa_audit"]
    assert first["waiver"]["id"] == WILDCARD.id  # wildcard waivers first
    assert first["selection"]["left_out_count"] == 1
    assert first["selection"]["partial_promises"] == ["encryption-at-rest"]
    attested = [e for e in events if e["unmapped"]["baa_audit"]["status"] == "ATTESTED"]
    assert attested and all(e["compliance"]["status_id"] == 99 for e in attested)
    inline = [e for e in events if e["unmapped"]["baa_audit"].get("waiver", {}).get("kind")]
    assert any(e["unmapped"]["baa_audit"]["waiver"]["kind"] == "inline-skip" for e in inline)
    pg = [e for e in events if e["unmapped"]["baa_audit"]["status"] == "FAIL"]
    assert any(PG_PLACE in json.dumps(e) for e in pg)


# --- CSV --------------------------------------------------------------------------------------


def test_csv_of_a_merged_run(merged):
    rows = list(csv.DictReader(io.StringIO(csv_render.render(merged).decode())))
    assert len(rows) == len(merged.findings)
    assert rows[0]["waiver_id"] == WILDCARD.id and rows[0]["waiver_scope_all"] == "yes"
    skip = next(r for r in rows if r["waiver_id"] == INLINE_SKIP.id)
    assert skip["waiver_kind"] == "inline-skip"
    assert skip["waiver_location"] == INLINE_SKIP.location
    assert skip["waiver_expires"] == "no expiry (inline skip)"
    assert skip["partial_promises"] == "encryption-at-rest"
    breach = next(r for r in rows if r["attestation_id"] == OVERDUE.id)
    assert breach["status"] == "FAIL" and breach["attestation_sha256"] == OVERDUE.sha256
    pg = next(r for r in rows if r["provider"] == "postgres")
    assert pg["account"] == PG_PLACE
