"""The closed set of condition operators: parsing (with located errors) and evaluation.

See docs/policy-format.md. Every operator except ``exists: false`` and ``empty: true`` is false on
a ``None`` value, so an absent value can never make an assertion hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.core.errors import Problem
from auditor.core.params import parameter_names
from auditor.core.yamlio import line_of
from auditor.judge.policy.paths import PathError, item_model, read, resolve_type

LIST_OPERATORS = frozenset({"in", "not_in", "subset_of", "superset_of"})
SCALAR_OPERATORS = frozenset({"equals", "not_equals", "contains", "gte", "gt", "lte", "lt"})
BOOL_OPERATORS = frozenset({"exists", "empty"})
QUANTIFIERS = frozenset({"each", "some"})
OPERATORS = LIST_OPERATORS | SCALAR_OPERATORS | BOOL_OPERATORS | QUANTIFIERS | {"matches"}
COMBINATORS = frozenset({"all", "any", "not"})
PARAM_PREFIX = "$params."


@dataclass(frozen=True)
class ParamRef:
    name: str


@dataclass(frozen=True)
class Leaf:
    path: str  # "" means the list item itself (inside each/some)
    op: str
    operand: Any


@dataclass(frozen=True)
class Quantifier:
    path: str
    op: str  # each | some
    condition: Condition


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class NotOf:
    item: Condition


Condition = Leaf | Quantifier | AllOf | AnyOf | NotOf


@dataclass
class ParseContext:
    file: str
    root: Any  # the whole policy node, for line lookups
    problems: list[Problem] = field(default_factory=list)
    params_used: set[str] = field(default_factory=set)

    def problem(self, keys: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.file, line_of(self.root, *keys), message))


def _operand(value: Any, ctx: ParseContext, keys: tuple[str | int, ...]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        if not value.startswith(PARAM_PREFIX):
            ctx.problem(
                keys, f"unknown reference {value!r}; profile parameters are written $params.NAME"
            )
            return ParamRef("")
        name = value[len(PARAM_PREFIX) :]
        if name not in parameter_names():
            ctx.problem(
                keys,
                f"unknown profile parameter {name!r}; known: {', '.join(sorted(parameter_names()))}",
            )
        ctx.params_used.add(name)
        return ParamRef(name)
    return value


def parse_condition(
    node: Any, model: Any, ctx: ParseContext, keys: tuple[str | int, ...], in_item: bool = False
) -> Condition | None:
    """Parse one condition node, checking paths against ``model``. Problems go to ``ctx``."""
    if not isinstance(node, Mapping):
        ctx.problem(
            keys, "a condition must be a mapping such as {path: x, equals: y} or {all: [...]}"
        )
        return None
    combinators = [k for k in node if k in COMBINATORS]
    if combinators:
        if len(node) != 1:
            ctx.problem(keys, f"'{combinators[0]}' must stand alone in its mapping")
            return None
        key = combinators[0]
        value = node[key]
        if key == "not":
            inner = parse_condition(value, model, ctx, (*keys, "not"), in_item)
            return NotOf(inner) if inner is not None else None
        if not isinstance(value, list) or not value:
            ctx.problem((*keys, key), f"'{key}' takes a non-empty list of conditions")
            return None
        items = [
            parse_condition(v, model, ctx, (*keys, key, i), in_item) for i, v in enumerate(value)
        ]
        if any(i is None for i in items):
            return None
        parsed = tuple(i for i in items if i is not None)
        return AllOf(parsed) if key == "all" else AnyOf(parsed)

    path = node.get("path", "")
    ops = [k for k in node if k != "path"]
    unknown = [k for k in ops if k not in OPERATORS]
    if unknown:
        ctx.problem(
            (*keys, unknown[0]),
            f"unknown operator {unknown[0]!r}; operators: {', '.join(sorted(OPERATORS))}",
        )
        return None
    if len(ops) != 1:
        ctx.problem(
            keys,
            f"a condition needs exactly one operator, found {len(ops)}: {', '.join(ops) or 'none'}",
        )
        return None
    op = ops[0]
    if not isinstance(path, str) or (not path and not in_item):
        ctx.problem(keys, "a condition needs a 'path' naming a field of the resource")
        return None
    annotation: Any = model
    if path:
        try:
            annotation = resolve_type(model, path)
        except PathError as exc:
            ctx.problem((*keys, "path"), f"bad path {path!r}: {exc}")
            return None
        except TypeError:
            ctx.problem((*keys, "path"), f"bad path {path!r}: the list items here are not records")
            return None
    value = node[op]
    if op in QUANTIFIERS:
        try:
            inner_model = item_model(annotation)
        except PathError:
            ctx.problem((*keys, op), f"'{op}' needs a list field, and {path!r} is not a list")
            return None
        inner = parse_condition(value, inner_model, ctx, (*keys, op), in_item=True)
        return Quantifier(path, op, inner) if inner is not None else None
    operand = _operand(value, ctx, (*keys, op))
    if op in LIST_OPERATORS and not isinstance(operand, list | ParamRef):
        ctx.problem((*keys, op), f"'{op}' takes a list or a $params reference")
        return None
    if op in BOOL_OPERATORS and not isinstance(operand, bool):
        ctx.problem((*keys, op), f"'{op}' takes true or false")
        return None
    if op == "matches":
        if not isinstance(operand, str):
            ctx.problem((*keys, op), "'matches' takes a regular expression string")
            return None
        try:
            operand = re.compile(operand)
        except re.error as exc:
            ctx.problem((*keys, op), f"bad regular expression: {exc}")
            return None
    return Leaf(path, op, operand)


def condition_paths(condition: Condition | None, prefix: str = "") -> list[str]:
    """Every field path (from the resource root) a condition reads, in order, without repeats."""
    seen: dict[str, None] = {}

    def walk(cond: Condition, pre: str) -> None:
        if isinstance(cond, Leaf):
            if not pre or cond.path:
                seen.setdefault(
                    f"{pre}.{cond.path}" if pre and cond.path else (cond.path or pre), None
                )
        elif isinstance(cond, Quantifier):
            full = f"{pre}.{cond.path}" if pre else cond.path
            seen.setdefault(full, None)
        elif isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                walk(item, pre)
        else:
            walk(cond.item, pre)

    if condition is not None:
        walk(condition, prefix)
    return list(seen)


def condition_params(condition: Condition | None) -> set[str]:
    found: set[str] = set()

    def walk(cond: Condition) -> None:
        if isinstance(cond, Leaf) and isinstance(cond.operand, ParamRef):
            found.add(cond.operand.name)
        elif isinstance(cond, Quantifier):
            walk(cond.condition)
        elif isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                walk(item)
        elif isinstance(cond, NotOf):
            walk(cond.item)

    if condition is not None:
        walk(condition)
    return found


# ---------------------------------------------------------------- evaluation

_VERSION = re.compile(r"^\d+(\.\d+)*$")


def _orderable(a: Any, b: Any) -> tuple[Any, Any] | None:
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a, b
    if isinstance(a, str) and isinstance(b, str) and _VERSION.match(a) and _VERSION.match(b):
        return tuple(int(x) for x in a.split(".")), tuple(int(x) for x in b.split("."))
    return None


def _compare(value: Any, operand: Any, test: Callable[[Any, Any], bool]) -> bool:
    pair = _orderable(value, operand)
    return pair is not None and test(*pair)


def _as_list(value: Any) -> list[Any] | None:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return None


def _leaf(op: str, value: Any, operand: Any) -> bool:
    if op == "exists":
        return (value is not None) is operand
    if op == "empty":
        is_empty = value is None or (
            isinstance(value, list | tuple | dict | str | set) and len(value) == 0
        )
        return is_empty is operand
    if value is None:
        return False
    if op == "equals":
        return bool(value == operand)
    if op == "not_equals":
        return bool(value != operand)
    if op == "in":
        return operand is not None and value in operand
    if op == "not_in":
        return operand is not None and value not in operand
    if op in ("subset_of", "superset_of"):
        items = _as_list(value)
        if items is None or operand is None:
            return False
        if op == "subset_of":
            return all(i in operand for i in items)
        return all(o in items for o in operand)
    if op == "contains":
        if isinstance(value, str):
            return isinstance(operand, str) and operand in value
        items = _as_list(value)
        return items is not None and operand in items
    if op == "gte":
        return _compare(value, operand, lambda a, b: a >= b)
    if op == "gt":
        return _compare(value, operand, lambda a, b: a > b)
    if op == "lte":
        return _compare(value, operand, lambda a, b: a <= b)
    if op == "lt":
        return _compare(value, operand, lambda a, b: a < b)
    if op == "matches":
        return isinstance(value, str) and operand.fullmatch(value) is not None
    raise ValueError(f"unknown operator {op}")  # pragma: no cover - rejected at load


def evaluate_condition(condition: Condition, obj: Any, params: Mapping[str, Any]) -> bool:
    if isinstance(condition, AllOf):
        return all(evaluate_condition(c, obj, params) for c in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate_condition(c, obj, params) for c in condition.items)
    if isinstance(condition, NotOf):
        return not evaluate_condition(condition.item, obj, params)
    if isinstance(condition, Quantifier):
        items = _as_list(read(obj, condition.path))
        if items is None:
            return False
        if condition.op == "each":
            return all(evaluate_condition(condition.condition, item, params) for item in items)
        return any(evaluate_condition(condition.condition, item, params) for item in items)
    value = read(obj, condition.path) if condition.path else obj
    operand = (
        params.get(condition.operand.name)
        if isinstance(condition.operand, ParamRef)
        else condition.operand
    )
    return _leaf(condition.op, value, operand)


__all__ = [
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Condition",
    "Leaf",
    "NotOf",
    "ParamRef",
    "ParseContext",
    "Quantifier",
    "condition_params",
    "condition_paths",
    "evaluate_condition",
    "parse_condition",
]
