"""What recording every run costs. Run: python bench/history_bench.py

Builds a result of N findings (default 10,000; BAA_AUDIT_BENCH_FINDINGS to change) and records it
RUNS times (default 30; BAA_AUDIT_BENCH_RUNS) in a fresh SQLite history file, as a month of daily
runs would. Prints findings recorded per second, the time to read a run back (with its digest
checks), to compute the report trend over the database, and to diff the last two runs; the
database size per run; and the peak Python heap while recording.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.cli.pipeline import trend_for
from auditor.evidence.diff import diff
from auditor.evidence.history import History
from bench.render_bench import big_result


def main() -> None:
    n = int(os.environ.get("BAA_AUDIT_BENCH_FINDINGS", "10000"))
    runs = max(2, int(os.environ.get("BAA_AUDIT_BENCH_RUNS", "30")))
    base = big_result(n)
    print(f"history: {runs} runs of {n} findings each ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "history.sqlite"
        record_seconds = 0.0
        with History(db) as store:
            for day in range(runs):
                result = base.model_copy(
                    update={"started_at": base.started_at + timedelta(days=day)}
                )
                last = day == runs - 1
                if last:  # the heap is traced on one run only: tracing slows everything down
                    tracemalloc.start()
                start = time.perf_counter()
                store.record(result)
                if last:
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                else:
                    record_seconds += time.perf_counter() - start
            start = time.perf_counter()
            latest = store.load(runs)
            load_seconds = time.perf_counter() - start
            previous = store.load(runs - 1)
        start = time.perf_counter()
        trend = trend_for(latest, db)
        trend_seconds = time.perf_counter() - start
        start = time.perf_counter()
        drift = diff(previous, latest)
        diff_seconds = time.perf_counter() - start
        size = db.stat().st_size
    print(
        f"  record: {(runs - 1) * n / record_seconds:,.0f} findings/s "
        f"({record_seconds / (runs - 1):.2f} s per run)"
    )
    print(f"  read one run back (digests checked): {load_seconds:.2f} s")
    print(f"  trend over {runs} runs: {trend_seconds * 1000:.1f} ms ({len(trend)} points)")
    print(f"  diff of the last two runs: {diff_seconds:.2f} s ({len(drift.new_failures)} new)")
    print(
        f"  database: {size / runs / 1024 / 1024:.1f} MiB per run ({size / n / runs:.0f} B per finding)"
    )
    print(f"  peak Python heap recording one run: {peak / 1024 / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
