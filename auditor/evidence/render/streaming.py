"""What the machine formats (CSV, SARIF, JUnit, OCSF, Markdown) share to write a report of a
million findings in pieces: findings in order without holding them, rendered pieces set aside
in a bounded spool (memory up to a limit, then an anonymous temporary file) and copied back in
order, output gathered into chunks of bounded size, and the wildcard waivers collected in the
same pass that renders the findings.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from itertools import pairwise
from types import TracebackType

from auditor.core.result import Finding, RunResult, WaiverRef, is_wildcard_waiver

#: The size of the pieces a renderer yields, and of a spool's copy reads.
CHUNK = 1 << 20
#: What a spool keeps in memory before it moves to a temporary file.
SPOOL_IN_MEMORY = 1 << 20


def in_order(result: RunResult) -> Iterator[Finding]:
    """The findings in :meth:`~auditor.core.result.Finding.sort_key` order, one pass: a
    streamed result's findings file is in that order; a held result's list is too (the engine
    sorts it), and when it is not (built by hand), a sorted copy of the list is read, as the
    renderers always sorted it (the list is held anyway)."""
    if result.streamed:
        return result.iter_findings()
    findings = result.findings
    keys = (f.sort_key() for f in findings)
    if all(a <= b for a, b in pairwise(keys)):
        return iter(findings)
    return iter(sorted(findings, key=Finding.sort_key))


class Spool:
    """Bytes set aside and read back in the order written: in memory up to
    :data:`SPOOL_IN_MEMORY`, then in an anonymous temporary file (never beside the outputs;
    gone when closed). Small writes are gathered into pieces of :data:`CHUNK` bytes first."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        self._parts: list[bytes] = []
        self._gathered = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self._gathered += len(data)
        self.size += len(data)
        if self._gathered >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        self._file.write(b"".join(self._parts))
        self._parts.clear()
        self._gathered = 0

    def read_back(self) -> Iterator[bytes]:
        """What was written, in pieces of at most :data:`CHUNK` bytes."""
        self._flush()
        self._file.seek(0)
        while piece := self._file.read(CHUNK):
            yield piece

    def close(self) -> None:
        self._parts.clear()
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class Pieces:
    """Text gathered into chunks of about :data:`CHUNK` bytes: :meth:`add` returns a chunk
    (encoded) when enough is gathered, else None; :meth:`rest` returns what is left."""

    def __init__(self, errors: str = "strict") -> None:
        self._parts: list[str] = []
        self._size = 0
        self._errors = errors

    def add(self, text: str) -> bytes | None:
        self._parts.append(text)
        self._size += len(text)
        if self._size < CHUNK:
            return None
        return self.rest()

    def rest(self) -> bytes:
        data = "".join(self._parts).encode("utf-8", self._errors)
        self._parts.clear()
        self._size = 0
        return data


class WildcardWaivers:
    """:func:`~auditor.core.result.wildcard_waivers` gathered as the findings go by, holding
    only the wildcard ones: each id once, its first reference (findings first, in order, then
    the expiring waivers)."""

    def __init__(self) -> None:
        self._found: dict[str, WaiverRef] = {}

    def see(self, waiver: WaiverRef | None) -> bool:
        """Take note of a finding's waiver; True when it is a wildcard one."""
        if waiver is None or not is_wildcard_waiver(waiver):
            return False
        self._found.setdefault(waiver.id, waiver)
        return True

    def of(self, result: RunResult) -> list[WaiverRef]:
        """The wildcard waivers seen, with the result's expiring ones, by id."""
        found = dict(self._found)
        for ref in result.waivers_expiring:
            if is_wildcard_waiver(ref) and ref.id not in found:
                found[ref.id] = ref
        return [found[key] for key in sorted(found)]


__all__ = ["CHUNK", "SPOOL_IN_MEMORY", "Pieces", "Spool", "WildcardWaivers", "in_order"]
