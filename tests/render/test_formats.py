"""Golden files, schema validation and hostile-string handling for every report format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from auditor.core.model.base import ResourceRef
from auditor.core.result import Finding, RunResult
from auditor.evidence.render import csv as csv_render
from auditor.evidence.render import html, junit, ocsf, sarif
from tests.render.report_sample import CSV_FORMULA, XSS_IMG, XSS_SCRIPT

SCHEMAS = Path(__file__).parent / "schemas"


# --- golden files: the output is a pure, deterministic function of the result ---------------


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (html, "report.html"),
        (sarif, "report.sarif"),
        (junit, "report.junit.xml"),
        (csv_render, "report.csv"),
        (ocsf, "report.ocsf.json"),
    ],
)
def test_golden(result, golden, module, name):
    first = module.render(result)
    assert first == module.render(result.model_copy(deep=True))
    golden(name, first)


def test_html_with_trend_is_golden(result, golden):
    trend = [
        html.TrendPoint(datetime(2026, 11, 21, tzinfo=UTC), {"FAIL": 5, "PASS": 3}),
        html.TrendPoint(datetime(2026, 11, 22, tzinfo=UTC), {"FAIL": 3, "PASS": 5}),
    ]
    page = html.render_html(result, trend=trend)
    assert "Trend over past runs" in page
    assert "2026-11-21 00:00" in page
    golden("report-trend.html", page.encode())


# --- HTML -------------------------------------------------------------------------------------


def test_html_escapes_hostile_strings(result):
    page = html.render(result).decode()
    assert XSS_IMG not in page
    assert XSS_SCRIPT not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()


def test_html_is_self_contained(result):
    page = html.render(result).decode()
    for fetching in ("<link", "<img", "<iframe", "@import", "url(", "src="):
        # the only src= is the escaped hostile string, shown as text
        assert fetching not in page.replace("&lt;img src=x", ""), fetching
    assert "default-src 'none'" in page


def test_html_first_screen_quotes_every_promise_with_its_verdict(result):
    page = html.render(result).decode()
    first_screen = page.split('id="cover"')[0]
    for promise in result.promises:
        assert promise.clause.split(":")[0] in first_screen
        assert f'href="#promise-{promise.id}"' in first_screen
    assert first_screen.count('class="badge st-fail"') >= 2
    assert 'class="badge st-manual"' in first_screen


def test_html_shows_gaps_waivers_manual_and_evidence(result):
    page = html.render(result).decode()
    assert "Expired waivers: these findings count as FAIL again" in page
    assert "dpo@example.com" in page and "expired 2026-11-01" in page
    assert "s3:GetBucketEncryption" in page and "AccessDenied" in page
    assert "s3:ListBuckets" in page
    assert "ciso@example.com" in page and "2026-12-01" in page
    assert "Vertex AI data-governance terms" in page
    assert "null (observed absent)" in page
    assert "infra/sql.tf:12" in page
    assert "a" * 64 in page  # input digests on the cover


def test_html_without_findings_still_renders(result):
    empty = result.model_copy(update={"findings": [], "listing_gaps": [], "summary": {}})
    page = html.render(empty).decode()
    assert "No findings." in page
    assert "Every listing succeeded." in page


# --- SARIF ------------------------------------------------------------------------------------


def _sarif_validator():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_sarif_is_valid_against_the_oasis_schema(result):
    doc = json.loads(sarif.render(result))
    _sarif_validator().validate(doc)


def test_sarif_schema_check_is_not_vacuous(result):
    doc = json.loads(sarif.render(result))
    doc["runs"][0]["results"][0]["kind"] = "broken"
    with pytest.raises(jsonschema.ValidationError):
        _sarif_validator().validate(doc)


def test_sarif_rules_results_and_locations(result):
    run = json.loads(sarif.render(result))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == set(result.policies)
    assert rules["AWS-S3-002"]["properties"]["security-severity"] == "9.5"
    assert rules["AWS-ELB-001"]["help"]["text"].startswith("Attach a TLS 1.3-only")
    by_status = {r["properties"]["status"]: r for r in run["results"]}
    assert by_status["FAIL"]["kind"] == "fail" and by_status["FAIL"]["level"] == "error"
    assert by_status["PASS"]["kind"] == "pass" and by_status["PASS"]["level"] == "none"
    assert by_status["ERROR"]["kind"] == "open"
    assert by_status["MANUAL"]["kind"] == "review"
    assert by_status["NOT_APPLICABLE"]["kind"] == "notApplicable"
    assert by_status["WAIVED"]["suppressions"][0]["status"] == "accepted"
    expired = [r for r in run["results"] if r["properties"].get("waiver", {}).get("expired")]
    assert expired and all(r["kind"] == "fail" and "suppressions" not in r for r in expired)

    def uri(r):
        return r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]

    iac = [r for r in run["results"] if uri(r) != "snapshot.jsonl"]
    assert len(iac) == 1
    physical = iac[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "infra/sql.tf"
    assert physical["region"] == {"startLine": 12, "endLine": 30}
    live = [r for r in run["results"] if uri(r) == "snapshot.jsonl"]
    assert len(live) == len(result.findings) - 1
    for r in live:
        location = r["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uriBaseId"] == "BAA_AUDIT_OUT"
        assert location["logicalLocations"][0]["kind"] == "resource"
        assert (
            location["logicalLocations"][0]["fullyQualifiedName"]
            == r["properties"]["resource"]["id"]
        )
    # GitHub code scanning rejects a file whose results lack a physical artifact (GH1001)
    assert all(len(r["locations"]) >= 1 and uri(r) for r in run["results"])
    assert "BAA_AUDIT_OUT" in run["originalUriBaseIds"]
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("s3:ListBuckets -> AccessDenied" in n["message"]["text"] for n in notes)


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_maps_statuses(result):
    root = ET.fromstring(junit.render(result))
    assert root.tag == "testsuites"
    cases = root.findall(".//testcase")
    assert len(cases) == len(result.findings)
    assert root.get("tests") == str(len(result.findings))
    assert root.get("failures") == "2" and root.get("errors") == "2" and root.get("skipped") == "4"
    assert len(root.findall(".//testcase/failure")) == 2
    errors = root.findall(".//testcase/error")
    assert len(errors) == 2 and {e.get("type") for e in errors} == {"AccessDenied"}
    skipped = [s.get("message") for s in root.findall(".//testcase/skipped")]
    assert any(m.startswith("WAIVED by W-7") for m in skipped)
    assert any(m.startswith("NOT_APPLICABLE") for m in skipped)
    assert any(m.startswith("MANUAL") for m in skipped)
    names = [c.get("name") for c in cases]
    assert any(XSS_IMG in n for n in names)  # parsed back as text, not markup


def test_junit_survives_control_characters(result):
    finding = result.findings[0]
    bad = finding.model_copy(update={"message": "bell\x07 nul\x00 end"})
    page = junit.render(result.model_copy(update={"findings": [bad]}))
    ET.fromstring(page)


# --- CSV --------------------------------------------------------------------------------------


def test_csv_one_row_per_finding_and_no_formulas(result):
    rows = list(csv.reader(io.StringIO(csv_render.render(result).decode())))
    assert tuple(rows[0]) == csv_render.COLUMNS
    assert len(rows) == len(result.findings) + 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    names = [row[csv_render.COLUMNS.index("resource_name")] for row in rows[1:]]
    assert XSS_IMG in names


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1"])
def test_csv_neutralizes_formula_starts(value):
    assert csv_render.safe_cell(value) == "'" + value


def test_csv_formula_in_a_resource_name(result):
    finding = result.findings[0]
    resource = finding.resource.model_copy(update={"name": CSV_FORMULA})
    evil = finding.model_copy(update={"resource": resource})
    data = csv_render.render(result.model_copy(update={"findings": [evil]})).decode()
    row = next(r for r in csv.reader(io.StringIO(data)) if r[0] == finding.policy_id)
    assert row[csv_render.COLUMNS.index("resource_name")] == "'" + CSV_FORMULA


# --- OCSF -------------------------------------------------------------------------------------


def test_ocsf_events_validate_against_the_models(result):
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

    events = json.loads(ocsf.render(result))
    assert len(events) == len(result.findings)
    for event in events:
        model = ComplianceFinding.model_validate(event)
        # nothing we wrote is unknown to the model (it would be dropped on the way back)
        assert model.model_dump(mode="json", exclude_none=True) == event
        assert event["class_uid"] == 2003
        assert event["category_uid"] == 2
        assert event["type_uid"] == 2003 * 100 + event["activity_id"]


def test_ocsf_status_mapping(result):
    events = {e["status_code"]: e for e in json.loads(ocsf.render(result))}
    assert events["PASS"]["compliance"]["status_id"] == 1
    assert events["FAIL"]["compliance"]["status_id"] == 3
    assert events["ERROR"]["compliance"]["status_id"] == 2
    assert events["MANUAL"]["compliance"]["status_id"] == 2
    assert events["WAIVED"]["status_id"] == 3  # Suppressed
    assert events["ERROR"]["unmapped"]["baa_audit"]["gap"]["error_code"] == "AccessDenied"
    assert events["FAIL"]["metadata"]["product"]["name"] == "baa-audit"


def test_ocsf_rejects_a_broken_event(result):
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    from pydantic import ValidationError

    event = json.loads(ocsf.render(result))[0]
    del event["finding_info"]
    with pytest.raises(ValidationError):
        ComplianceFinding.model_validate(event)


# --- all formats ------------------------------------------------------------------------------


def _one_finding(result: RunResult, name: str) -> RunResult:
    base = result.findings[0]
    ref = ResourceRef(provider="aws", account="1", region=None, type="aws.s3.bucket", id=name)
    finding = Finding.model_validate(base.model_dump() | {"resource": ref.model_dump()})
    return result.model_copy(update={"findings": [finding]})


@pytest.mark.parametrize("module", [html, sarif, junit, csv_render, ocsf])
def test_unicode_and_quotes_survive(result, module):
    name = 'bucket "ü" \\ \u2028 😀'
    out = module.render(_one_finding(result, name))
    assert out.decode("utf-8")


# --- PDF: tests/render/test_pdf.py ----------------------------------------------------------


def test_html_can_leave_passes_out_of_the_tables(result):
    full = html.render_html(result)
    compact = html.render_html(result, pass_detail=False)
    assert "Listener api allows only TLSv1.3." in full
    assert "Listener api allows only TLSv1.3." not in compact
    assert "not itemized here" in compact and "not itemized here" not in full
    # what needs attention is always itemized
    for kept in ("Not assessed: encryption could not be read.", "declares no encryption key"):
        assert kept in compact


def test_html_lists_what_needs_attention_first(result):
    page = html.render(result).decode()
    details = page.split('id="promise-encryption-at-rest"')[1].split("</article>")[0]
    fail = details.index("declares no encryption key")
    error = details.index("Not assessed: encryption could not be read.")
    passed = details.index("encrypted with Google-managed AES-256")
    assert fail < error < passed


def test_html_names_gcp_organization_level_places(result):
    finding = result.findings[0]
    org = finding.resource.model_copy(update={"provider": "gcp", "account": "organizations/42"})
    page = html.render(
        result.model_copy(update={"findings": [finding.model_copy(update={"resource": org})]})
    ).decode()
    assert "gcp organizations/42" in page
    assert "gcp project organizations/42" not in page


def test_trend_from_recorded_runs(result, tmp_path):
    from auditor.evidence.history import History

    with History(tmp_path / "history.sqlite") as history:
        for hours in (1, 2, 3):
            past = result.model_copy(
                update={
                    "started_at": result.started_at.replace(hour=hours),
                    "finished_at": result.finished_at.replace(hour=hours),
                }
            )
            history.record(past)
        runs = history.runs(profile=result.profile.id)
    points = html.trend_from_runs(runs, limit=2)
    assert [p.when.hour for p in points] == [2, 3]
    assert points[-1].summary["FAIL"] == result.summary["FAIL"] == 2
    page = html.render_html(result, trend=points)
    assert "Trend over past runs" in page
