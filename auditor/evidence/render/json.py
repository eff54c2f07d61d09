"""result.json: the RunResult itself, the contract other tools read."""

from __future__ import annotations

from auditor.core.json_text import document_bytes
from auditor.core.result import RunResult


def render(result: RunResult) -> bytes:
    data = result.model_dump(mode="json")
    # json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False), byte for byte, faster
    return document_bytes(data)


__all__ = ["render"]
