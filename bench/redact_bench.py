"""How fast redaction is on evidence-like data. Run: python bench/redact.py"""

from __future__ import annotations

import time

from auditor.core.redact import redact


def sample(i: int) -> dict[str, object]:
    return {
        "id": f"arn:aws:lambda:us-east-1:111111111111:function:fn-{i}",
        "name": f"fn-{i}",
        "tags": {"Name": f"service {i}", "data-classification": "phi", "owner": "team-a"},
        "environment": {
            "MODE": "prod",
            "DB_URL": f"postgres://app:pw{i}@db.internal:5432/phi",
            "LOG_LEVEL": "info",
        },
        "tls": {
            "protocols": ["TLSv1.2", "TLSv1.3"],
            "policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        },
        "encryption": {"algorithm": "AES256", "kms_key": None, "enabled": True},
        "description": "An ordinary sentence describing a resource, as a cloud returns it. " * 2,
    }


def main() -> None:
    data = [sample(i) for i in range(20_000)]
    strings = sum(1 for d in data for _ in d) * 3
    start = time.perf_counter()
    redact(data)
    elapsed = time.perf_counter() - start
    print(
        f"redact: {len(data)} resources in {elapsed:.3f} s "
        f"({len(data) / elapsed:,.0f} resources/s, ~{strings / elapsed:,.0f} fields/s)"
    )


if __name__ == "__main__":
    main()
