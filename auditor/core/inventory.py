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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor import __version__
from auditor.core.errors import InputError
from auditor.core.fileio import atomic_writer
from auditor.core.model.base import Coverage, ListingGap, Resource
from auditor.core.redact import redact, redact_text
from auditor.core.scope import Scope

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


#: Free-form maps on resources (user-chosen keys): secrets are recognised by key name there too.
FREE_FORM_FIELDS = frozenset({"tags", "labels", "environment", "parameters", "variables"})


def scrub(data: Any, free_form: bool = False) -> Any:
    """Redact credential-shaped values before they reach any file.

    Typed model fields keep their names (``token_validity_units.AccessToken`` is evidence about a
    token, not a token), so only credential-*shaped* strings are replaced there; inside free-form
    maps such as tags, a key that names a secret (``db_password``) redacts its value as well.
    """
    if free_form:
        return redact(data)
    if isinstance(data, str):
        return redact_text(data)
    if isinstance(data, dict):
        return {k: scrub(v, isinstance(k, str) and k in FREE_FORM_FIELDS) for k, v in data.items()}
    if isinstance(data, list):
        return [scrub(v) for v in data]
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
        self._emit({"kind": "listing_gap", **gap.model_dump(mode="json")})

    def add_coverage(self, coverage: Coverage) -> None:
        self._emit({"kind": "coverage", **coverage.model_dump(mode="json")})

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


def iter_snapshot_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        yield from enumerate(handle, start=1)


def load_snapshot(path: str | Path, types: Mapping[str, type[Resource]] | None = None) -> Inventory:
    """Read a snapshot file, checking its format, every line and its content digest."""
    from auditor.core.model.registry import resource_types

    registry = types if types is not None else resource_types()
    file = Path(path)
    if not file.is_file():
        raise InputError("snapshot file not found", file=file)
    digest = hashlib.sha256()
    inventory: Inventory | None = None
    footer: SnapshotFooter | None = None
    for lineno, raw in iter_snapshot_lines(file):
        if footer is not None:
            raise InputError("data after the footer line", file=file, line=lineno)
        try:
            record = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(
                f"not JSON: {exc.args[0] if exc.args else exc}", file=file, line=lineno
            ) from None
        if not isinstance(record, dict) or "kind" not in record:
            raise InputError("expected a JSON object with a 'kind'", file=file, line=lineno)
        kind = record["kind"]
        try:
            if inventory is None:
                if kind != "header":
                    raise InputError(
                        "not a baa-audit snapshot (first line is not a header)",
                        file=file,
                        line=lineno,
                    )
                header = SnapshotHeader.model_validate(record)
                if header.format_version > SNAPSHOT_VERSION:
                    raise InputError(
                        f"snapshot format version {header.format_version} is newer than this tool "
                        f"understands ({SNAPSHOT_VERSION}); upgrade baa-audit",
                        file=file,
                        line=lineno,
                    )
                inventory = Inventory(header=header)
            elif kind == "resource":
                rtype = record.get("type")
                cls = registry.get(str(rtype))
                if cls is None:
                    raise InputError(f"unknown resource type {rtype!r}", file=file, line=lineno)
                inventory.add_resource(cls.model_validate(record.get("data")))
            elif kind == "listing_gap":
                inventory.add_listing_gap(
                    ListingGap.model_validate({k: v for k, v in record.items() if k != "kind"})
                )
            elif kind == "coverage":
                inventory.add_coverage(
                    Coverage.model_validate({k: v for k, v in record.items() if k != "kind"})
                )
            elif kind == "footer":
                footer = SnapshotFooter.model_validate(record)
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
                raise InputError(f"unknown record kind {kind!r}", file=file, line=lineno)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            raise InputError(
                f"invalid {kind} record: {loc}: {err['msg']}", file=file, line=lineno
            ) from None
        digest.update(raw)
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
