"""Run many ``baa-audit`` invocations in one process, under the resource limits its parent set.

    python -m tests.hostile.driver JOBS.json

Each job is ``{"id", "args", "cwd"}``. For each, the driver runs the real command line (the
click group, as ``baa-audit`` does), captures stdout and stderr, and prints one JSON line:
``{"id", "code", "stdout", "stderr", "uncaught"}``, where ``uncaught`` is the traceback of an
exception that escaped the command line (it must never be set). Starting Python and importing
the tool once per group of jobs keeps the suite fast; the shipped policy set is loaded once.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any


def _cache_shipped_policies() -> None:
    """Load the shipped policy set once (it is never hostile here; a job's own --policies
    directory is still loaded every time)."""
    from auditor.judge.policy import loader

    original = loader.load_policies
    cache: dict[tuple[Any, ...], Any] = {}

    def cached(
        catalog: Any,
        types: Any,
        predicates: Any,
        extra_dirs: Any = (),
        include_shipped: bool = True,
    ) -> Any:
        dirs = tuple(extra_dirs)
        if dirs or not include_shipped:
            return original(catalog, types, predicates, dirs, include_shipped)
        if "shipped" not in cache:
            cache["shipped"] = original(catalog, types, predicates, (), True)
        return cache["shipped"]

    loader.load_policies = cached  # type: ignore[assignment]


def run(job: dict[str, Any]) -> dict[str, Any]:
    from click.testing import CliRunner

    from auditor.cli import cli

    old = Path.cwd()
    os.chdir(job["cwd"])
    try:
        result = CliRunner().invoke(cli, job["args"], prog_name="baa-audit", catch_exceptions=True)
    finally:
        os.chdir(old)
    uncaught = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        uncaught = "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
    return {
        "id": job["id"],
        "code": result.exit_code,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "uncaught": uncaught,
    }


def main() -> None:
    jobs = json.loads(Path(sys.argv[1]).read_text())
    _cache_shipped_policies()
    out = sys.stdout
    for job in jobs:
        print(json.dumps({"started": job["id"]}), file=out, flush=True)
        start = time.process_time()
        record = run(job)
        record["cpu_seconds"] = round(time.process_time() - start, 3)
        print(json.dumps(record), file=out, flush=True)


if __name__ == "__main__":
    main()
