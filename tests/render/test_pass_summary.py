"""A policy with many PASS findings is counted per place in the human reports (HTML, PDF,
Markdown), naming a few resources; every other status stays listed one by one, and the machine
outputs (CSV, SARIF, JUnit, OCSF) keep every finding (issue 15)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from auditor.core.result import Finding, RunResult
from auditor.evidence.render import csv as csv_render
from auditor.evidence.render import html, junit, markdown, sarif
from auditor.evidence.render.places import (
    PASS_SAMPLE,
    PASS_SUMMARY_THRESHOLD,
    summarise_passes,
)
from tests.render.report_sample import (
    ACCOUNTS,
    PER_PLACE,
    REGIONS,
    build_many_passes_result,
)
from tests.render.report_sample import bucket_finding as _bucket
from tests.system_deps import needs_pango


@pytest.fixture
def big() -> RunResult:
    return build_many_passes_result()


# --- the split itself -------------------------------------------------------------------------


def _passes(policy: str, n: int) -> list[Finding]:
    return [
        _bucket(ACCOUNTS[0], REGIONS[0], i).model_copy(update={"policy_id": policy})
        for i in range(n)
    ]


def test_at_the_threshold_every_pass_is_listed():
    rows = summarise_passes(_passes("P", PASS_SUMMARY_THRESHOLD))
    assert len(rows.listed) == PASS_SUMMARY_THRESHOLD and not rows.passes


def test_over_the_threshold_passes_are_counted_per_place_and_nothing_else_is():
    fails = [
        _bucket(ACCOUNTS[1], REGIONS[1], 1, "FAIL"),
        _bucket(ACCOUNTS[1], REGIONS[0], 2, "ERROR"),
    ]
    few = _passes("Q", 2)
    many = _passes("P", PASS_SUMMARY_THRESHOLD + 1)
    # a generator: the split reads its input once, as it would read a JSON Lines file
    rows = summarise_passes(f for f in [fails[0], *many, *few, fails[1]])
    assert rows.listed == [fails[0], *few, fails[1]]  # original order kept
    assert rows.counted == PASS_SUMMARY_THRESHOLD + 1
    (group,) = rows.passes
    assert (group.policy_id, group.place, group.region) == (
        "P",
        f"aws account {ACCOUNTS[0]}",
        REGIONS[0],
    )
    assert group.count == PASS_SUMMARY_THRESHOLD + 1
    assert len(group.sample) == PASS_SAMPLE and group.more == group.count - PASS_SAMPLE
    assert group.sample[0] == many[0].resource.name


def test_only_pass_is_ever_counted():
    others = [
        _bucket(ACCOUNTS[0], REGIONS[0], i, status)
        for status in ("FAIL", "ERROR", "MANUAL", "WAIVED", "ATTESTED", "NOT_APPLICABLE")
        for i in range(PASS_SUMMARY_THRESHOLD + 5)
    ]
    rows = summarise_passes(others)
    assert rows.listed == others and not rows.passes


# --- HTML -------------------------------------------------------------------------------------


def test_html_counts_many_passes_per_place_and_lists_every_failure(big):
    page = html.render(big).decode()
    details = page.split('id="details"', 1)[1].split('id="waivers"', 1)[0]
    counted = details.split('<table class="passes">', 1)[1].split("</table>", 1)[0]
    for account in ACCOUNTS:
        for region in REGIONS:
            assert re.search(
                rf"aws account {account}</td><td>{region}</td><td class=\"num\">{PER_PLACE}</td>",
                counted,
            ), (account, region)
    assert counted.count(f"and {PER_PLACE - PASS_SAMPLE} more") == len(ACCOUNTS) * len(REGIONS)
    assert (
        f"{PER_PLACE * 4} PASS findings of a policy with more than {PASS_SUMMARY_THRESHOLD}"
        in details
    )
    # no PASS of that policy has a row of its own ...
    assert "is encrypted with aws:kms" not in details
    # ... while every failure (and the other policies' passes) still does
    for finding in big.findings:
        if finding.status == "FAIL" and finding.policy_id == "AWS-S3-002":
            assert finding.message in details
    assert "Listener api allows only TLSv1.3." in details  # a policy with one PASS: listed


def test_html_summary_charts_still_count_every_finding(big):
    page = html.render(big).decode()
    assert f'st-pass">PASS {big.summary["PASS"]}<' in page


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_counts_passes_per_place(big):
    text = markdown.render(big).decode()
    passed = text.split("## Passed", 1)[1]
    for account in ACCOUNTS:
        for region in REGIONS:
            assert f"| AWS-S3-002 | aws account {account} | {region} | {PER_PLACE} |" in passed
    assert "is encrypted with aws:kms" not in text
    failures = text.split("## Failures", 1)[1].split("## ", 1)[0]
    assert failures.count("has no default encryption") == 3


# --- PDF --------------------------------------------------------------------------------------


@needs_pango()
def test_pdf_counts_many_passes_per_place(big):
    import pypdf

    from auditor.evidence.render import pdf

    reader = pypdf.PdfReader(io.BytesIO(pdf.render(big)))
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    assert f"PASS findings of policies with more than {PASS_SUMMARY_THRESHOLD} here" in text
    for account in ACCOUNTS:
        assert text.count(f"aws account {account}") >= len(REGIONS)
    assert "is encrypted with aws:kms" not in text


# --- machine outputs keep every finding ----------------------------------------------------------


def test_machine_outputs_list_every_pass(big):
    passes = sum(f.status == "PASS" for f in big.findings)
    rows = list(csv.DictReader(io.StringIO(csv_render.render(big).decode())))
    assert sum(r["status"] == "PASS" for r in rows) == passes
    results = json.loads(sarif.render(big))["runs"][0]["results"]
    assert sum(r["kind"] == "pass" for r in results) == passes
    cases = ET.fromstring(junit.render(big)).findall(".//testcase")
    assert len(cases) == len(big.findings)
