"""Benchmark ``baa-audit iac``: files and resources per second on a generated Terraform tree.

    python bench/iac_bench.py [--resources 600] [--per-file 6] [--profile strict] [--keep DIR] [--skips]

Generates a tree of ``--resources`` Terraform resources of the covered types (half of them
compliant, half not), spread over modules-like sub-directories with ``--per-file`` resources per
file, then runs the same scan ``baa-audit iac`` runs (checkov in its own environment with our
checks) and prints wall time, files/s and resources/s. A second run with checkov's built-in
checks on gives the cost of keeping them. Reading the inline skip comments is timed on its own,
on the tree as generated (no comments: one read per file) and on a copy with a
``# baa-audit:skip=`` comment above every block; ``--skips`` also runs the whole scan on that copy.
Checkov's environment is created first if needed and that time is reported apart, not counted in
the scan.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEMPLATES: list[str] = [
    """resource "aws_lb_listener" "l{n}" {{
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a{n}/1"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "{ssl}"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/c{n}"
  default_action {{
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t{n}/1"
  }}
}}
""",
    """resource "aws_ebs_volume" "v{n}" {{
  availability_zone = "us-east-1a"
  size              = 8
  encrypted         = {flag}
}}
""",
    """resource "aws_s3_bucket" "b{n}" {{
  bucket = "bench-bucket-{n}"
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "b{n}" {{
  bucket = aws_s3_bucket.b{n}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "{sse}"
    }}
  }}
}}
""",
    """resource "aws_db_instance" "d{n}" {{
  identifier        = "bench-db-{n}"
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_encrypted = {flag}
}}
""",
    """resource "aws_iam_role" "r{n}" {{
  name                 = "bench-role-{n}"
  max_session_duration = {session}
  assume_role_policy   = "{{}}"
}}
""",
    """resource "aws_kms_key" "k{n}" {{
  enable_key_rotation = {flag}
}}
""",
    """resource "google_compute_ssl_policy" "p{n}" {{
  name            = "bench-{n}"
  profile         = "{profile}"
  min_tls_version = "{min_tls}"
}}
""",
    """resource "google_sql_database_instance" "s{n}" {{
  name             = "bench-{n}"
  database_version = "POSTGRES_16"
  region           = "us-central1"
  settings {{
    tier = "db-custom-2-7680"
    ip_configuration {{
      ssl_mode = "{ssl_mode}"
    }}
  }}
}}
""",
    """resource "google_storage_bucket" "g{n}" {{
  name                        = "bench-gcs-{n}"
  location                    = "US"
  uniform_bucket_level_access = {flag}
}}
""",
]


#: A policy each template's resource is judged by, for ``--skips`` (one skip per resource).
SKIP_IDS: list[str] = [
    "AWS-ELB-001",
    "AWS-EBS-002",
    "AWS-S3-001",
    "AWS-RDS-001",
    "AWS-IAM-005",
    "AWS-KMS-001",
    "GCP-GCE-010",
    "GCP-SQL-010",
    "GCP-GCS-001",
]


def _values(n: int) -> dict[str, str]:
    good = n % 2 == 0
    return {
        "n": str(n),
        "ssl": "ELBSecurityPolicy-TLS13-1-3-2021-06" if good else "ELBSecurityPolicy-2016-08",
        "flag": "true" if good else "false",
        "sse": "aws:kms" if good else "AES256",
        "session": "28800" if good else "43200",
        "profile": "RESTRICTED" if good else "COMPATIBLE",
        "min_tls": "TLS_1_3" if good else "TLS_1_0",
        "ssl_mode": "ENCRYPTED_ONLY" if good else "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
    }


def generate(root: Path, resources: int, per_file: int, skips: bool = False) -> tuple[int, int]:
    """Write the tree; returns (files, resources) written. ``skips``: an inline skip comment
    above every block (``# baa-audit:skip=ID reason``)."""
    files = 0
    written = 0
    buffer: list[str] = []
    for n in range(resources):
        template = TEMPLATES[n % len(TEMPLATES)]
        text = template.format(**_values(n))
        if skips:
            text = f"# baa-audit:skip={SKIP_IDS[n % len(SKIP_IDS)]} bench: accepted risk\n" + text
        buffer.append(text)
        written += template.count('resource "')
        if len(buffer) == per_file or n == resources - 1:
            sub = root / f"stack{files // 20:02d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"part{files:04d}.tf").write_text("\n".join(buffer), encoding="utf-8")
            files += 1
            buffer = []
    return files, written


def _time_skips(label: str, root: Path) -> None:
    """What reading the inline skips costs on its own: every .tf file read, marked ones parsed."""
    from auditor.iac.skips import read_skips, terraform_files

    started = time.perf_counter()
    files = terraform_files([root])
    skips, problems = read_skips(files)
    ms = (time.perf_counter() - started) * 1000
    print(
        f"{label:28s} {len(files)} files, {len(skips)} skips ({len(problems)} malformed) read in "
        f"{ms:6.1f} ms ({ms / max(len(files), 1):.2f} ms/file)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=600)
    parser.add_argument("--per-file", type=int, default=6)
    parser.add_argument("--profile", default="strict")
    parser.add_argument("--keep", type=Path, help="write the tree here and keep it")
    parser.add_argument(
        "--no-builtins-run", action="store_true", help="skip the run with checkov's own checks"
    )
    parser.add_argument(
        "--skips",
        action="store_true",
        help="also time a run of the same tree with an inline skip comment on every resource",
    )
    args = parser.parse_args()

    from auditor.iac.checkov_env import ensure_checkov
    from auditor.iac.run import IacRequest, run_iac

    t0 = time.monotonic()
    command = ensure_checkov()
    setup = time.monotonic() - t0
    print(
        f"checkov environment: {command.source}, ready in {setup:.1f} s"
        + (
            f" (installed in {command.install_seconds:.1f} s)"
            if command.install_seconds
            else " (cached)"
        )
    )

    with tempfile.TemporaryDirectory(prefix="baa-iac-bench-") as tmp:
        base = args.keep or Path(tmp)
        root = base / "tree"
        root.mkdir(parents=True, exist_ok=True)
        files, resources = generate(root, args.resources, args.per_file)
        print(f"tree: {files} files, {resources} resources under {root}")
        skipped_root = base / "tree-skips"
        generate(skipped_root, args.resources, args.per_file, skips=True)
        _time_skips("inline skips, no comments", root)
        _time_skips("inline skips, one per block", skipped_root)
        runs = [("baa-audit checks only", False, root)]
        if not args.no_builtins_run:
            runs.append(("with checkov built-ins", True, root))
        if args.skips:
            runs.append(("a skip on every block", False, skipped_root))
        for label, builtins, tree in runs:
            started = time.monotonic()
            run = run_iac(
                IacRequest(paths=(tree,), profile=args.profile, with_builtins=builtins),
                command=command,
            )
            wall = time.monotonic() - started
            print(
                f"{label:24s} wall {wall:6.2f} s | {files / wall:7.1f} files/s | "
                f"{resources / wall:7.1f} resources/s | findings {len(run.result.findings)} {run.result.summary}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
