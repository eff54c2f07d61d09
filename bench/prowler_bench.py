"""Side by side with Prowler: the same emulated AWS account, scanned alternately by each tool.

    nox -s bench -- prowler          (or: python bench/prowler_bench.py [--runs 3] [--region R])

1. Installs Prowler into its own virtual environment (``$BAA_AUDIT_BENCH_PROWLER_VENV``, default
   ``~/.cache/baa-audit/bench/prowler``), apart from baa-audit's: Prowler pins its own boto3.
   When it cannot be installed (no network, no ``uv`` or ``venv``), the bench says so and exits 0.
2. Starts moto's server as a separate process on 127.0.0.1 and seeds it once with the sample
   account's resources (``baa_audit_sample.aws``: encryption, identity, logging...).
3. Runs ``prowler aws --compliance hipaa_aws`` and ``baa-audit scan --provider aws`` alternately,
   ``--runs`` times each, both limited to one region, both through ``AWS_ENDPOINT_URL``.
4. Counts the API requests each run made from moto's own request log, and prints the median
   wall time and requests of each tool and their ratio.

The two tools do different work (Prowler runs its whole HIPAA mapping, about 1,300 results on
this account; baa-audit judges the BAA promises of the strict profile), so the ratio is a figure
of cost per audit, not a like-for-like race.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROWLER_SPEC = "prowler>=5,<6"
# werkzeug's access log line; error statuses are wrapped in colour codes inside the quotes
_REQUEST = re.compile(r'"(?:\x1b\[[0-9;]*m)?(GET|POST|PUT|DELETE|HEAD|PATCH) ')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prowler_venv() -> Path:
    override = os.environ.get("BAA_AUDIT_BENCH_PROWLER_VENV")
    if override:
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "baa-audit" / "bench" / "prowler"


def ensure_prowler() -> Path | None:
    """The prowler executable in its own environment, installed on first use; None if it cannot be."""
    venv = prowler_venv()
    exe = venv / "bin" / "prowler"
    if exe.is_file():
        return exe
    uv = shutil.which("uv")
    try:
        if uv:
            subprocess.run([uv, "venv", "-q", "-p", "3.11", str(venv)], check=True)
            subprocess.run(
                [uv, "pip", "install", "-q", PROWLER_SPEC],
                check=True,
                env={**os.environ, "VIRTUAL_ENV": str(venv)},
            )
        else:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PROWLER_SPEC], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"prowler bench skipped: Prowler could not be installed into {venv} ({exc})")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return exe if exe.is_file() else None


class MotoProcess:
    """moto's server in its own process; its request log (stderr) counts every API call."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "moto-requests.log"
        moto = Path(sys.executable).with_name("moto_server")
        self._handle = self.log.open("w")
        self.proc = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("moto server did not start")

    def requests(self) -> int:
        self._handle.flush()
        return sum(
            1 for line in self.log.read_text(errors="replace").splitlines() if _REQUEST.search(line)
        )

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self._handle.close()


def seed(endpoint: str) -> None:
    from baa_audit_sample.aws.seed_encryption import seed_encryption
    from baa_audit_sample.aws.seed_identity import seed_identity

    seed_encryption(endpoint)
    seed_identity(endpoint)


def timed(cmd: list[str], env: dict[str, str], moto: MotoProcess) -> tuple[float, int, int]:
    before = moto.requests()
    start = time.perf_counter()
    done = subprocess.run(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    elapsed = time.perf_counter() - start
    time.sleep(0.5)  # let the server flush its last log lines
    return elapsed, moto.requests() - before, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()

    prowler = ensure_prowler()
    if prowler is None:
        return
    baa_audit = Path(sys.executable).with_name("baa-audit")
    with tempfile.TemporaryDirectory(prefix="prowler-bench-") as tmp:
        work = Path(tmp)
        moto = MotoProcess(work)
        try:
            env = {
                **os.environ,
                "AWS_ENDPOINT_URL": moto.endpoint,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": args.region,
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            }
            os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")})
            seed(moto.endpoint)
            seeded = moto.requests()
            commands = {
                "prowler": [
                    str(prowler),
                    "aws",
                    "--compliance",
                    "hipaa_aws",
                    "-f",
                    args.region,
                    "-M",
                    "csv",
                    "-o",
                    str(work / "prowler-out"),
                    "--no-banner",
                ],
                "baa-audit": [
                    str(baa_audit),
                    "scan",
                    "--provider",
                    "aws",
                    "--regions",
                    args.region,
                    "--profile",
                    "strict",
                    "--out",
                    str(work / "baa-out"),
                    "--no-history",
                    "--quiet",
                ],
            }
            figures: dict[str, list[tuple[float, int, int]]] = {name: [] for name in commands}
            for run in range(args.runs):
                for name, cmd in commands.items():
                    figures[name].append(timed(cmd, env, moto))
                    wall, calls, code = figures[name][-1]
                    print(f"run {run + 1} {name:9} {wall:7.1f} s {calls:6} requests (exit {code})")
        finally:
            moto.stop()
    print(f"\nseeding: {seeded} requests; {args.runs} alternating runs each, region {args.region}")
    medians = {
        name: (statistics.median(f[0] for f in runs), statistics.median(f[1] for f in runs))
        for name, runs in figures.items()
    }
    for name, (wall, calls) in medians.items():
        print(f"{name:9} median {wall:7.1f} s  {calls:7.0f} API requests")
    (pw, pc), (bw, bc) = medians["prowler"], medians["baa-audit"]
    print(
        f"ratio prowler / baa-audit: {pw / bw:.1f}x wall time, {pc / max(bc, 1):.1f}x API requests"
    )


if __name__ == "__main__":
    main()
