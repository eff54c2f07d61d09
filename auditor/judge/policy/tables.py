"""Look-up tables for the ``lookup`` transform: provider vocabularies policies judge by.

``policies/data/tables.yaml`` maps names the providers use (a security policy, a protocol
setting) to what they mean (the lowest TLS version it admits), each table with the documentation
it was taken from. A name missing from a table maps to nothing (``None``), which no operator but
``exists: false`` accepts, so an unknown name is never good enough.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.core.errors import InputError
from auditor.core.resources import policies_dir
from auditor.core.yamlio import plain, read_yaml_input

TABLES_FILE = "data/tables.yaml"


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    sources: tuple[str, ...]
    values: dict[str, Any]

    def get(self, key: Any) -> Any:
        if key is None or isinstance(key, list | dict):
            return None
        return self.values.get(str(key))


def _parse(node: Any, file: Path) -> dict[str, Table]:
    if not isinstance(node, dict) or not isinstance(node.get("tables"), dict):
        raise InputError("a tables file holds 'tables: {name: {values: {...}}}'", file=file)
    tables: dict[str, Table] = {}
    for name, body in node["tables"].items():
        if not isinstance(body, dict) or not isinstance(body.get("values"), dict):
            raise InputError(f"table {name!r} needs 'values: {{...}}'", file=file)
        sources = body.get("source") or []
        tables[str(name)] = Table(
            name=str(name),
            description=str(body.get("description", "")),
            sources=tuple(str(s) for s in (sources if isinstance(sources, list) else [sources])),
            values={str(k): v for k, v in body["values"].items()},
        )
    return tables


@functools.lru_cache(maxsize=4)
def load_tables(path: str | None = None) -> dict[str, Table]:
    """The shipped tables (read once)."""
    file = Path(path) if path else policies_dir() / TABLES_FILE
    node = plain(read_yaml_input(file, "tables"))
    return _parse(node, file)


__all__ = ["TABLES_FILE", "Table", "load_tables"]
