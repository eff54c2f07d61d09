"""The HTML report streams (issue 15): ``chunks`` gives ``render``'s bytes for a held result and
for the same result streamed from its findings file, and holds neither the findings nor the
rendered rows while it writes them."""

from __future__ import annotations

import gc
import hashlib
import tracemalloc
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.core.findings_io import FINDINGS_FILE, load_result, split_result
from auditor.core.result import Finding, FindingStream, RunResult, summarize, worst
from auditor.evidence.render import RENDERERS, html
from auditor.evidence.render.places import PASS_SUMMARY_THRESHOLD
from tests.render.report_sample import (
    ACCOUNTS,
    REGIONS,
    bucket_finding,
    build_merged_result,
)
from tests.system_deps import needs_pango

TREND = [
    html.TrendPoint(datetime(2024, 1, day, tzinfo=UTC), {"FAIL": day, "PASS": 10 - day})
    for day in (1, 2, 3)
]


def _recounted(result: RunResult, findings: list[Finding]) -> RunResult:
    """``result`` holding ``findings`` (sorted), its summary, safeguards and promises recounted."""
    findings = sorted(findings, key=Finding.sort_key)
    by_safeguard: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        by_safeguard[finding.safeguard][finding.status] += 1

    def judged(counts: Counter[str], verdict: object) -> dict[str, object]:
        present = tuple(s for s in ("FAIL", "ERROR", "MANUAL", "WAIVED", "ATTESTED", "PASS",
                                    "NOT_APPLICABLE") if counts.get(s))  # fmt: skip
        return {"counts": dict(counts), "verdict": worst(present) if present else verdict}

    safeguards = [
        s.model_copy(update=judged(by_safeguard[s.key], s.verdict)) for s in result.safeguards
    ]
    promises = []
    for p in result.promises:
        counts: Counter[str] = Counter()
        for key in dict.fromkeys(p.safeguards):
            counts.update(by_safeguard[key])
        promises.append(p.model_copy(update=judged(counts, p.verdict)))
    return result.model_copy(
        update={
            "findings": findings,
            "summary": summarize(findings),
            "safeguards": safeguards,
            "promises": promises,
        }
    )


def _every_branch() -> RunResult:
    """The merged report sample (a wildcard waiver, an expired one, attestations, findings
    outside every promise, seven places) with a policy's PASS findings well over the summary
    threshold in four places, another's under it, and a FAIL shown under two promises."""
    base = build_merged_result()
    many = [bucket_finding(a, r, n) for a in ACCOUNTS for r in REGIONS for n in range(15)]
    fails = [bucket_finding(ACCOUNTS[0], REGIONS[0], 90 + n, "FAIL") for n in range(3)]
    few = [
        bucket_finding(ACCOUNTS[1], REGIONS[1], 50 + n).model_copy(
            update={"policy_id": "AWS-S3-009"}
        )
        for n in range(3)
    ]
    promise_ids = [p.id for p in base.promises]
    shared = bucket_finding(ACCOUNTS[1], REGIONS[0], 99, "FAIL").model_copy(
        update={"promises": promise_ids[:2]}
    )
    return _recounted(base, [*base.findings, *many, *fails, *few, shared])


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult]:
    """(held, streamed from its findings file): the same run."""
    held = _every_branch()
    directory = tmp_path_factory.mktemp("stream-html")
    header, lines = split_result(held)
    (directory / "result.json").write_bytes(header)
    (directory / FINDINGS_FILE).write_bytes(lines)
    streamed = load_result(directory / "result.json", stream=True)
    assert streamed.streamed and streamed.finding_count() == len(held.findings)
    return held, streamed


def test_the_sample_reaches_every_branch(results: tuple[RunResult, RunResult]) -> None:
    page = html.render(results[1]).decode()
    assert "wildcard (scope: all)" in page  # a wildcard waiver, listed first among the waived
    assert "Expired waivers: these findings count as FAIL again" in page
    assert 'id="promise-none"' in page  # findings outside every promise
    assert "counted per place, not listed one by one" in page
    assert "and 10 more" in page  # a place's PASS findings past the named sample
    assert (
        page.count("Bucket bucket-5-us-east-1-50 is encrypted") == 1
    )  # a listed PASS of the policy under it
    assert "attestation <code>" in page and "Manual evidence to attach" in page
    assert (
        page.count("Bucket bucket-5-eu-west-1-99 has no default") == 2
    )  # a FAIL under two promises
    statuses = Counter(f.status for f in results[0].findings)
    assert set(statuses) == {
        "FAIL", "ERROR", "MANUAL", "WAIVED", "ATTESTED", "PASS", "NOT_APPLICABLE",
    }  # fmt: skip
    assert statuses["PASS"] > PASS_SUMMARY_THRESHOLD


@pytest.mark.parametrize("trend", [(), TREND], ids=["no-trend", "trend"])
def test_streamed_held_and_render_are_the_same_bytes(
    results: tuple[RunResult, RunResult], trend: list[html.TrendPoint]
) -> None:
    held, streamed = results
    whole = html.render_with_trend(held, trend) if trend else html.render(held)
    assert b"".join(html.chunks(held, trend)) == whole
    assert b"".join(html.chunks(streamed, trend)) == whole
    assert (html.render_with_trend(streamed, trend) if trend else html.render(streamed)) == whole
    renderer = RENDERERS["html"]
    assert renderer.chunks is html.chunks
    assert b"".join(renderer.chunks(streamed, trend)) == whole


def test_leaving_passes_out_streams_alike(results: tuple[RunResult, RunResult]) -> None:
    held, streamed = results
    compact = html.render_html(held, pass_detail=False)
    assert compact == html.render_html(streamed, pass_detail=False)
    assert "not itemized here" in compact and compact != html.render_html(held)


# -- memory does not grow with the findings ----------------------------------------------------
class _Alive:
    """The findings a stream yielded that are still alive somewhere, and the most at once."""

    def __init__(self) -> None:
        self.refs: dict[int, weakref.ref[Finding]] = {}  # a Finding is not hashable
        self.yielded = 0
        self.most = 0

    def track(self, finding: Finding) -> Finding:
        key = self.yielded
        self.refs[key] = weakref.ref(finding, lambda _: self.refs.pop(key, None))
        self.yielded += 1
        if self.yielded % 250 == 0:
            gc.collect()
            self.most = max(self.most, len(self.refs))
        return finding


class TrackedStream:
    """A :class:`FindingStream` that yields fresh copies of its findings on each pass (read from
    their JSON, as a findings file is) and tracks how many of them are alive."""

    def __init__(
        self,
        lines: list[bytes],
        alive: _Alive,
        changes: tuple[Callable[[Finding], Finding], ...] = (),
    ) -> None:
        self._lines, self.alive, self._changes = lines, alive, changes

    def __len__(self) -> int:
        return len(self._lines)

    def __iter__(self) -> Iterator[Finding]:
        for line in self._lines:
            finding = Finding.model_validate_json(line)
            for change in self._changes:
                finding = change(finding)
            yield self.alive.track(finding)

    def mapped(self, change: Callable[[Finding], Finding]) -> FindingStream:
        return TrackedStream(self._lines, self.alive, (*self._changes, change))


def _statuses(n: int) -> str:
    return ("PASS", "PASS", "PASS", "FAIL", "ERROR", "MANUAL", "WAIVED", "NOT_APPLICABLE")[n % 8]


def _many_lines(count: int) -> list[bytes]:
    """``count`` findings, mostly PASS, in several places, in sort-key order, as JSON."""
    findings = [
        bucket_finding(ACCOUNTS[n % 2], REGIONS[n // 2 % 2], n % 97, _statuses(n)).model_copy(
            update={"policy_id": f"AWS-S3-{n % 5:03d}", "evidence": {"n": n, "pad": "x" * 400}}
        )
        for n in range(count)
    ]
    findings.sort(key=Finding.sort_key)
    return [f.model_dump_json().encode() for f in findings]


def test_chunks_hold_a_few_findings_and_no_whole_output() -> None:
    header = build_merged_result().header_only()
    html.render(header)  # templates compiled and cached before anything is measured
    alive = _Alive()
    result = header.with_stream(TrackedStream(_many_lines(4000), alive))

    digest = hashlib.sha256()
    total = biggest = 0
    tracemalloc.start()
    try:
        for chunk in html.chunks(result):  # one at a time, none kept
            digest.update(chunk)
            total += len(chunk)
            biggest = max(biggest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert alive.yielded == 4000  # one pass
    assert alive.most <= 3, f"{alive.most} findings alive at once"
    # the rows of 2,500 listed findings are several MB; they went through the spool, not memory
    assert total > 2 * 1024 * 1024
    assert biggest < total / 50
    assert peak < total / 4, f"peak {peak:,} bytes traced for {total:,} bytes written"
    assert digest.hexdigest() == hashlib.sha256(html.render(result)).hexdigest()


def test_a_consumer_that_stops_early_leaves_no_spool_open(tmp_path: Path) -> None:
    header = build_merged_result().header_only()
    result = header.with_stream(TrackedStream(_many_lines(200), _Alive()))
    pieces = html.chunks(result)
    first = next(iter(pieces))
    assert first.startswith(b"<!DOCTYPE html>")
    pieces.close()  # the spool's temporary file is closed with the generator
    gc.collect()


@needs_pango()
def test_the_pdf_of_a_streamed_result_is_the_held_one(
    results: tuple[RunResult, RunResult],
) -> None:
    """The PDF stays one whole document (WeasyPrint lays it out at once): a streamed result's
    findings are read once and held for it, and it is the held result's PDF byte for byte."""
    from auditor.evidence.render import pdf

    held, streamed = results
    assert pdf.render_with_trend(streamed, TREND) == pdf.render_with_trend(held, TREND)
