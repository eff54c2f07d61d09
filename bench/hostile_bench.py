"""What the strict input layer and the render bounds cost, and what they save.

    python bench/hostile_bench.py snapshot [N]   load throughput of an N-resource snapshot (resources/s)
    python bench/hostile_bench.py pdf            PDF of a result holding 200,000-character strings (s)
    python bench/hostile_bench.py zipbomb [MB]   verify of a zip that inflates to MB megabytes (peak RSS)

Each runs in its own process so peak RSS is the figure of that one measurement. The snapshot is
built from the shipped policies' case resources (as bench/engine_bench.py does).
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
import zipfile
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def snapshot(total: int) -> None:
    from auditor.core.inventory import Inventory, SnapshotHeader, dump_snapshot, load_snapshot
    from auditor.core.model.registry import resource_types
    from auditor.core.scope import Scope
    from bench.engine_bench import REGIONS, templates

    del resource_types
    base = templates()
    resources = []
    for index, (cls, data) in zip(range(total), cycle(base), strict=False):
        values = dict(data)
        values["id"] = f"{values.get('id', 'res')}-{index}"
        values["account"] = (
            f"{100000000000 + index % 20}" if cls.provider == "aws" else f"project-{index % 20}"
        )
        values["region"] = REGIONS[index % len(REGIONS)]
        resources.append(cls.model_validate(values))
    inventory = Inventory(
        header=SnapshotHeader(scope=Scope(providers=["aws", "gcp"])), resources=resources
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snapshot.jsonl"
        dump_snapshot(inventory, path)
        size = path.stat().st_size
        del inventory, resources
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            loaded = load_snapshot(path)
            best = min(best, time.perf_counter() - start)
            count = len(loaded.resources)
            del loaded
    print(
        f"snapshot: {count} resources, {size / 1e6:.1f} MB: load {best:.2f} s, "
        f"{count / best:,.0f} resources/s (best of 3)"
    )


def pdf() -> None:
    from auditor.core.result import summarize
    from auditor.evidence.render import RENDERERS
    from tests.render.report_sample import build_result

    base = build_result()
    long = "x" * 200_000
    findings = []
    for i, finding in enumerate(base.findings):
        findings.append(
            finding.model_copy(
                update={
                    "message": f"{finding.message} {long}",
                    "evidence": {**finding.evidence, "long.value": long + str(i)},
                }
            )
        )
    result = base.model_copy(update={"findings": findings, "summary": summarize(findings)})
    start = time.process_time()
    data = RENDERERS["pdf"].render(result)
    cpu = time.process_time() - start
    print(
        f"pdf: {len(findings)} findings holding 200,000-character strings: {cpu:.1f} s CPU, "
        f"{len(data) / 1e6:.2f} MB, peak RSS {_peak_mib():.0f} MiB"
    )


def zipbomb(megabytes: int) -> None:
    from auditor.evidence.bundle import build_manifest, verify_bundle

    size = megabytes * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("manifest.json", build_manifest({}, tool_version="0"))
        with archive.open("result.json", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.zip"
        path.write_bytes(buffer.getvalue())
        before = _peak_mib()
        start = time.perf_counter()
        try:
            report = verify_bundle(path)
            outcome = "; ".join(str(p) for p in report.problems)[:160] or "verified"
        except Exception as exc:  # the new code refuses it as an input error
            outcome = f"refused: {exc}"[:160]
        elapsed = time.perf_counter() - start
    print(
        f"zipbomb: {path.stat().st_size if path.exists() else len(buffer.getvalue())} bytes "
        f"inflating to {size / 1e6:,.0f} MB: {elapsed:.2f} s, peak RSS {_peak_mib():.0f} MiB "
        f"(before verify {before:.0f} MiB): {outcome}"
    )


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "snapshot"
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    if what == "snapshot":
        snapshot(arg or int(os.environ.get("BAA_AUDIT_BENCH_RESOURCES", "50000")))
    elif what == "pdf":
        pdf()
    elif what == "zipbomb":
        zipbomb(arg or 1024)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
