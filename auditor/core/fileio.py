"""Atomic writes and digests. Every file the tool writes goes through here.

A run's outputs (result.json and its reports) are written as one set by :class:`OutputSet`:
rendered into a temporary directory beside the output directory, then moved into place one by
one, and only then is ``baa-audit-outputs.json`` (the manifest: every file of the set with its
SHA-256) written, last. The old manifest is removed before the first file moves, so a run
interrupted at any point leaves either the old complete set (with its manifest) or files that
no manifest vouches for: a reader tells a complete set by its manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from auditor.core.errors import InputError

#: The manifest of an output set, written last (see the module docstring).
OUTPUTS_MANIFEST = "baa-audit-outputs.json"
OUTPUTS_FORMAT = "baa-audit-outputs"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success rename it over ``path``.

    On any exception the temporary file is removed and ``path`` is left as it was, so a reader
    never sees a half-written file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(
            fd, mode, encoding=encoding, newline=None if "b" in mode else "\n"
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_writer(path, "w") as handle:
        handle.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def _nearest_existing(path: Path) -> Path:
    current = path
    while not current.exists() and not current.is_symlink() and current != current.parent:
        current = current.parent
    return current


def check_writable_dir(out: Path) -> None:
    """Refuse an output directory that cannot be written, before any work is done.

    A dangling symbolic link, a path that is (or runs through) a file, or a directory without
    write permission is an :class:`InputError` naming it.
    """
    if out.is_symlink() and not out.exists():
        raise InputError(
            f"output directory is a dangling symbolic link (to {out.readlink()})", file=out
        )
    if out.exists() and not out.is_dir():
        raise InputError("output path exists and is not a directory", file=out)
    base = _nearest_existing(out)
    if base.is_symlink() and not base.exists():
        raise InputError(f"dangling symbolic link (to {base.readlink()}) in the path", file=base)
    if not base.is_dir():
        raise InputError("a file is in the way of the output directory", file=base)
    if not os.access(base, os.W_OK | os.X_OK):
        raise InputError("output directory is not writable (permission denied)", file=base)


def _write_error(path: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write: {exc.strerror or exc}", file=path)


class OutputSet:
    """Write a set of outputs into ``out`` all or nothing, with the manifest last.

    ::

        with OutputSet(out) as outputs:
            outputs.add("result.json", data)
            ...
        outputs.written  # the paths, once the set is in place

    Files are staged in a temporary directory beside ``out`` (inside it, hidden, when the parent
    cannot be written); an exception before the end discards the stage and leaves ``out`` as it
    was. ``keep`` names files already in ``out`` that belong to the set (the snapshot of a scan);
    with ``merge=True`` the entries of an existing manifest whose files are unchanged stay listed
    (``baa-audit report`` adding a format beside an earlier result).
    """

    def __init__(
        self,
        out: Path,
        *,
        keep: Iterable[Path] = (),
        merge: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.out = out
        self.keep = list(keep)
        self.merge = merge
        self.meta = dict(meta or {})
        self.written: list[Path] = []
        self._staged: dict[str, Path] = {}
        self._stage: Path | None = None

    def __enter__(self) -> OutputSet:
        check_writable_dir(self.out)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._stage = Path(
                    tempfile.mkdtemp(prefix=f".{self.out.name}.staging-", dir=self.out.parent)
                )
            except PermissionError:
                self.out.mkdir(parents=True, exist_ok=True)
                self._stage = Path(tempfile.mkdtemp(prefix=".baa-audit-staging-", dir=self.out))
        except OSError as exc:
            raise _write_error(self.out, exc) from None
        return self

    def add(self, name: str, data: bytes | Iterable[bytes]) -> Path:
        """Stage ``data`` (bytes, or chunks written as they come) as ``name`` (a plain file
        name); returns its final path."""
        assert self._stage is not None, "OutputSet used outside its with-block"
        if "/" in name or name in ("", ".", "..", OUTPUTS_MANIFEST):
            raise ValueError(f"not an output file name: {name!r}")
        path = self._stage / name
        try:
            with path.open("wb", buffering=1 << 20) as handle:
                if isinstance(data, bytes):
                    handle.write(data)
                else:
                    for chunk in data:
                        handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise _write_error(self.out / name, exc) from None
        self._staged[name] = path
        return self.out / name

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._commit()
        finally:
            if self._stage is not None:
                shutil.rmtree(self._stage, ignore_errors=True)
                self._stage = None

    def _previous_entries(self) -> dict[str, dict[str, Any]]:
        manifest = self.out / OUTPUTS_MANIFEST
        if not self.merge or not manifest.is_file():
            return {}
        try:
            data = json.loads(manifest.read_bytes()[: 64 * 1024 * 1024])
            files = data["files"] if data.get("format") == OUTPUTS_FORMAT else {}
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError):
            return {}
        kept: dict[str, dict[str, Any]] = {}
        for name, entry in files.items() if isinstance(files, dict) else ():
            path = self.out / str(name)
            if (
                name not in self._staged
                and isinstance(entry, dict)
                and "/" not in str(name)
                and path.is_file()
                and entry.get("sha256") == sha256_file(path)
            ):
                kept[str(name)] = {"sha256": entry["sha256"], "size": path.stat().st_size}
        return kept

    def _commit(self) -> None:
        out = self.out
        try:
            previous = self._previous_entries()
            out.mkdir(parents=True, exist_ok=True)
            manifest = out / OUTPUTS_MANIFEST
            with contextlib.suppress(FileNotFoundError):
                manifest.unlink()  # from here until the new one is written, the set is partial
            entries: dict[str, dict[str, Any]] = dict(previous)
            for name, staged in self._staged.items():
                entries[name] = {"sha256": sha256_file(staged), "size": staged.stat().st_size}
                staged.replace(out / name)
                self.written.append(out / name)
            for path in self.keep:
                entries[path.name] = {"sha256": sha256_file(path), "size": path.stat().st_size}
            document = {
                "format": OUTPUTS_FORMAT,
                "version": 1,
                **self.meta,
                "files": dict(sorted(entries.items())),
            }
            write_text_atomic(manifest, json.dumps(document, indent=2, sort_keys=True) + "\n")
            self.written.append(manifest)
        except OSError as exc:
            raise _write_error(out, exc) from None


__all__ = [
    "OUTPUTS_MANIFEST",
    "OutputSet",
    "atomic_writer",
    "check_writable_dir",
    "sha256_bytes",
    "sha256_file",
    "write_bytes_atomic",
    "write_text_atomic",
]
