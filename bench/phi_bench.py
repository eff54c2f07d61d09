"""Accuracy and throughput of the PHI detectors on a labelled corpus the project generates.

    python bench/phi_bench.py [--lines 5000] [--clean 10000] [--seed 18] [--json FILE]

The corpus (bench/phi_corpus.py) is generated with Faker in about forty locales: half of the
labelled lines carry names, phones, addresses, dates of birth, cards, SSNs, emails and MRNs, in
plain text, JSON, key=value and escaped payloads; the clean corpus holds realistic log lines with
no PHI; the mixed corpus is a log as applications write it (2% of its lines carry PHI, as in the
earlier bench). Prints recall and precision per kind, false positives per 10,000 clean lines,
and MB/s on each corpus (scan time only, the way ``baa-audit phi scan`` reads lines; the name
list and the telephone numbering plans are loaded once before, and that time is printed too).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.phi_corpus import KINDS, generate, generate_clean, measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000, help="labelled lines (half with PHI)")
    parser.add_argument("--clean", type=int, default=10000, help="clean lines for false positives")
    parser.add_argument(
        "--mixed", type=int, default=20000, help="lines of the mixed corpus (2%% with PHI)"
    )
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    print(f"PHI detector bench: Python {platform.python_version()}, seed {args.seed}", flush=True)
    lines = list(generate(args.seed, args.lines))
    clean = list(generate_clean(args.seed + 1, args.clean))
    entities = sum(len(line.entities) for line in lines)
    print(f"  {len(lines)} labelled lines ({entities} entities), {len(clean)} clean lines")
    mixed = list(generate(args.seed + 2, args.mixed, phi_fraction=0.02))
    m = measure(lines, clean, mixed=mixed)
    print(f"\n  {'kind':8s} {'planted':>8s} {'recall':>7s} {'reported':>9s} {'precision':>9s}")
    for kind in KINDS:
        k = m["per_kind"][kind]
        print(
            f"  {kind:8s} {k['planted']:8d} {k['recall']:7.3f} {k['reported']:9d} "
            f"{k['precision']:9.3f}"
        )
    print(f"\n  overall recall {m['recall']:.3f}, precision {m['precision']:.3f}")
    print(
        f"  false positives: {m['false_positives_clean']} in {len(clean)} clean lines "
        f"({m['false_positives_per_10k']:.1f} per 10,000)"
    )
    print(
        f"  throughput: {m['mb_per_s_mixed']:.2f} MB/s mixed (2% of lines with PHI), "
        f"{m['mb_per_s_labelled']:.2f} MB/s labelled (half), "
        f"{m['mb_per_s_clean']:.2f} MB/s clean; loading the name list and numbering plans "
        f"once: {m['load_seconds']:.2f} s"
    )
    c = m["cpu_mb_per_s"]
    print(
        f"  on the processor's clock: {c['mixed']:.2f} MB/s mixed, {c['labelled']:.2f} labelled, "
        f"{c['clean']:.2f} clean (steadier on a loaded machine)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(m, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
