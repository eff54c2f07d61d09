"""result.json: the RunResult itself, the contract other tools read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from auditor.core.json_text import document_bytes
from auditor.core.result import RunResult

#: where the findings go in the header's document (a top-level key is indented by two spaces,
#: a nested one by more, and no JSON string holds a raw newline: this occurs once)
_EMPTY_FINDINGS = b'\n  "findings": []'


def render(result: RunResult) -> bytes:
    if result.streamed:
        return b"".join(chunks(result))
    data = result.model_dump(mode="json")
    # json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False), byte for byte, faster
    return document_bytes(data)


def chunks(result: RunResult, _trend: Sequence[Any] = ()) -> Iterator[bytes]:
    """:func:`render`'s bytes in pieces, a finding at a time: the header's document with each
    finding's own (indented to its depth) in place of its empty list."""
    header = document_bytes(result.header_only().model_dump(mode="json"))
    at = header.index(_EMPTY_FINDINGS) + len(_EMPTY_FINDINGS) - 1
    yield header[:at]
    first = True
    for finding in result.iter_findings():
        text = document_bytes(finding.model_dump(mode="json"))[:-1]
        yield (b"\n    " if first else b",\n    ") + text.replace(b"\n", b"\n    ")
        first = False
    yield header[at:] if first else b"\n  " + header[at:]


__all__ = ["chunks", "render"]
