"""The HTML report in a real headless browser (Debian's chromium driven by Playwright).

Cloud-supplied strings are hostile. The report must show them as text: no script runs, no dialog
opens, no request leaves the page, and every promise with its verdict is on the first screen.
The checks run twice: as shipped, and with the page's Content-Security-Policy bypassed, so that
escaping alone is shown to hold (the CSP is a second wall, not the only one).

Screenshots are kept under ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.evidence.render.html import TrendPoint, render_html
from tests.render.report_sample import (
    ACCOUNTS,
    PER_PLACE,
    REGIONS,
    WILDCARD,
    XSS_IMG,
    XSS_SCRIPT,
    build_many_passes_result,
    build_merged_result,
    build_result,
)
from tests.system_deps import chromium_path
from tests.system_deps import reason as system_reason

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Payloads that set a sentinel global if any of them ever runs.
SENTINEL_NAME = '<img src=x onerror="window.__baa_pwned=1">'
SENTINEL_TAG = "<script>window.__baa_pwned=2</script>"
SENTINEL_SVG = '<svg onload="window.__baa_pwned=3"></svg>'
SENTINEL_ATTR = '" onmouseover="window.__baa_pwned=4" x="'
VIEWPORT = {"width": 1280, "height": 800}


def _chromium() -> str | None:
    return chromium_path()


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install 'baa-audit[test]')"
    if _chromium() is None:
        return system_reason("chromium", "no chromium binary")
    return None


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason())),
]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    result = build_result()
    first = result.findings[0]
    hostile = first.resource.model_copy(
        update={"name": SENTINEL_NAME, "account": SENTINEL_ATTR, "region": SENTINEL_SVG}
    )
    extra = [
        first.model_copy(
            update={
                "resource": hostile,
                "message": f"{SENTINEL_TAG} {SENTINEL_SVG}",
                "evidence": {"tags": {"Name": SENTINEL_TAG, "x": SENTINEL_SVG}},
            }
        )
    ]
    result = result.model_copy(update={"findings": [*result.findings, *extra]})
    trend = [
        TrendPoint(datetime(2026, 11, 21, tzinfo=UTC), {"FAIL": 4, "PASS": 2, "ERROR": 1}),
        TrendPoint(datetime(2026, 11, 22, tzinfo=UTC), {"FAIL": 3, "PASS": 4}),
    ]
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(result, trend=trend), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=_chromium(), args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _open(browser, report_file: Path, *, bypass_csp: bool):
    context = browser.new_context(
        viewport=VIEWPORT, bypass_csp=bypass_csp, java_script_enabled=True
    )
    page = context.new_page()
    seen = {"requests": [], "dialogs": [], "console": []}
    document = report_file.as_uri()

    def on_route(route):
        url = route.request.url
        if url == document:
            route.continue_()
        else:
            seen["requests"].append(url)
            route.abort()

    context.route("**/*", on_route)
    page.on("request", lambda r: r.url != document and seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["console"].append(m.text))
    page.goto(document, wait_until="load")
    page.wait_for_timeout(300)  # give any injected handler (onerror, onload) its chance to fire
    return context, page, seen


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["as-shipped", "csp-bypassed"])
def test_hostile_strings_are_text_and_nothing_runs_or_fetches(browser, report_file, bypass_csp):
    context, page, seen = _open(browser, report_file, bypass_csp=bypass_csp)
    try:
        assert seen["dialogs"] == []
        assert page.evaluate("typeof window.__baa_pwned") == "undefined"
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("img").count() == 0
        assert page.locator("[onerror], [onload], [onmouseover]").count() == 0
        page.mouse.move(400, 400)
        page.mouse.wheel(0, 3000)
        assert page.evaluate("typeof window.__baa_pwned") == "undefined"
        text = page.inner_text("body")
        for shown in (XSS_IMG, XSS_SCRIPT, SENTINEL_NAME, SENTINEL_TAG, SENTINEL_ATTR.strip()):
            assert shown in text, shown
        assert seen["requests"] == [], seen["requests"]
        ARTIFACTS.mkdir(exist_ok=True)
        suffix = "csp-bypassed" if bypass_csp else "as-shipped"
        page.screenshot(path=str(ARTIFACTS / f"report-{suffix}-full.png"), full_page=True)
    finally:
        context.close()


def _strict_profile_result():
    """The sample result carrying every promise of the shipped strict profile (the demo's)."""
    import yaml

    from auditor.core.resources import policies_dir
    from auditor.core.result import STATUSES, PromiseResult

    profile = yaml.safe_load((policies_dir() / "profiles" / "strict.yaml").read_text())
    promises = [
        PromiseResult(
            id=p["id"],
            section=p.get("section"),
            clause=p["clause"],
            safeguards=p["safeguards"],
            parameters=p.get("parameters", {}),
            verdict=STATUSES[i % len(STATUSES)],
            counts={"FAIL": 2, "ERROR": 1, "MANUAL": 1, "WAIVED": 1, "PASS": 12},
            policies=[],
        )
        for i, p in enumerate(profile["promises"])
    ]
    return build_result().model_copy(update={"promises": promises})


def test_every_promise_and_its_verdict_is_on_the_first_screen(browser, tmp_path):
    result = _strict_profile_result()
    report_file = tmp_path / "strict.html"
    report_file.write_text(render_html(result), encoding="utf-8")
    context, page, _ = _open(browser, report_file, bypass_csp=False)
    try:
        rows = page.locator("table.promises tbody tr")
        assert rows.count() == len(result.promises)
        for index, promise in enumerate(result.promises):
            row = rows.nth(index)
            box = row.bounding_box()
            assert box is not None
            assert box["y"] + box["height"] <= VIEWPORT["height"], promise.id
            assert promise.verdict.replace("_", " ") in row.locator(".badge").inner_text()
            assert promise.clause[:40] in row.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-first-screen.png"))
    finally:
        context.close()


def test_wildcard_waivers_come_first_and_many_passes_are_counted(browser, tmp_path):
    """A merged run's wildcard waiver is on the first screen, above the promises; a policy's
    60 PASS findings show as one count per place, not 60 rows."""
    merged = build_merged_result()
    many = build_many_passes_result()
    buckets = [f for f in many.findings if (f.resource.name or "").startswith("bucket-")]
    findings = sorted([*merged.findings, *buckets], key=lambda f: f.sort_key())
    result = merged.model_copy(update={"findings": findings})
    report_file = tmp_path / "merged.html"
    report_file.write_text(render_html(result), encoding="utf-8")
    context, page, _ = _open(browser, report_file, bypass_csp=False)
    try:
        wide = page.locator("#wildcard-waivers")
        assert WILDCARD.id in wide.inner_text()
        top = wide.bounding_box()
        promises = page.locator("#promises").bounding_box()
        assert top is not None and promises is not None
        assert top["y"] < promises["y"] and top["y"] < VIEWPORT["height"]
        counted = page.locator("#promise-encryption-at-rest table.passes tbody tr")
        assert counted.count() == len(ACCOUNTS) * len(REGIONS)
        for index in range(counted.count()):
            cells = counted.nth(index).locator("td")
            assert cells.nth(3).inner_text() == str(PER_PLACE)
            assert cells.nth(3).is_visible()
        rows = page.locator("#promise-encryption-at-rest table.findings tbody tr")
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert not any("is encrypted with aws:kms" in t for t in texts)
        assert sum("has no default encryption" in t for t in texts) >= 3
    finally:
        context.close()


def test_the_report_prints(browser, report_file):
    context, page, _ = _open(browser, report_file, bypass_csp=False)
    try:
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF-")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "report-printed-by-chromium.pdf").write_bytes(pdf)
    finally:
        context.close()


def test_scheduled_runs_show_their_trend(browser, tmp_path, monkeypatch):
    """Three `baa-audit evaluate` runs into one directory: the third report draws all three."""
    from click.testing import CliRunner

    from auditor.cli import cli
    from tests.core.test_cli_errors import good_snapshot

    now = [datetime(2026, 11, 1, tzinfo=UTC)]

    def tick() -> datetime:
        now[0] = now[0] + timedelta(hours=12)
        return now[0]

    monkeypatch.setattr("auditor.cli.pipeline.now_utc", tick)
    monkeypatch.setattr("auditor.cli.run.now_utc", tick)
    snapshot, out = good_snapshot(tmp_path), tmp_path / "out"
    for _ in range(3):
        res = CliRunner().invoke(
            cli, ["evaluate", str(snapshot), "--out", str(out), "--format", "html"]
        )
        assert "recorded run" in res.stderr, res.stderr
    context, page, seen = _open(browser, out / "report.html", bypass_csp=False)
    try:
        chart = page.locator('svg[aria-label="Trend over past runs"]')
        assert chart.count() == 1
        assert chart.is_visible()
        labels = chart.locator("text.label").all_text_contents()
        assert labels == ["2026-11-01 12:00", "2026-11-02 12:00", "2026-11-03 12:00"]
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 40
        assert seen["requests"] == []
        chart.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        chart.screenshot(path=str(ARTIFACTS / "report-trend.png"))
    finally:
        context.close()
