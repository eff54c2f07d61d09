"""The inventory and its snapshot file.

A snapshot is JSON Lines so that collection can stream it to disk without holding the whole
organization in memory:

* line 1: ``{"kind": "header", ...}`` (format, tool version, collection time, scope, inputs);
* then any number of ``{"kind": "resource", "type": T, "data": {...}}``,
  ``{"kind": "listing_gap", ...}`` and ``{"kind": "coverage", ...}`` lines;
* last: ``{"kind": "footer", "finished_at": ..., "counts": {...}, "content_sha256": ...}`` where
  the digest covers every byte before the footer line, so a truncated or edited snapshot is
  refused when it is loaded.

Dumping an :class:`Inventory` and loading it back gives an equal inventory.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from auditor import __version__
from auditor.core.errors import InputError
from auditor.core.fileio import atomic_writer
from auditor.core.model.base import Coverage, ListingGap, Resource
from auditor.core.redact import redact, redact_text
from auditor.core.safe_load import (
    FREE_FORM_FIELDS,
    SNAPSHOT,
    Limits,
    dumps,
    located,
    needs_sanitizing,
    parse_json_line,
    sanitize,
    validate_json_model,
    validate_value,
)
from auditor.core.scope import Scope
from auditor.core.text import replace_surrogates

SNAPSHOT_FORMAT = "baa-audit-snapshot"
SNAPSHOT_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class SnapshotHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["header"] = "header"
    format: Literal["baa-audit-snapshot"] = "baa-audit-snapshot"
    format_version: int = SNAPSHOT_VERSION
    tool_version: str = __version__
    collected_at: datetime = Field(default_factory=utcnow)
    scope: Scope = Field(default_factory=Scope)
    source: str = Field(default="live", description="live | export-file | terraform | demo")
    inputs: dict[str, str] = Field(
        default_factory=dict, description="SHA-256 digests of files the collection read"
    )


class SnapshotFooter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["footer"] = "footer"
    finished_at: datetime
    counts: dict[str, int]
    scope: Scope | None = Field(
        default=None,
        description="the scope as the collectors finally reported it (wins over the header's)",
    )
    content_sha256: str


class InventorySink(Protocol):
    """Where collectors put what they observe. Collectors never write files themselves."""

    def add_resource(self, resource: Resource) -> None: ...

    def add_listing_gap(self, gap: ListingGap) -> None: ...

    def add_coverage(self, coverage: Coverage) -> None: ...


class Inventory:
    """Everything one collection observed, in memory."""

    def __init__(
        self,
        header: SnapshotHeader | None = None,
        resources: Iterable[Resource] = (),
        listing_gaps: Iterable[ListingGap] = (),
        coverage: Iterable[Coverage] = (),
        finished_at: datetime | None = None,
    ) -> None:
        self.header = header or SnapshotHeader()
        self.resources: list[Resource] = list(resources)
        self.listing_gaps: list[ListingGap] = list(listing_gaps)
        self.coverage: list[Coverage] = list(coverage)
        self.finished_at = finished_at

    # InventorySink
    def add_resource(self, resource: Resource) -> None:
        self.resources.append(resource)

    def add_listing_gap(self, gap: ListingGap) -> None:
        self.listing_gaps.append(gap)

    def add_coverage(self, coverage: Coverage) -> None:
        self.coverage.append(coverage)

    def by_type(self) -> dict[str, list[Resource]]:
        grouped: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            grouped[resource.resource_type].append(resource)
        return grouped

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(r.resource_type for r in self.resources).items()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Inventory):
            return NotImplemented
        return (
            self.header == other.header
            and self.resources == other.resources
            and self.listing_gaps == other.listing_gaps
            and self.coverage == other.coverage
            and self.finished_at == other.finished_at
        )

    __hash__ = None  # type: ignore[assignment]


def scrub(data: Any, free_form: bool = False) -> Any:
    """Redact credential-shaped values before they reach any file.

    Typed model fields keep their names (``token_validity_units.AccessToken`` is evidence about a
    token, not a token), so only credential-*shaped* strings are replaced there; inside free-form
    maps such as tags, a key that names a secret (``db_password``) redacts its value as well.
    """
    if free_form:
        return redact(_no_surrogates(data))
    if isinstance(data, str):
        return redact_text(replace_surrogates(data))
    if isinstance(data, dict):
        return {
            replace_surrogates(k) if isinstance(k, str) else k: scrub(
                v, isinstance(k, str) and k in FREE_FORM_FIELDS
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [scrub(v) for v in data]
    return data


def _no_surrogates(data: Any) -> Any:
    if isinstance(data, str):
        return replace_surrogates(data)
    if isinstance(data, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_no_surrogates(v) for v in data]
    return data


def _line(payload: Mapping[str, Any]) -> bytes:
    return (
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    ).encode()


class SnapshotWriter:
    """Stream an inventory to a snapshot file, atomically.

    Use as a context manager and hand it to collectors as their :class:`InventorySink`. The file
    appears under its name only when the block exits without an exception.
    """

    def __init__(self, path: str | Path, header: SnapshotHeader) -> None:
        self.path = Path(path)
        self.header = header
        self._digest = hashlib.sha256()
        self._counts: Counter[str] = Counter()
        self._cm: Any = None
        self._handle: IO[bytes] | None = None
        #: set by the caller once collection knows its full scope (accounts, regions)
        self.final_scope: Scope | None = None
        #: set by the caller to record a known finish time (default: when the block exits)
        self.finished_at: datetime | None = None

    def __enter__(self) -> SnapshotWriter:
        self._cm = atomic_writer(self.path, "wb")
        self._handle = self._cm.__enter__()
        self._emit(self.header.model_dump(mode="json"))
        return self

    def _emit(self, payload: Mapping[str, Any]) -> None:
        assert self._handle is not None, "SnapshotWriter used outside its with-block"
        data = _line(payload)
        self._digest.update(data)
        self._handle.write(data)

    def add_resource(self, resource: Resource) -> None:
        self._counts[resource.resource_type] += 1
        self._emit(
            {
                "kind": "resource",
                "type": resource.resource_type,
                "data": scrub(resource.model_dump(mode="json")),
            }
        )

    def add_listing_gap(self, gap: ListingGap) -> None:
        self._emit({"kind": "listing_gap", **scrub(gap.model_dump(mode="json"))})

    def add_coverage(self, coverage: Coverage) -> None:
        self._emit({"kind": "coverage", **scrub(coverage.model_dump(mode="json"))})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            footer = SnapshotFooter(
                finished_at=self.finished_at or utcnow(),
                counts=dict(sorted(self._counts.items())),
                scope=self.final_scope or self.header.scope,
                content_sha256=self._digest.hexdigest(),
            )
            assert self._handle is not None
            self._handle.write(_line(footer.model_dump(mode="json")))
        self._cm.__exit__(exc_type, exc, tb)
        self._handle = None


def dump_snapshot(inventory: Inventory, path: str | Path) -> None:
    """Write ``inventory`` to ``path`` (atomically)."""
    with SnapshotWriter(path, inventory.header) as writer:
        for resource in inventory.resources:
            writer.add_resource(resource)
        for gap in inventory.listing_gaps:
            writer.add_listing_gap(gap)
        for cov in inventory.coverage:
            writer.add_coverage(cov)
        writer.finished_at = inventory.finished_at


def iter_snapshot_lines(path: Path, max_line: int | None = None) -> Iterator[tuple[int, bytes]]:
    """``(line number, raw line)`` of a snapshot; a line longer than ``max_line`` is refused."""
    with path.open("rb") as handle:
        lineno = 0
        while True:
            raw = handle.readline(max_line + 2 if max_line else -1)
            if not raw:
                return
            lineno += 1
            if max_line and len(raw) > max_line + 1:
                raise located(
                    path, lineno, f"snapshot record too long (limit {max_line:,} bytes per line)"
                )
            yield lineno, raw


class _GapLine(ListingGap):
    kind: Literal["listing_gap"]


class _CoverageLine(Coverage):
    kind: Literal["coverage"]


def _record(file: Path, lineno: int, raw: bytes, limits: Limits) -> tuple[dict[str, Any], bytes]:
    """One snapshot line parsed and checked; the raw bytes to validate (re-encoded if cleaned)."""
    record = parse_json_line(raw, file, limits, line=lineno)
    if not isinstance(record, dict) or "kind" not in record:
        raise located(file, lineno, "expected a JSON object with a 'kind'")
    if not needs_sanitizing(raw, limits):
        return record, raw
    record, changed = sanitize(record, limits, file, lineno)
    return record, (dumps(record).encode() if changed else raw)


def load_snapshot(path: str | Path, types: Mapping[str, type[Resource]] | None = None) -> Inventory:
    """Read a snapshot file, checking its format, every line and its content digest.

    Every line goes through the input layer (:mod:`auditor.core.safe_load`): bounded size and
    depth, no duplicate keys, strict types (``"encrypted": "yes"`` is an error, not ``true``),
    credential-shaped strings redacted on load (a snapshot written by hand or by an older version
    may hold them). Errors name the file and line, and the field's path.
    """
    from auditor.core.model.registry import resource_types

    registry = types if types is not None else resource_types()
    file = Path(path)
    if not file.is_file():
        raise InputError("snapshot file not found", file=file)
    limits = SNAPSHOT
    size = file.stat().st_size
    if size > limits.max_bytes:
        raise located(
            file, None, f"snapshot file too large ({size:,} bytes; limit {limits.max_bytes:,})"
        )
    digest = hashlib.sha256()
    inventory: Inventory | None = None
    footer: SnapshotFooter | None = None
    try:
        lines = iter_snapshot_lines(file, limits.max_line)
        for lineno, raw in lines:
            if footer is not None:
                raise InputError("data after the footer line", file=file, line=lineno)
            record, data = _record(file, lineno, raw, limits)
            kind = record["kind"]
            if inventory is None:
                if kind != "header":
                    raise InputError(
                        "not a baa-audit snapshot (first line is not a header)",
                        file=file,
                        line=lineno,
                    )
                version = record.get("format_version")
                if type(version) is int and version > SNAPSHOT_VERSION:
                    raise InputError(
                        f"snapshot format version {version} is newer than this tool "
                        f"understands ({SNAPSHOT_VERSION}); upgrade baa-audit",
                        file=file,
                        line=lineno,
                    )
                header = validate_json_model(
                    SnapshotHeader, data, file, lineno, what="header record"
                )
                inventory = Inventory(header=header)
            elif kind == "resource":
                rtype = record.get("type")
                cls = registry.get(rtype) if isinstance(rtype, str) else None
                if cls is None:
                    shown = rtype if isinstance(rtype, str) else type(rtype).__name__
                    raise InputError(f"unknown resource type {shown!r}", file=file, line=lineno)
                extra = sorted(set(record) - {"kind", "type", "data"})
                if extra:
                    raise InputError(
                        f"invalid resource record: {extra[0]}: unknown key", file=file, line=lineno
                    )
                resource = validate_value(
                    cls, record.get("data"), file, lineno, what="resource record", prefix="data"
                )
                inventory.add_resource(resource)
            elif kind == "listing_gap":
                gap = validate_json_model(_GapLine, data, file, lineno, what="listing_gap record")
                inventory.add_listing_gap(
                    ListingGap.model_validate(gap.model_dump(exclude={"kind"}))
                )
            elif kind == "coverage":
                cov = validate_json_model(_CoverageLine, data, file, lineno, what="coverage record")
                inventory.add_coverage(Coverage.model_validate(cov.model_dump(exclude={"kind"})))
            elif kind == "footer":
                footer = validate_json_model(
                    SnapshotFooter, data, file, lineno, what="footer record"
                )
                if footer.content_sha256 != digest.hexdigest():
                    raise InputError(
                        "snapshot content does not match its recorded SHA-256: it was changed or truncated",
                        file=file,
                        line=lineno,
                    )
                inventory.finished_at = footer.finished_at
                if footer.scope is not None:
                    inventory.header.scope = footer.scope
                continue
            else:
                shown = kind if isinstance(kind, str) else type(kind).__name__
                raise InputError(f"unknown record kind {shown!r}", file=file, line=lineno)
            digest.update(raw)
    except OSError as exc:
        raise InputError(f"cannot read snapshot: {exc.strerror or exc}", file=file) from None
    if inventory is None:
        raise InputError("empty snapshot file", file=file)
    if footer is None:
        raise InputError(
            "snapshot has no footer line: the collection did not finish or the file was truncated",
            file=file,
        )
    return inventory


__all__ = [
    "Inventory",
    "InventorySink",
    "SnapshotFooter",
    "SnapshotHeader",
    "SnapshotWriter",
    "dump_snapshot",
    "load_snapshot",
    "utcnow",
]
