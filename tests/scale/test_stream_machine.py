"""The machine formats (CSV, SARIF, JUnit, OCSF, Markdown) written in pieces: the same bytes held
and streamed from a findings file, and memory that does not grow with the findings (a stream
that counts how many of the findings it gave out are still alive while the chunks are made)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest

from auditor.core.findings_io import FINDINGS_FILE, load_result, split_result
from auditor.core.model.base import ResourceRef
from auditor.core.result import (
    STATUSES,
    Finding,
    LeftOutPolicy,
    RunResult,
    SelectionRecord,
    WaiverRef,
    summarize,
)
from auditor.evidence.render import RENDERERS
from auditor.evidence.render import sarif as sarif_renderer
from tests.render.report_sample import build_result

#: the formats this file covers, each with its chunks
FORMATS = [name for name in ("csv", "sarif", "junit", "ocsf", "markdown") if RENDERERS[name].chunks]

WILDCARD = WaiverRef(
    id="W-ALL",
    reason="Sandbox accounts are out of scope until the migration",
    approver="ciso@example.com",
    expires=date(2026, 12, 31),
    policy="*",
    resource="arn:aws:elasticloadbalancing:us-east-1:333333333333:*",
)


def _pass(template: Finding, account: str, region: str, index: int) -> Finding:
    ref = template.resource
    return template.model_copy(
        update={
            "status": "PASS",
            "resource": ResourceRef(
                provider=ref.provider,
                account=account,
                region=region,
                type=ref.type,
                id=f"{ref.id}-{account}-{region}-{index:04d}",
                name=f"res-{index}",
            ),
            "message": f"Resource {index} holds\x1b[31m its promise.",  # neutralised on the way
            "waiver": None,
            "gap": None,
        }
    )


def _counted(result: RunResult, findings: list[Finding]) -> RunResult:
    """``result`` with ``findings`` (sorted) and every count made from them, as the engine would."""
    findings = sorted(findings, key=Finding.sort_key)

    def counts(of: Iterable[Finding]) -> dict[str, int]:
        return {k: v for k, v in summarize(of).items() if v}

    promises = [
        p.model_copy(
            update={"counts": counts(f for f in findings if f.safeguard in set(p.safeguards))}
        )
        for p in result.promises
    ]
    safeguards = [
        s.model_copy(update={"counts": counts(f for f in findings if f.safeguard == s.key)})
        for s in result.safeguards
    ]
    return result.model_copy(
        update={
            "findings": findings,
            "summary": dict(summarize(findings)),
            "promises": promises,
            "safeguards": safeguards,
        }
    )


def rich_result(passes: int = 40) -> RunResult:
    """The report sample with a wildcard waiver (on a WAIVED and on an expired, FAIL finding),
    PASS findings in several places (over the summary threshold), and a selection."""
    base = build_result()
    findings = list(base.findings)
    template = next(f for f in findings if f.policy_id == "AWS-ELB-001" and f.status == "PASS")
    gcp = next(f for f in findings if f.policy_id == "GCP-SQL-001" and f.status == "PASS")
    for i in range(passes):
        findings.append(
            _pass(template, f"44444444444{i % 3}", ("us-east-1", "eu-west-1")[i % 2], i)
        )
        findings.append(_pass(gcp, f"project-{i % 2}", "us-central1", i))
    wide = template.model_copy(
        update={
            "status": "WAIVED",
            "resource": template.resource.model_copy(
                update={"id": "arn:aws:elasticloadbalancing:us-east-1:333333333333:listener/z"}
            ),
            "waiver": WILDCARD,
            "message": "Waived by the wildcard W-ALL.",
        }
    )
    expired = wide.model_copy(
        update={
            "status": "FAIL",
            "resource": wide.resource.model_copy(update={"id": wide.resource.id + "-2"}),
            "waiver": WILDCARD.model_copy(update={"expired": True}),
            "message": "The wildcard W-ALL expired.",
        }
    )
    findings += [wide, expired]
    result = base.model_copy(
        update={
            "selection": SelectionRecord(
                checks=["AWS-*", "GCP-*", "MANUAL-*"],
                left_out=[LeftOutPolicy(policy_id="AWS-ELB-003", reason="not in --checks")],
            ),
            "promises": [
                p.model_copy(update={"left_out": ["AWS-ELB-003"]})
                if p.id == "encryption-in-transit"
                else p
                for p in base.promises
            ],
        }
    )
    return _counted(result, findings)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult]:
    """(held, streamed from its findings file) of :func:`rich_result`."""
    held = rich_result()
    directory = tmp_path_factory.mktemp("stream-machine")
    header, lines = split_result(held)
    (directory / "result.json").write_bytes(header)
    (directory / FINDINGS_FILE).write_bytes(lines)
    streamed = load_result(directory / "result.json", stream=True)
    assert streamed.streamed and streamed.finding_count() == len(held.findings)
    return load_result(directory / "result.json"), streamed


def test_the_result_exercises_every_branch(results: tuple[RunResult, RunResult]) -> None:
    held, _ = results
    statuses = {f.status for f in held.findings}
    assert statuses == set(STATUSES)
    assert any(f.waiver is not None and f.waiver.policy == "*" for f in held.findings)
    assert held.selection is not None and any(p.left_out for p in held.promises)
    assert held.count("PASS") > 50
    assert len({(f.resource.account, f.resource.region) for f in held.findings}) > 6


@pytest.mark.parametrize("name", FORMATS)
def test_streamed_held_and_render_are_the_same_bytes(
    name: str, results: tuple[RunResult, RunResult]
) -> None:
    held, streamed = results
    renderer = RENDERERS[name]
    assert renderer.chunks is not None
    whole = renderer.render(held)
    assert b"".join(renderer.chunks(held, ())) == whole
    assert b"".join(renderer.chunks(streamed, ())) == whole
    assert renderer.render(streamed) == whole
    assert b"W-ALL" in whole and len(whole) > 2000


def test_sarif_attention_streamed_is_held(results: tuple[RunResult, RunResult]) -> None:
    held, streamed = results
    whole = sarif_renderer.render_attention(held)
    assert b"".join(sarif_renderer.attention_chunks(streamed)) == whole
    assert b'"kind": "pass"' not in whole and b'"kind": "fail"' in whole


def test_an_empty_result_is_the_same_bytes(results: tuple[RunResult, RunResult]) -> None:
    held, _ = results
    empty = _counted(held.model_copy(update={"waivers_expiring": []}), [])
    for name in FORMATS:
        renderer = RENDERERS[name]
        assert renderer.chunks is not None
        assert b"".join(renderer.chunks(empty, ())) == renderer.render(empty), name


def test_a_held_result_out_of_order_is_rendered_sorted(
    results: tuple[RunResult, RunResult],
) -> None:
    """CSV, SARIF, JUnit and OCSF always sorted a held result's findings (Markdown keeps the
    result's order): a held result in another order is sorted, never read out of order."""
    held, _ = results
    shuffled = held.model_copy(update={"findings": list(reversed(held.findings))})
    for name in ("csv", "sarif", "junit", "ocsf"):
        renderer = RENDERERS[name]
        assert renderer.chunks is not None
        assert b"".join(renderer.chunks(shuffled, ())) == renderer.render(held), name


# -- memory: at most a few findings alive at once ------------------------------------------------
class CountingStream:
    """A :class:`~auditor.core.result.FindingStream` of ``count`` findings made afresh on each
    pass (copies of a few templates), in order, that notes the most of them alive at once
    (``gc.collect`` every ``every`` findings) and how many passes were made."""

    def __init__(
        self,
        templates: list[Finding],
        count: int,
        every: int = 250,
        changes: tuple[Callable[[Finding], Finding], ...] = (),
        shared: dict[str, int] | None = None,
    ) -> None:
        self.templates, self.count, self.every, self._changes = templates, count, every, changes
        self.state = shared if shared is not None else {"passes": 0, "max_alive": 0}
        self._alive: dict[int, weakref.ref[Finding]] = {}

    def _track(self, finding: Finding) -> None:
        key = id(finding)
        self._alive[key] = weakref.ref(finding, lambda _, k=key: self._alive.pop(k, None))

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Finding]:
        self.state["passes"] += 1
        for i in range(self.count):
            template = self.templates[i % len(self.templates)]
            ref = template.resource
            finding = template.model_copy(
                update={"resource": ref.model_copy(update={"id": f"{ref.id}-{i:07d}"})},
                deep=True,
            )
            self._track(finding)
            for change in self._changes:
                finding = change(finding)
                self._track(finding)
            if i % self.every == 0:
                gc.collect()
                self.state["max_alive"] = max(self.state["max_alive"], len(self._alive))
            yield finding
        gc.collect()
        self.state["max_alive"] = max(self.state["max_alive"], len(self._alive))

    def mapped(self, change: Callable[[Finding], Finding]) -> CountingStream:
        return CountingStream(
            self.templates, self.count, self.every, (*self._changes, change), self.state
        )


@pytest.mark.parametrize("name", FORMATS)
def test_memory_does_not_grow_with_the_findings(
    name: str, results: tuple[RunResult, RunResult]
) -> None:
    held, _ = results
    # every finding but the PASS ones (each status, the waivers, the attestation) as templates
    first = held.findings[0].policy_id
    variants = [
        f.model_copy(update={"policy_id": first}) for f in held.findings if f.status != "PASS"
    ]
    stream = CountingStream(variants, count=3000)
    streamed = held.header_only().with_stream(stream)
    renderer = RENDERERS[name]
    assert renderer.chunks is not None
    pieces = renderer.chunks(streamed, ())
    assert isinstance(pieces, Iterator)  # a generator: the chunks come one at a time
    total = 0
    for piece in pieces:
        total += len(piece)
    assert total > 3000
    assert stream.state["passes"] == 1
    # the finding being rendered, its neutralised copy, and the one before them at most
    assert stream.state["max_alive"] <= 4, stream.state


def test_a_spooled_result_larger_than_memory_is_the_same(
    tmp_path: Path, results: tuple[RunResult, RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces set aside go to a temporary file past the spool's memory limit and back in order."""
    from auditor.evidence.render import streaming

    held, streamed = results
    expected = {name: RENDERERS[name].render(held) for name in FORMATS}
    monkeypatch.setattr(streaming, "SPOOL_IN_MEMORY", 64)
    monkeypatch.setattr(streaming, "CHUNK", 100)
    for name in FORMATS:
        renderer = RENDERERS[name]
        assert renderer.chunks is not None
        assert b"".join(renderer.chunks(streamed, ())) == expected[name], name
