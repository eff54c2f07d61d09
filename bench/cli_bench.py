"""The command line at scale: ``evaluate`` and ``report`` on snapshot files of growing size.

    python bench/cli_bench.py                      # 100,000 and 300,000 resources
    BAA_AUDIT_BENCH_SIZES=100000,300000,1000000 python bench/cli_bench.py
    BAA_AUDIT_BENCH_JOBS=1 ...                     # evaluate --jobs 1 (default: every core)

The snapshot is the demo's (``baa-audit demo`` is run once, into a temporary directory; or
``BAA_AUDIT_BENCH_DEMO_SNAPSHOT=path`` to reuse one) replicated: copy k renames the AWS account,
the organization, folders, projects and the directory customer, so the copies are separate
organizations of the same shape (joins and the hierarchy stay within one copy). Prints, per size,
the time to parse the snapshot file (json.loads of every line, the floor), then wall time and peak
memory (peak RSS of the child process) of ``baa-audit evaluate`` and of
``baa-audit report --format html,json,csv,sarif``, each also per 100,000 resources.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZES = "100000,300000"
ROOT = Path(__file__).resolve().parents[1]
_PROJECT_NUMBER = re.compile(rb"(projects|folders)/(\d+)")


def sizes() -> list[int]:
    text = os.environ.get("BAA_AUDIT_BENCH_SIZES", DEFAULT_SIZES)
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def baa_audit() -> list[str]:
    return [sys.executable, "-m", "auditor.cli"]


def demo_snapshot(work: Path) -> Path:
    given = os.environ.get("BAA_AUDIT_BENCH_DEMO_SNAPSHOT")
    if given:
        return Path(given)
    out = work / "demo"
    subprocess.run(
        [*baa_audit(), "demo", "--out", str(out), "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
    )
    return out / "snapshot.jsonl"


def replicate(source: Path, total: int, target: Path) -> int:
    """Write a snapshot of at least ``total`` resources made of copies of ``source``."""
    lines = source.read_bytes().splitlines(keepends=True)
    header, body, footer = lines[0], lines[1:-1], json.loads(lines[-1])
    per_copy = sum(1 for line in body if b'"kind":"resource"' in line)
    projects = sorted(footer["scope"]["gcp_projects"], key=len, reverse=True)
    accounts = footer["scope"]["aws_accounts"]
    copies = -(-total // per_copy)
    digest = hashlib.sha256(header)
    counts: dict[str, int] = {}
    for key, value in footer["counts"].items():
        counts[key] = value * copies
    all_accounts: list[str] = []
    all_projects: list[str] = []
    with target.open("wb") as handle:
        handle.write(header)
        for k in range(copies):
            renames = [(a.encode(), str(int(a) + k).encode()) for a in accounts]
            renames += [(p.encode(), f"{p}-c{k}".encode()) for p in projects]
            renames.append((b"C0abc123", f"C0abc123x{k}".encode()))
            all_accounts += [new.decode() for _, new in renames[: len(accounts)]]
            all_projects += [f"{p}-c{k}" for p in projects]
            chunk = b"".join(body)
            if k:
                for old, new in renames:
                    chunk = chunk.replace(old, new)
                chunk = _PROJECT_NUMBER.sub(rb"\1/\g<2>" + f"{k:06d}".encode(), chunk)
            digest.update(chunk)
            handle.write(chunk)
        footer["counts"] = counts
        footer["scope"]["aws_accounts"] = sorted(all_accounts)
        footer["scope"]["gcp_projects"] = sorted(all_projects)
        footer["content_sha256"] = digest.hexdigest()
        handle.write((json.dumps(footer, sort_keys=True, separators=(",", ":")) + "\n").encode())
    return per_copy * copies


def timed(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(args[3:5])} exited {code}: {stderr.strip()[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def parse_floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)
    return time.perf_counter() - start


def main() -> None:
    jobs = os.environ.get("BAA_AUDIT_BENCH_JOBS")
    print(f"cli: {os.cpu_count()} cores" + (f", evaluate --jobs {jobs}" if jobs else ""))
    print("  wall and CPU (user+system) seconds; per 100k: CPU seconds per 100,000 resources")
    print(
        f"  {'resources':>10} {'MB':>6} {'json.loads':>10} {'evaluate':>9} {'cpu':>8} "
        f"{'per 100k':>9} {'peak':>9} {'report':>9} {'cpu':>8} {'per 100k':>9} {'peak':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="baa-cli-bench-") as tmp:
        work = Path(tmp)
        source = demo_snapshot(work)
        for total in sizes():
            snap = work / f"snapshot-{total}.jsonl"
            count = replicate(source, total, snap)
            parse = parse_floor(snap)
            out = work / f"out-{total}"
            evaluate = [*baa_audit(), "evaluate", str(snap), "--out", str(out), "--quiet"]
            evaluate += ["--no-history", "--format", "json"]
            if jobs:
                evaluate += ["--jobs", jobs]
            eval_s, eval_cpu, eval_mib = timed(evaluate)
            reports = work / f"reports-{total}"
            report = [*baa_audit(), "report", str(out / "result.json"), "--out", str(reports)]
            report += ["--no-history", "--format", "html,json,csv,sarif"]
            rep_s, rep_cpu, rep_mib = timed(report)
            per = 100_000 / count
            print(
                f"  {count:>10,} {snap.stat().st_size / 1e6:>6,.0f} {parse:>9.1f}s "
                f"{eval_s:>8.1f}s {eval_cpu:>7.1f}s {eval_cpu * per:>8.1f}s {eval_mib:>5,.0f} MiB "
                f"{rep_s:>8.1f}s {rep_cpu:>7.1f}s {rep_cpu * per:>8.1f}s {rep_mib:>5,.0f} MiB",
                flush=True,
            )
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(reports, ignore_errors=True)
            snap.unlink()


if __name__ == "__main__":
    main()
