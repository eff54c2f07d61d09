"""Rendered pieces of many groups, written in one pass and read back group by group.

A report that shows the findings in an order other than the findings file's (grouped per
promise, by status, waivers apart) renders each finding once, as it is read, into its groups
here; then copies each group into place. The pieces live in one temporary file (never beside the
outputs; gone when closed): each group's bytes are buffered up to :data:`BLOCK` and then
appended to the file as one block, so memory holds a block per group and an index of blocks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Hashable, Iterator
from types import TracebackType
from typing import IO

#: Bytes buffered per group before they go to the file.
BLOCK = 1 << 15


class Spool:
    """Groups of bytes by key (any hashable), in the order each group's pieces were added."""

    def __init__(self, block: int = BLOCK) -> None:
        self._block = block
        self._file: IO[bytes] | None = None
        #: (offset, length) of each group's blocks in the file
        self._blocks: dict[Hashable, list[tuple[int, int]]] = {}
        self._pending: dict[Hashable, list[bytes]] = {}
        self._sizes: dict[Hashable, int] = {}
        self._end = 0

    def add(self, key: Hashable, data: bytes) -> None:
        """Append ``data`` to the group ``key``."""
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = []
        pending.append(data)
        size = self._sizes.get(key, 0) + len(data)
        self._sizes[key] = size
        if size >= self._block:
            self._flush(key)

    def drop(self, key: Hashable) -> None:
        """Forget the group ``key`` (what it wrote to the file is left unread)."""
        self._pending.pop(key, None)
        self._sizes.pop(key, None)
        self._blocks.pop(key, None)

    def read(self, key: Hashable) -> Iterator[bytes]:
        """The group's bytes, a block at a time (nothing for a group never added to)."""
        for offset, length in self._blocks.get(key, ()):
            assert self._file is not None
            self._file.seek(offset)
            yield self._file.read(length)
        pending = self._pending.get(key)
        if pending:
            yield b"".join(pending)

    def _flush(self, key: Hashable) -> None:
        data = b"".join(self._pending.pop(key))
        del self._sizes[key]
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._file.seek(self._end)
        self._file.write(data)
        self._blocks.setdefault(key, []).append((self._end, len(data)))
        self._end += len(data)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._blocks.clear()
        self._pending.clear()
        self._sizes.clear()

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["BLOCK", "Spool"]
