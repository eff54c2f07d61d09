"""Throughput of the PHI detectors over synthetic log text (default: 1 GiB, streamed in chunks).

    python bench/phi_bench.py [--gib 1.0] [--chunk-mib 8] [--batch 1000] [--phi-fraction 0.02]

Lines come from the seeded corpus generator (half JSON, half plain text; a small share carries a
planted identifier). They are generated chunk by chunk and dropped after scanning, so memory
stays flat; only scanning is timed, generation is not. Prints progress and the figures: MB/s and
lines/s, overall and per kind of line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

from auditor.collect.phi.corpus import generate
from auditor.collect.phi.detectors import Scanner

MIB = 1024 * 1024
POOL_LINES = 50_000


def chunks(seed: int, chunk_bytes: int, phi_fraction: float, structured_fraction: float):  # type: ignore[no-untyped-def]
    """Endless chunks of about ``chunk_bytes`` of log lines.

    A pool of distinct lines comes from the seeded corpus generator (slow); each chunk draws lines
    from it at random and gives each a unique sequence number (fast), so a gigabyte of text can
    be produced while the scanner is timed on it.
    """
    rng = random.Random(seed)
    pool = [line.text for line in generate(seed, POOL_LINES, phi_fraction, structured_fraction)]
    mean = sum(len(x) for x in pool) / len(pool) + 12
    seq = 0
    while True:
        lines: list[str] = []
        for text in rng.choices(pool, k=int(chunk_bytes / mean)):
            seq += 1
            lines.append(f'{{"seq": {seq}, {text[1:]}' if text[0] == "{" else f"seq={seq} {text}")
        yield lines, sum(len(x) + 1 for x in lines)


def run(
    total_bytes: int,
    chunk_bytes: int,
    batch: int,
    phi_fraction: float,
    structured_fraction: float,
    label: str,
    seed: int,
) -> dict[str, float]:
    scanner = Scanner()
    done_bytes = 0
    done_lines = 0
    scan_seconds = 0.0
    found: Counter[str] = Counter()
    started = time.perf_counter()
    next_report = 0.0
    for lines, chunk_size in chunks(seed, chunk_bytes, phi_fraction, structured_fraction):
        size = chunk_size
        while lines and done_bytes + size - len(lines[-1]) - 1 >= total_bytes:
            size -= len(lines.pop()) + 1  # the last chunk stops at the requested size
        t0 = time.perf_counter()
        for i in range(0, len(lines), batch):
            for detections in scanner.scan_batch(lines[i : i + batch]):
                for d in detections:
                    if d.confidence >= scanner.threshold:
                        found[d.detector] += 1
        scan_seconds += time.perf_counter() - t0
        done_bytes += size
        done_lines += len(lines)
        if done_bytes / total_bytes >= next_report or done_bytes >= total_bytes:
            pct = min(100.0, 100 * done_bytes / total_bytes)
            mib = done_bytes / MIB
            print(
                f"  [{label}] {pct:5.1f}%  {mib:8.1f} MiB  {mib / scan_seconds:6.2f} MiB/s  "
                f"{done_lines / scan_seconds:9.0f} lines/s  "
                f"(wall {time.perf_counter() - started:6.1f}s)",
                flush=True,
            )
            next_report += 0.05
        if done_bytes >= total_bytes:
            break
    return {
        "bytes": done_bytes,
        "lines": done_lines,
        "scan_seconds": round(scan_seconds, 2),
        "mb_per_s": round(done_bytes / 1e6 / scan_seconds, 2),
        "mib_per_s": round(done_bytes / MIB / scan_seconds, 2),
        "lines_per_s": round(done_lines / scan_seconds),
        "detections": sum(found.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gib",
        type=float,
        default=float(os.environ.get("BAA_AUDIT_BENCH_PHI_GIB", "1.0")),
        help="GiB of log text to scan in the mixed run (env BAA_AUDIT_BENCH_PHI_GIB)",
    )
    parser.add_argument("--chunk-mib", type=float, default=8.0)
    parser.add_argument("--batch", type=int, default=1000, help="events per scan_batch call")
    parser.add_argument("--phi-fraction", type=float, default=0.02)
    parser.add_argument(
        "--per-kind-mib", type=float, default=128.0, help="MiB for the JSON-only and text-only runs"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    print(
        f"PHI detector benchmark: Python {platform.python_version()} on {platform.machine()}, "
        f"batch {args.batch}, PHI in {args.phi_fraction:.0%} of lines",
        flush=True,
    )
    chunk = int(args.chunk_mib * MIB)
    figures = {
        "mixed": run(
            int(args.gib * 1024 * MIB),
            chunk,
            args.batch,
            args.phi_fraction,
            0.5,
            "mixed",
            args.seed,
        ),
        "json_only": run(
            int(args.per_kind_mib * MIB),
            chunk,
            args.batch,
            args.phi_fraction,
            1.0,
            "json",
            args.seed,
        ),
        "text_only": run(
            int(args.per_kind_mib * MIB),
            chunk,
            args.batch,
            args.phi_fraction,
            0.0,
            "text",
            args.seed,
        ),
    }
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nresults (scan time only; generation excluded)")
    heads = ("MiB", "lines", "seconds", "MB/s", "lines/s", "detections")
    widths = (9, 11, 8, 7, 9, 10)
    print(f"  {'run':10s} " + " ".join(f"{h:>{w}s}" for h, w in zip(heads, widths, strict=True)))
    for name, f in figures.items():
        print(
            f"  {name:10s} {f['bytes'] / MIB:9.1f} {f['lines']:11d} {f['scan_seconds']:8.1f} "
            f"{f['mb_per_s']:7.2f} {f['lines_per_s']:9d} {f['detections']:10d}"
        )
    print(f"  peak RSS {peak_mib:.0f} MiB")
    if args.json:
        with Path(args.json).open("w") as fh:
            json.dump(
                {"figures": figures, "peak_rss_mib": round(peak_mib), "args": vars(args)},
                fh,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
