"""Every command that reads a file, against every hostile file of its kind.

For each (command, case): exit 2, a message naming the file, no traceback, nothing written
anywhere in the job's directory (not under --out, not beside it), no planted secret in any
output, and the whole group finished under a CPU-seconds and address-space limit set on the
subprocess with ``resource.setrlimit`` (so a hang or a memory blow-up fails the group: no timing
assertion). Jobs are grouped per subprocess to keep the suite fast.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile import corpus
from tests.hostile.inputs import (
    PLANTED,
    PLANTED_PASSWORD,
    WAIVERS,
    evaluate_result,
    history_db,
    tamper_history,
    write_snapshot,
)

REPO = Path(__file__).resolve().parents[2]
#: CPU seconds and bytes of address space one group of jobs may use in all.
CPU_SECONDS = 300
ADDRESS_SPACE = 3 * 1024**3


@dataclass
class Job:
    id: str
    args: list[str]
    cwd: Path
    names: list[str]  # the file (one of these names) the message must name
    many_lines: bool = False  # commands that report every mistake at once
    tree: dict[str, bytes] = field(default_factory=dict)


def _tree(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel] = path.read_bytes() if path.is_file() else b"<dir>"
    return found


@dataclass
class Good:
    root: Path
    snapshot: Path
    result: Path
    waivers: Path
    policy: Path  # a valid policy of one's own


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Good:
    root = tmp_path_factory.mktemp("good")
    snapshot = write_snapshot(root / "snapshot.jsonl")
    result = evaluate_result(snapshot, root / "run")
    waivers = root / "waivers.yaml"
    waivers.write_text(WAIVERS)
    shipped = REPO / "policies" / "aws" / "ec2" / "AWS-EBS-002.yaml"
    policy = root / "ACME-EBS-001.yaml"
    policy.write_text(shipped.read_text().replace("AWS-EBS-002", "ACME-EBS-001"))
    return Good(root, snapshot, result, waivers, policy)


Builder = Callable[[Path, Path, Good], list[str]]


def _jobs(
    base: Path,
    family: str,
    cases: dict[str, bytes],
    filename: str,
    commands: dict[str, Builder],
    good: Good,
    **extra: bool,
) -> list[Job]:
    jobs = []
    for case, data in cases.items():
        for command, build in commands.items():
            cwd = base / f"{family}-{case}-{command}"
            cwd.mkdir(parents=True)
            (cwd / "out").mkdir()
            (cwd / "out" / "keep.txt").write_text("an earlier run")
            path = cwd / filename
            path.write_bytes(data)
            args = build(path, cwd, good)
            jobs.append(
                Job(f"{family}/{case}/{command}", args, cwd, [filename, path.name], **extra)
            )
    return jobs


def _snapshot_jobs(base: Path, good: Good) -> list[Job]:
    return _jobs(
        base,
        "snapshot",
        corpus.snapshot_cases(good.snapshot),
        "snapshot.jsonl",
        {"evaluate": lambda p, w, g: ["evaluate", str(p), "--out", str(w / "out")]},
        good,
    )


def _result_jobs(base: Path, good: Good) -> list[Job]:
    def bundle(p: Path, w: Path, g: Good) -> list[str]:
        run = w / "run"
        run.mkdir()
        shutil.copy(g.snapshot, run / "snapshot.jsonl")
        p.rename(run / "result.json")
        return ["bundle", str(run)]

    commands: dict[str, Builder] = {
        "report": lambda p, w, g: [
            "report",
            str(p),
            "--out",
            str(w / "out"),
            "--format",
            "markdown,html,csv",
        ],
        "diff": lambda p, w, g: ["diff", str(p), str(g.result)],
        "merge": lambda p, w, g: ["merge", str(p), "--out", str(w / "out")],
        "bundle": bundle,
        "waivers-validate": lambda p, w, g: [
            "waivers",
            "validate",
            str(g.waivers),
            "--result",
            str(p),
        ],
    }
    return _jobs(base, "result", corpus.result_cases(good.result), "result.json", commands, good)


def _yaml_jobs(base: Path, good: Good) -> list[Job]:
    jobs = _jobs(
        base,
        "profile",
        corpus.profile_cases(),
        "profile.yaml",
        {
            "validate": lambda p, w, g: ["profile", "validate", str(p)],
            "evaluate": lambda p, w, g: [
                "evaluate",
                str(g.snapshot),
                "--profile",
                str(p),
                "--out",
                str(w / "out"),
            ],
        },
        good,
        many_lines=True,
    )
    jobs += _jobs(
        base,
        "waivers",
        corpus.waiver_cases(),
        "waivers.yaml",
        {
            "validate": lambda p, w, g: ["waivers", "validate", str(p)],
            "evaluate": lambda p, w, g: [
                "evaluate",
                str(g.snapshot),
                "--waivers",
                str(p),
                "--out",
                str(w / "out"),
            ],
        },
        good,
        many_lines=True,
    )
    return jobs


def _policy_jobs(base: Path, good: Good) -> list[Job]:
    def own_policy(p: Path, w: Path, g: Good) -> list[str]:
        directory = w / "policies"
        directory.mkdir()
        p.rename(directory / "ACME-X-001.yaml")
        return ["policies", "test", "--policies", str(directory)]

    def own_cases(p: Path, w: Path, g: Good) -> list[str]:
        directory = w / "policies"
        directory.mkdir()
        shutil.copy(g.policy, directory / g.policy.name)
        p.rename(directory / "ACME-EBS-001.cases.yaml")
        return ["policies", "test", "ACME-EBS-001", "--policies", str(directory)]

    def evaluate_with(p: Path, w: Path, g: Good) -> list[str]:
        directory = w / "policies"
        directory.mkdir()
        p.rename(directory / "ACME-X-001.yaml")
        return ["evaluate", str(g.snapshot), "--policies", str(directory), "--out", str(w / "out")]

    # every policy directory is loaded with the shipped policies (a second or two each): the
    # whole YAML corpus once through `policies test`, a sample through the others
    cases = corpus.policy_cases()
    sample = (
        "not-utf8",
        "billion-laughs",
        "deep",
        "duplicate-key",
        "python-tag",
        "yes-for-boolean",
    )
    jobs = _jobs(
        base, "policy", cases, "ACME-X-001.yaml", {"test": own_policy}, good, many_lines=True
    )
    chosen = {k: v for k, v in cases.items() if k in sample}
    jobs += _jobs(
        base,
        "policy",
        chosen,
        "ACME-X-001.yaml",
        {"evaluate": evaluate_with},
        good,
        many_lines=True,
    )
    cases_only = {k: v for k, v in corpus.yaml_cases().items() if k in sample}
    jobs += _jobs(
        base,
        "cases",
        cases_only,
        "ACME-EBS-001.cases.yaml",
        {"test": own_cases},
        good,
        many_lines=True,
    )
    return jobs


def _other_jobs(base: Path, good: Good) -> list[Job]:
    jobs = _jobs(
        base,
        "plan",
        corpus.plan_cases(),
        "plan.json",
        {"iac": lambda p, w, g: ["iac", "--plan", str(p), "--out", str(w / "out")]},
        good,
    )
    jobs += _jobs(
        base,
        "bundle",
        corpus.bundle_cases(),
        "bundle.zip",
        {"verify": lambda p, w, g: ["verify", str(p)]},
        good,
    )
    jobs += _jobs(
        base,
        "export",
        corpus.export_cases(),
        "export.json",
        {
            "collect": lambda p, w, g: [
                "collect",
                "--provider",
                "gcp",
                "--gcp-export-file",
                str(p),
                "--snapshot",
                str(w / "out" / "s.jsonl"),
                "--quiet",
            ]
        },
        good,
    )
    # history databases: not one at all, and recorded ones with rows changed by hand (each
    # read by the command that reads what was changed)
    list_runs: Builder = lambda p, w, g: ["history", "--db", str(p)]  # noqa: E731
    diff_runs: Builder = lambda p, w, g: ["diff", "1", "2", "--db", str(p)]  # noqa: E731
    jobs += _jobs(
        base,
        "history",
        {"not-a-database": f"SQLite format 3? {PLANTED}".encode()},
        "history.sqlite",
        {"list": list_runs, "diff": diff_runs},
        good,
    )
    made = base / "dbs"
    made.mkdir()
    for name, sql, command in (
        (
            "duplicate-key-row",
            'UPDATE runs SET meta_json = \'{"schema_version": "1.0", "schema_version": "9"}\'',
            diff_runs,
        ),
        (
            "deep-row",
            "UPDATE runs SET meta_json = '" + "[" * corpus.DEEP + "]" * corpus.DEEP + "'",
            diff_runs,
        ),
        ("nan-evidence", "UPDATE findings SET evidence_json = '{\"x\": NaN}'", diff_runs),
        ("bad-started-at", f"UPDATE runs SET started_at = '{PLANTED}'", list_runs),
    ):
        db = tamper_history(history_db(made / f"{name}.sqlite", good.result), sql)
        jobs += _jobs(
            base, "history", {name: db.read_bytes()}, "history.sqlite", {"read": command}, good
        )
    return jobs


GROUPS = {
    "snapshot": _snapshot_jobs,
    "result": _result_jobs,
    "yaml": _yaml_jobs,
    "policy": _policy_jobs,
    "other": _other_jobs,
}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run_group(jobs: list[Job], base: Path) -> dict[str, dict[str, object]]:
    spec = base / "jobs.json"
    spec.write_text(json.dumps([{"id": j.id, "args": j.args, "cwd": str(j.cwd)} for j in jobs]))
    env = {**os.environ, "BAA_AUDIT_DEBUG": "", "PYTHONPATH": str(REPO)}
    env.pop("BAA_AUDIT_HISTORY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "tests.hostile.driver", str(spec)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limits,
        check=False,
    )
    results: dict[str, dict[str, object]] = {}
    started = None
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        if "started" in record:
            started = record["started"]
        else:
            results[record["id"]] = record
    assert proc.returncode == 0, (
        f"the driver died (exit {proc.returncode}) during {started}: over the CPU or memory "
        f"limit, or crashed\n{proc.stderr[-3000:]}"
    )
    return results


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_hostile_file_is_a_clear_exit_2(group: str, good: Good, tmp_path: Path) -> None:
    jobs = GROUPS[group](tmp_path, good)
    for job in jobs:
        job.tree = _tree(job.cwd)
    results = _run_group(jobs, tmp_path)
    problems: list[str] = []
    for job in jobs:
        got = results[job.id]
        stdout, stderr = str(got["stdout"]), str(got["stderr"])
        text = stdout + stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        checks = {
            "a traceback escaped": got["uncaught"] is None and "Traceback" not in text,
            f"exit {got['code']}, not 2": got["code"] == 2,
            "no message": bool(lines),
            "the message does not name the file": any(n in stderr for n in job.names),
            "more than one message": len(lines) <= (30 if job.many_lines else 3),
            "a planted secret was shown": PLANTED not in text and PLANTED_PASSWORD not in text,
            "handled by the fallback, not the input layer": "internal error" not in stderr
            and "memory available" not in stderr,
            "something was written": _tree(job.cwd) == job.tree,
        }
        failed = [what for what, ok in checks.items() if not ok]
        if failed:
            problems.append(
                f"{job.id}: {', '.join(failed)}\n  args: {job.args[:3]}...\n  stderr: {stderr[:600]!r}"
                + (f"\n  {got['uncaught'][-1500:]}" if got["uncaught"] else "")
            )
    assert not problems, f"{len(problems)} of {len(jobs)} hostile cases mishandled:\n" + "\n".join(
        problems
    )
