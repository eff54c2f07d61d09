"""result.json: the RunResult itself, the contract other tools read."""

from __future__ import annotations

import json

from auditor.core.result import RunResult


def render(result: RunResult) -> bytes:
    data = result.model_dump(mode="json")
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


__all__ = ["render"]
