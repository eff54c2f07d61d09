"""The deploy/ examples parse, agree with themselves, keep the container non-root, read-only."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _docs(path: Path) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert docs, f"{path} holds no YAML document"
    return docs


def _shell_ok(script: str) -> None:
    proc = subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr


def _shard_count(command: str) -> str | None:
    m = re.search(r"--shard auto(?:/(\S+))?", command)
    assert m, f"no --shard auto in {command!r}"
    return m.group(1)


def test_kubernetes_cronjob_launches_an_indexed_job_and_a_merge() -> None:
    docs = _docs(DEPLOY / "kubernetes" / "cronjob-indexed.yaml")
    kinds = [(d["kind"], d["metadata"]["name"]) for d in docs]
    assert kinds == [
        ("ServiceAccount", "baa-audit"),
        ("PersistentVolumeClaim", "baa-audit-results"),
        ("CronJob", "baa-audit-scan"),
        ("CronJob", "baa-audit-merge"),
    ]
    scan, merge = docs[2], docs[3]
    job = scan["spec"]["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed"
    assert job["completions"] == job["parallelism"]
    pod = job["template"]["spec"]
    (container,) = pod["containers"]
    command = container["args"][0]
    assert _shard_count(command) == str(job["completions"])
    assert "JOB_COMPLETION_INDEX" in command
    _shell_ok(command)
    merge_pod = merge["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    merge_cmd = merge_pod["containers"][0]["args"][0]
    assert "baa-audit merge" in merge_cmd and "--history" in merge_cmd
    _shell_ok(merge_cmd)
    for spec in (pod, merge_pod):
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        for c in spec["containers"]:
            assert c["securityContext"]["readOnlyRootFilesystem"] is True
            assert c["securityContext"]["allowPrivilegeEscalation"] is False
            assert {m["mountPath"] for m in c["volumeMounts"]} >= {"/data", "/tmp"}


def test_cloud_run_job_has_n_tasks_and_reads_the_count_from_the_engine() -> None:
    (job,) = _docs(DEPLOY / "cloudrun" / "job.yaml")
    assert (job["apiVersion"], job["kind"]) == ("run.googleapis.com/v1", "Job")
    exec_spec = job["spec"]["template"]["spec"]
    assert exec_spec["taskCount"] >= 2
    command = exec_spec["template"]["spec"]["containers"][0]["args"][0]
    assert _shard_count(command) is None  # CLOUD_RUN_TASK_COUNT gives N
    assert "CLOUD_RUN_TASK_INDEX" in command
    _shell_ok(command)
    (merge,) = _docs(DEPLOY / "cloudrun" / "merge-job.yaml")
    merge_spec = merge["spec"]["template"]["spec"]
    assert merge_spec["taskCount"] == 1
    _shell_ok(merge_spec["template"]["spec"]["containers"][0]["args"][0])


def test_aws_batch_array_job_example() -> None:
    definition = json.loads((DEPLOY / "aws-batch" / "job-definition.json").read_text())
    props = definition["containerProperties"]
    assert props["readonlyRootFilesystem"] is True
    assert not props["user"].startswith("0")
    command = props["command"][2]
    assert "AWS_BATCH_JOB_ARRAY_INDEX" in command
    assert _shard_count(command) == "${SHARDS}"
    _shell_ok(command)
    submit = (DEPLOY / "aws-batch" / "submit.sh").read_text()
    _shell_ok(submit)
    assert "--array-properties" in submit and "--depends-on" in submit


def test_containerfile_runs_as_a_non_root_user() -> None:
    text = (DEPLOY / "Containerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users, "no USER instruction"
    assert users[-1].split(":")[0] not in ("0", "root")
    assert "PYTHONDONTWRITEBYTECODE=1" in text
    assert re.search(r'^ENTRYPOINT \["baa-audit"\]', text, flags=re.MULTILINE)


@pytest.mark.parametrize(
    "path",
    sorted([*DEPLOY.glob("kubernetes/*.y*ml"), *DEPLOY.glob("cloudrun/*.y*ml")]),
    ids=lambda p: p.name,
)
def test_every_yaml_file_parses(path: Path) -> None:
    assert _docs(path)


def test_every_flag_the_examples_use_exists() -> None:
    from click.testing import CliRunner

    from auditor.cli import cli

    texts = [
        (DEPLOY / "kubernetes" / "cronjob-indexed.yaml").read_text(),
        (DEPLOY / "cloudrun" / "job.yaml").read_text(),
        (DEPLOY / "cloudrun" / "merge-job.yaml").read_text(),
        (DEPLOY / "aws-batch" / "job-definition.json").read_text(),
        (DEPLOY / "aws-batch" / "submit.sh").read_text(),
    ]
    helps = {cmd: CliRunner().invoke(cli, [cmd, "--help"]).output for cmd in ("scan", "merge")}
    for text in texts:
        for cmd, rest in re.findall(r"baa-audit (scan|merge)\b([^;\n]*(?:\n\s+--[^;\n]*)*)", text):
            for flag in re.findall(r"(--[a-z][a-z-]+)", rest):
                assert flag in helps[cmd], f"baa-audit {cmd} has no {flag}"


def test_shards_leave_the_history_to_the_merge() -> None:
    """Shard runs are parts of one run: only the merged run is recorded (once, in one database)."""
    texts = [
        (DEPLOY / "kubernetes" / "cronjob-indexed.yaml").read_text(),
        (DEPLOY / "cloudrun" / "job.yaml").read_text(),
        (DEPLOY / "aws-batch" / "job-definition.json").read_text(),
    ]
    for text in texts:
        scans = re.findall(r"baa-audit scan\b[^;]*", text)
        assert scans
        assert all("--no-history" in s for s in scans), scans
    merges = [
        (DEPLOY / "kubernetes" / "cronjob-indexed.yaml").read_text(),
        (DEPLOY / "cloudrun" / "merge-job.yaml").read_text(),
        (DEPLOY / "aws-batch" / "submit.sh").read_text(),
    ]
    for text in merges:
        assert re.search(r"baa-audit merge\b[^;]*--history /data/history\.sqlite", text), text
