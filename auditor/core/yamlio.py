"""YAML loading that remembers line numbers, so every mistake can be reported as file:line.

Every YAML file the tool reads (profiles, policies, their cases, waivers, the catalog) is
untrusted and is read here, strictly and within limits:

* the YAML 1.2 core schema for plain scalars: only ``true`` / ``false`` are booleans (``yes``,
  ``no``, ``on``, ``off`` stay strings, so a strict model refuses them where a boolean is meant),
  ``017`` is seventeen and ``1:30`` is a string; dates (``2027-01-31``) are dates, and an
  impossible one (``2027-02-30``) is an error at its line;
* no duplicate keys; no ``!!binary``, ``!!set``, ``!!omap`` or ``!!pairs``;
* bounded: file size, nesting depth, scalar length, integer range, the number of aliases and the
  number of nodes after aliases are expanded, so an alias bomb ("billion laughs") is refused
  after a few hundred nodes instead of growing to gigabytes; recursive aliases are refused;
* the file must be UTF-8.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from auditor.core.errors import InputError


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_scalar: int = 1024 * 1024
    max_aliases: int = 1000
    #: nodes of the document with every alias expanded (what a reader of it will walk)
    max_nodes: int = 250_000
    max_int: int = 2**63 - 1


LIMITS = YamlLimits()


class LineDict(dict[str, Any]):
    """A mapping from YAML that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence from YAML that knows the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


def _refusal(problem: str, mark: Any) -> ComposerError:
    """A limit of :class:`YamlLimits` reached at ``mark``, as PyYAML reports a problem."""
    return ComposerError(None, None, problem, mark)


class _Loader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's plain scalars (plus dates and merge keys) and
    the limits of :class:`YamlLimits`."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def __init__(self, stream: str, limits: YamlLimits = LIMITS) -> None:
        super().__init__(stream)
        self.limits = limits
        self._depth = 0
        self._aliases = 0
        self._nodes = 0
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, int] = {}

    # -- composing, within limits --------------------------------------------------------------
    def _count(self, nodes: int, mark: Any) -> None:
        self._nodes += nodes
        if self._nodes > self.limits.max_nodes:
            raise _refusal(
                f"document too large once its aliases are expanded "
                f"(limit {self.limits.max_nodes:,} nodes)",
                mark,
            )

    def _size(self, node: Node) -> int:
        """Nodes under ``node`` with every alias expanded (memoized: linear in distinct nodes)."""
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self._size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self._size(k) + self._size(v) for k, v in node.value)
        size = min(size, self.limits.max_nodes + 1)
        self._sizes[id(node)] = size
        return size

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise _refusal(f"too many aliases (limit {self.limits.max_aliases})", mark)
            if event.anchor in self._open_anchors:
                raise _refusal(f"recursive alias *{event.anchor} is not allowed", mark)
            node = super().compose_node(parent, index)
            if node is not None:
                self._count(self._size(node), mark)
            return node
        self._depth += 1
        if self._depth > self.limits.max_depth:
            raise _refusal(f"nested too deeply (limit {self.limits.max_depth} levels)", mark)
        if isinstance(event, ScalarEvent) and len(event.value) > self.limits.max_scalar:
            raise _refusal(
                f"value too long ({len(event.value):,} characters; limit {self.limits.max_scalar:,})",
                mark,
            )
        self._count(1, mark)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor:
                self._open_anchors.discard(anchor)
        return node

    # -- constructing ----------------------------------------------------------------------------
    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        try:
            if text.startswith("0o"):
                value = int(text[2:], 8)
            elif text.startswith("0x"):
                value = int(text[2:], 16)
            else:
                value = int(text, 10)
        except ValueError as exc:
            raise ConstructorError(None, None, f"invalid integer: {exc}", node.start_mark) from None
        if not -self.limits.max_int - 1 <= value <= self.limits.max_int:
            raise ConstructorError(
                None,
                None,
                f"integer out of range (limit +-{self.limits.max_int:,})",
                node.start_mark,
            )
        return value

    def construct_yaml_float(self, node: ScalarNode) -> float:
        value = float(super().construct_yaml_float(node))
        if not math.isfinite(value):
            raise ConstructorError(
                None, None, f"number out of range: {node.value!r}", node.start_mark
            )
        return value

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise ConstructorError(
                None, None, f"invalid date {node.value!r}: {exc}", node.start_mark
            ) from None

    def construct_unsupported(self, node: Node) -> Any:
        raise ConstructorError(
            None, None, f"YAML type {node.tag} is not supported here", node.start_mark
        )


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
    ),
    list("0123456789"),
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _Loader.construct_unsupported)


class YamlError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_yaml(text: str, limits: YamlLimits = LIMITS) -> Any:
    """Parse YAML text into LineDict/LineList/scalars. Raises :class:`YamlError` with a line."""
    loader = None
    try:
        loader = _Loader(text, limits)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"malformed YAML: {problem}", line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (ESC, NUL ...)
        line = text.count("\n", 0, exc.position) + 1
        raise YamlError(
            f"malformed YAML: character #x{exc.character:04x} is not allowed in YAML", line
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {exc}", None) from None
    except RecursionError:
        raise YamlError(
            f"malformed YAML: nested too deeply (limit {limits.max_depth})", None
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(path: Path, limits: YamlLimits = LIMITS) -> Any:
    """Read and parse a YAML file; errors carry the line. Raises OSError for unreadable files.

    A file larger than ``limits.max_bytes`` or not UTF-8 is a :class:`YamlError`.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise YamlError(f"file too large (limit {limits.max_bytes:,} bytes)", None)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)", line
        ) from None
    return parse_yaml(text, limits)


def read_yaml_input(path: Path, what: str) -> Any:
    """:func:`read_yaml` for an input file (``what`` names its kind in the message): a file
    that cannot be read, or is not good YAML, is an :class:`~auditor.core.errors.InputError`
    naming it (and the line)."""
    try:
        return read_yaml(path)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", file=path) from None
    except YamlError as exc:
        raise InputError(exc.message, file=path, line=exc.line) from None


def line_of(node: Any, *keys: str | int) -> int | None:
    """The line of ``node[keys[0]][keys[1]]...``, as deep as line information goes."""
    line = getattr(node, "line", None) or None
    current = node
    for key in keys:
        if isinstance(current, LineDict) and isinstance(key, str) and key in current:
            line = current.key_lines.get(key, line)
            current = current[key]
        elif isinstance(current, LineList) and isinstance(key, int) and 0 <= key < len(current):
            line = current.item_lines[key]
            current = current[key]
        else:
            break
    return line


def plain(value: Any) -> Any:
    """Convert LineDict/LineList back into plain dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


__all__ = [
    "LIMITS",
    "LineDict",
    "LineList",
    "YamlError",
    "YamlLimits",
    "line_of",
    "parse_yaml",
    "plain",
    "read_yaml",
    "read_yaml_input",
]
