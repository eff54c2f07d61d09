"""Terraform resource configurations as checkov hands them to a check, made easy to read.

Checkov gives a resource's configuration with every attribute wrapped in a list (``'port':
[443]``), nested blocks as lists of such dicts, and, for plans, bookkeeping keys (``__file__``,
``start_line`` ...) sprinkled through nested dicts. The same shape comes from ``.tf`` files and
from ``terraform show -json`` plans, so mappers read both with the same accessors.

A value Terraform only knows after apply, or that checkov could not render (an unresolved
variable, a reference to another resource's computed attribute), arrives as the reference text
(``aws_kms_key.k.arn``, ``var.policy``). :func:`is_unresolved` recognises it, so a mapper can tell
"set to something" (enough to know a key is configured) from a value it can actually judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_META_KEYS = frozenset(
    {"__file__", "__startline__", "__endline__", "__start_line__", "__end_line__", "references_"}
)
_PLAN_LINE_KEYS = frozenset({"start_line", "end_line"})

_REFERENCE = re.compile(
    r"^(?:\$\{.*\}"  # interpolation left as text
    r"|(?:var|local|module|data|each|count|self)\.[\w.\-\[\]\"*]+"  # a reference
    r"|(?:aws|google|azurerm|random|tls|null)_[a-z0-9_]+\.[\w\-]+(?:\[[^\]]*\])?\.[\w.\-\[\]*]+"
    r"|[a-z][a-z0-9_]*\(.*\))$",  # a function call checkov did not evaluate (lookup(...))
    re.DOTALL,
)


def clean(value: Any) -> Any:
    """``value`` without checkov's bookkeeping keys (recursively)."""
    if isinstance(value, dict):
        plan_lines = "__startline__" in value or "__file__" in value
        return {
            k: clean(v)
            for k, v in value.items()
            if k not in _META_KEYS and not (plan_lines and k in _PLAN_LINE_KEYS)
        }
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def is_unresolved(value: Any) -> bool:
    """True for a reference or interpolation checkov left as text (known only after apply)."""
    return isinstance(value, str) and bool(_REFERENCE.match(value.strip()))


def first(conf: Mapping[str, Any], key: str) -> Any:
    """An attribute's value (unwrapped), or ``None`` when it is not set."""
    value = conf.get(key)
    if isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return clean(value)


def blocks(conf: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The nested blocks named ``key`` (each a dict read with the same accessors)."""
    value = conf.get(key)
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        return []
    out: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, dict):
            out.append(item)
        elif isinstance(item, list):  # plans wrap block lists once more
            out.extend(i for i in item if isinstance(i, dict))
    return out


def block(conf: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    found = blocks(conf, key)
    return found[0] if found else None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def as_str_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def as_map(value: Any) -> dict[str, str]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = value[0]
    if not isinstance(value, dict):
        return {}
    return {
        str(k): str(v[0] if isinstance(v, list) and len(v) == 1 else v)
        for k, v in clean(value).items()
    }


def references(value: Any, address: str) -> bool:
    """True when ``value`` is a reference to the resource at ``address`` (any attribute).

    Inside a module a reference names the resource without the module path
    (``google_compute_ssl_policy.edge.id`` for ``module.lb.google_compute_ssl_policy.edge``).
    """
    if not isinstance(value, str):
        return False
    if value == address or value.startswith(address + "."):
        return True
    if address.startswith("module."):
        local = ".".join(address.split(".")[-2:])
        return value == local or value.startswith(local + ".")
    return False


def _directory(file: str) -> str:
    return file.replace("\\", "/").rsplit("/", 1)[0] if "/" in file.replace("\\", "/") else ""


def _same_directory(a: str, b: str) -> bool:
    a, b = a.rstrip("/"), b.rstrip("/")
    return (
        a == b
        or a.endswith(b if b.startswith("/") else "/" + b)
        or b.endswith(a if a.startswith("/") else "/" + a)
    )


@dataclass(frozen=True)
class TfResource:
    """One Terraform resource: its type, address and (raw, checkov-shaped) configuration."""

    type: str
    address: str
    conf: Mapping[str, Any]
    file: str | None = None
    line_start: int | None = None
    line_end: int | None = None

    @property
    def name(self) -> str:
        return self.address.rsplit(".", 1)[-1]

    def get(self, key: str) -> Any:
        return first(self.conf, key)

    def blocks(self, key: str) -> list[dict[str, Any]]:
        return blocks(self.conf, key)


@dataclass
class TfIndex:
    """Every resource of one Terraform configuration or plan, for joins across resources.

    ``aws_s3_bucket_server_side_encryption_configuration`` says which bucket it encrypts;
    ``aws_db_instance`` names its parameter group: a mapper finds the other side here.
    """

    resources: list[TfResource] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_type: dict[str, list[TfResource]] = {}
        for res in self.resources:
            self._by_type.setdefault(res.type, []).append(res)

    @classmethod
    def of(cls, resources: Iterable[TfResource]) -> TfIndex:
        return cls(list(resources))

    def scoped(self, res: TfResource) -> TfIndex:
        """The resources declared in the same directory as ``res`` (one root module or module).

        Joins never cross directories: two stacks scanned together may both declare
        ``aws_s3_bucket.phi``. Directories compare by suffix, as checkov names the scanned file
        relative to the scanned root and graph nodes by absolute path. Resources without a file
        (plans: one file for everything) are always in scope.
        """
        if not res.file:
            return self
        where = _directory(res.file)
        if where in ("", "/"):  # a file at the scanned root: its directory is the whole scan
            return self
        kept = [
            r for r in self.resources if not r.file or _same_directory(_directory(r.file), where)
        ]
        return TfIndex(kept) if len(kept) != len(self.resources) else self

    def of_type(self, tf_type: str) -> list[TfResource]:
        return list(self._by_type.get(tf_type, ()))

    def referencing(
        self, tf_type: str, attribute: str, target: TfResource, *, literal: str | None = None
    ) -> list[TfResource]:
        """Resources of ``tf_type`` whose ``attribute`` points at ``target``.

        A pointer is a reference to ``target``'s address, or the literal name (``literal``, e.g.
        the bucket name) when the configuration spells the name out.
        """
        found: list[TfResource] = []
        for res in self._by_type.get(tf_type, ()):
            value = res.get(attribute)
            if references(value, target.address) or (
                literal is not None and isinstance(value, str) and value == literal
            ):
                found.append(res)
        return found

    def resolve(self, value: Any, tf_type: str, *, by: str | None = None) -> TfResource | None:
        """The resource of ``tf_type`` a value points at: a reference, or a literal ``by`` match."""
        if not isinstance(value, str):
            return None
        for res in self._by_type.get(tf_type, ()):
            if references(value, res.address):
                return res
            if by is not None and res.get(by) == value:
                return res
        return None


__all__ = [
    "TfIndex",
    "TfResource",
    "as_bool",
    "as_int",
    "as_map",
    "as_str",
    "as_str_list",
    "block",
    "blocks",
    "clean",
    "first",
    "is_unresolved",
    "references",
]
