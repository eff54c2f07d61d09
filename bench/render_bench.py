"""How long each report format takes for a large result. Run: python bench/render_bench.py

Builds a result of N findings (default 10,000; BAA_AUDIT_BENCH_FINDINGS to change) by repeating the
report tests' sample findings over many resources, then times every renderer once. PDF is timed on
a tenth of the findings: WeasyPrint lays out every page.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.core.result import RunResult, summarize
from auditor.evidence.render import RENDERERS
from tests.render.report_sample import build_result


def big_result(n: int) -> RunResult:
    base = build_result()
    findings = []
    for i in range(n):
        template = base.findings[i % len(base.findings)]
        resource = template.resource.model_copy(
            update={"id": f"{template.resource.id}-{i}", "name": f"resource-{i}"}
        )
        findings.append(template.model_copy(update={"resource": resource}))
    return base.model_copy(update={"findings": findings, "summary": summarize(findings)})


def main() -> None:
    n = int(os.environ.get("BAA_AUDIT_BENCH_FINDINGS", "10000"))
    result = big_result(n)
    small = big_result(max(n // 10, 1))
    print(f"render: {n} findings ({os.cpu_count()} cores)")
    for name, renderer in RENDERERS.items():
        subject = small if name == "pdf" else result
        start = time.perf_counter()
        try:
            data = renderer.render(subject)
        except Exception as exc:  # a missing optional dependency: say so, go on
            print(f"  {name:<9} skipped: {exc}")
            continue
        elapsed = time.perf_counter() - start
        count = len(subject.findings)
        print(
            f"  {name:<9} {elapsed:7.2f} s  {count / elapsed:>10,.0f} findings/s  "
            f"{len(data) / 1e6:7.1f} MB  ({count} findings)"
        )


if __name__ == "__main__":
    main()
