"""The closed condition language: parsing (with located errors) and three-valued evaluation.

See docs/policy-format.md. A condition evaluates to a :class:`~auditor.judge.policy.truth.Truth`:
true, false, or unknown with the gaps that made it unknown. Every leaf reads its field through
:func:`~auditor.judge.policy.related.read_field`, so a field covered by a gap is unknown (only
what depends on it becomes unknown), and every join reads other resources through
:class:`~auditor.judge.policy.related.RelatedIndex`, so a look-up in a place whose listing failed
is unknown too. Every operator except ``exists: false`` and ``empty: true`` is false on a
``None`` value, so an absent value can never make an assertion hold.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from auditor.core.errors import Problem
from auditor.core.model.base import Resource
from auditor.core.params import parameter_names
from auditor.core.yamlio import line_of
from auditor.judge.policy.paths import PathError, item_model, read, read_segments, resolve_type
from auditor.judge.policy.related import (
    IDENTITY_FIELDS,
    RelatedIndex,
    hierarchy_accounts,
    not_listed,
)
from auditor.judge.policy.tables import Table
from auditor.judge.policy.truth import (
    FALSE,
    TRUE,
    Missing,
    Truth,
    all_of,
    any_of,
    not_,
    unknown,
)
from auditor.judge.policy.versions import lowest_version

LIST_OPERATORS = frozenset({"in", "not_in", "subset_of", "superset_of"})
SCALAR_OPERATORS = frozenset(
    {"equals", "not_equals", "contains", "gte", "gt", "lte", "lt", "version_gte", "version_lt"}
)
BOOL_OPERATORS = frozenset({"exists", "empty"})
STRING_OPERATORS = frozenset({"matches", "starts_with"})
QUANTIFIERS = frozenset({"each", "some", "count"})
OPERATORS = LIST_OPERATORS | SCALAR_OPERATORS | BOOL_OPERATORS | STRING_OPERATORS | QUANTIFIERS
COMBINATORS = frozenset({"all", "any", "not"})
COUNT_COMPARISONS = frozenset({"gte", "gt", "lte", "lt", "equals"})
JOIN_PLACES = frozenset({"account", "region", "any"})
SUBJECTS = frozenset({"path", "param", "join"})
MODIFIERS = frozenset({"lookup", "because"})
PARAM_PREFIX = "$params."


@dataclass(frozen=True)
class ParamRef:
    name: str


# ------------------------------------------------------------------------- evaluation context


@dataclass
class Env:
    """What a condition may look at besides the resource: parameters and other resources.

    ``joined`` remembers, per join condition and joined resource, what the join's inner
    condition came to on that resource, and ``explained`` why it is false there: both depend on
    nothing else (the resource is its own root there), so a resource many others join to is
    judged and explained once per condition, not once per resource joining it. Keyed by the condition and the resource's identity; the resource is
    kept beside its truth so that its identity cannot be reused while the entry lives.
    """

    params: Mapping[str, Any]
    related: RelatedIndex | None = None
    joined: dict[tuple[Node, int], tuple[Resource, Truth]] = field(default_factory=dict, repr=False)
    explained: dict[tuple[Node, int], tuple[Resource, list[Reason]]] = field(
        default_factory=dict, repr=False
    )

    def joined_truth(self, condition: Condition, target: Resource) -> Truth:
        """``condition`` on the joined resource ``target`` (its own root), computed once."""
        key = (condition, id(target))
        seen = self.joined.get(key)
        if seen is not None:
            return seen[1]
        truth = condition.evaluate(self, target, "", target)
        self.joined[key] = (target, truth)
        return truth

    def joined_reasons(self, condition: Condition, target: Resource) -> list[Reason]:
        """The reasons (:func:`explain`) ``condition`` is false on the joined ``target``, each
        about it, computed once."""
        key = (condition, id(target))
        seen = self.explained.get(key)
        if seen is not None:
            return seen[1]
        parts = Parts(self, target)
        parts.known[id(condition)] = self.joined_truth(condition, target)
        reasons = _explained(condition, target.name or target.id, parts)
        self.explained[key] = (target, reasons)
        return reasons


def _operand_value(operand: Any, env: Env) -> Any:
    return env.params.get(operand.name) if isinstance(operand, ParamRef) else operand


# ------------------------------------------------------------------------------- leaf tests


def _as_list(value: Any) -> list[Any] | None:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return None


_NUMERIC = re.compile(r"^\d+(\.\d+)*$")


def _orderable(a: Any, b: Any) -> tuple[Any, Any] | None:
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a, b
    if isinstance(a, str) and isinstance(b, str) and _NUMERIC.match(a) and _NUMERIC.match(b):
        return tuple(int(x) for x in a.split(".")), tuple(int(x) for x in b.split("."))
    return None


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(value: Any, operand: Any) -> bool:
        pair = _orderable(value, operand)
        return pair is not None and test(*pair)

    return check


def _versioned(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(value: Any, operand: Any) -> bool:
        have, want = lowest_version(value), lowest_version(operand)
        return have is not None and want is not None and test(have, want)

    return check


def _in(value: Any, operand: Any) -> bool:
    return operand is not None and value in operand


def _not_in(value: Any, operand: Any) -> bool:
    return operand is not None and value not in operand


def _subset(value: Any, operand: Any) -> bool:
    items = _as_list(value)
    return items is not None and operand is not None and all(i in operand for i in items)


def _superset(value: Any, operand: Any) -> bool:
    items = _as_list(value)
    return items is not None and operand is not None and all(o in items for o in operand)


def _contains(value: Any, operand: Any) -> bool:
    if isinstance(value, str):
        return isinstance(operand, str) and operand in value
    items = _as_list(value)
    return items is not None and operand in items


def _matches(value: Any, operand: Any) -> bool:
    return isinstance(value, str) and operand.fullmatch(value) is not None


def _starts_with(value: Any, operand: Any) -> bool:
    if not isinstance(value, str) or operand is None:
        return False
    prefixes = operand if isinstance(operand, list | tuple) else [operand]
    return any(isinstance(p, str) and value.startswith(p) for p in prefixes)


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda v, o: bool(v == o),
    "not_equals": lambda v, o: bool(v != o),
    "in": _in,
    "not_in": _not_in,
    "subset_of": _subset,
    "superset_of": _superset,
    "contains": _contains,
    "gte": _ordered(lambda a, b: a >= b),
    "gt": _ordered(lambda a, b: a > b),
    "lte": _ordered(lambda a, b: a <= b),
    "lt": _ordered(lambda a, b: a < b),
    "version_gte": _versioned(lambda a, b: a >= b),
    "version_lt": _versioned(lambda a, b: a < b),
    "matches": _matches,
    "starts_with": _starts_with,
}


def leaf_test_none(value: Any, operand: Any) -> bool:  # pragma: no cover - replaced at init
    return False


def _compiled(op: str) -> Callable[[Any, Any], bool]:
    """The two-valued test of ``op`` as one function of (value, operand)."""
    if op == "exists":
        return lambda value, operand: (value is not None) is operand
    if op == "empty":
        return lambda value, operand: (
            (value is None or (isinstance(value, list | tuple | dict | str | set) and not value))
            is operand
        )
    test = _TESTS[op]

    def check(value: Any, operand: Any) -> bool:
        return value is not None and test(value, operand)

    return check


def leaf_test(op: str, value: Any, operand: Any) -> bool:
    """Two-valued test of one operator on a value that was read (``None``: observed absent)."""
    if op == "exists":
        return (value is not None) is operand
    if op == "empty":
        is_empty = value is None or (
            isinstance(value, list | tuple | dict | str | set) and len(value) == 0
        )
        return is_empty is operand
    if value is None:
        return False
    return _TESTS[op](value, operand)


def _count_holds(op: str, low: float, high: float, n: float) -> Truth | None:
    """Whether ``count op n`` holds for every count in [low, high] (TRUE), none (FALSE), or
    some (None: unknown)."""

    def test(c: float) -> bool:
        if op == "gte":
            return c >= n
        if op == "gt":
            return c > n
        if op == "lte":
            return c <= n
        if op == "lt":
            return c < n
        return c == n

    if op == "equals":
        if low == high:
            return TRUE if low == n else FALSE
        return FALSE if not (low <= n <= high) else None
    at_low, at_high = test(low), test(high)
    if at_low and at_high:
        return TRUE
    if not at_low and not at_high:
        return FALSE
    return None


# ------------------------------------------------------------------------------ the nodes


@dataclass(frozen=True, eq=False)
class Node(ABC):
    """A condition: a leaf, a quantifier, a join or a combinator, each evaluated three-valued."""

    because: str | None = field(default=None, kw_only=True)

    @abstractmethod
    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        """True, false or unknown (with its gaps) for ``obj`` under ``root``."""


@dataclass(frozen=True, eq=False)
class Leaf(Node):
    """``{path: P, OP: operand}`` or ``{param: NAME, OP: operand}``; ``path: ""`` is the list
    item itself (inside ``each``/``some``/``count``)."""

    path: str | None
    op: str
    operand: Any
    param: str | None = None
    table: Table | None = None
    _segments: tuple[str, ...] = field(default=(), init=False, repr=False)
    _field: str | None = field(default=None, init=False, repr=False)
    _operand_param: str | None = field(default=None, init=False, repr=False)
    _own: tuple[str, bool] = field(default=("", False), init=False, repr=False)
    _test: Callable[[Any, Any], bool] = field(default=leaf_test_none, init=False, repr=False)

    def __post_init__(self) -> None:
        # precomputed once at load: the path's segments (and its one field, when it names a
        # field of the object itself), the parameter the operand names, the operator's test
        segments = tuple(self.path.split(".")) if self.path else ()
        object.__setattr__(self, "_segments", segments)
        object.__setattr__(self, "_field", segments[0] if len(segments) == 1 else None)
        if isinstance(self.operand, ParamRef):
            object.__setattr__(self, "_operand_param", self.operand.name)
        own = self.path or ""  # the path read from the resource's root, and whether a gap can
        object.__setattr__(self, "_own", (own, own.split(".", 1)[0] not in IDENTITY_FIELDS))
        object.__setattr__(self, "_test", _compiled(self.op))

    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        if self.param is not None:
            value = env.params.get(self.param)
        else:
            if root.gaps:
                if not prefix:  # a field of the resource itself: what a gap may cover is known
                    full, gappable = self._own
                else:
                    path = self.path or ""
                    full = f"{prefix}.{path}" if path else prefix
                    gappable = full.split(".", 1)[0] not in IDENTITY_FIELDS
                if full and gappable:
                    gap = root.gap_for(full)
                    if gap is not None:
                        return unknown(Missing(gap, root.id, full))
            name = self._field
            if name is not None and isinstance(obj, BaseModel):  # read_segments, one field
                value = getattr(obj, name, None)
            elif self._segments:
                value = read_segments(obj, self._segments)
            else:
                value = obj
        if self.table is not None:
            value = self.table.get(value)
        if self._operand_param is None:
            return TRUE if self._test(value, self.operand) else FALSE
        return TRUE if self._test(value, env.params.get(self._operand_param)) else FALSE


@dataclass(frozen=True, eq=False)
class Count:
    """``count: {where: c, gte: n}``: how many items (that satisfy ``where``) there are."""

    op: str
    n: Any  # int or ParamRef
    where: Condition | None = None


def _quantify(
    op: str,
    inner: Condition | None,
    count: Count | None,
    items: list[Any],
    judge: Callable[[Any], Truth],
    missing: tuple[Missing, ...],
    env: Env,
) -> Truth:
    """each / some / count over ``items``; ``missing`` stands for items that could not be seen
    (a failed listing), which may be any number of items of any value."""
    if op == "count":
        assert count is not None
        true_count = unknown_count = 0
        gaps: list[Truth] = []
        for item in items:
            truth = judge(item) if count.where is not None else TRUE
            if truth.gaps:
                gaps.append(truth)
            if truth.value is True:
                true_count += 1
            elif truth.value is None:
                unknown_count += 1
        high: float = math.inf if missing else true_count + unknown_count
        n = _operand_value(count.n, env)
        if not isinstance(n, int | float) or isinstance(n, bool):
            return FALSE
        verdict = _count_holds(count.op, true_count, high, n)
        met = tuple(m for t in gaps for m in t.gaps) + missing
        if verdict is None:
            return unknown(*met)
        return verdict.with_gaps(met) if met else verdict
    if op == "some":
        # true as soon as one item is: the rest (and any unread place) cannot change it
        seen: list[Truth] = []
        for item in items:
            truth = judge(item)
            if truth.value is True:
                return TRUE
            seen.append(truth)
        if missing:
            seen.append(unknown(*missing))
        return any_of(seen)
    truths = [judge(item) for item in items]
    if missing:
        truths.append(unknown(*missing))
    return all_of(truths)


@dataclass(frozen=True, eq=False)
class Quantifier(Node):
    """``{path: LIST, each: c}``, ``{path: LIST, some: c}``, ``{path: LIST, count: {...}}``."""

    path: str
    op: str
    condition: Condition | None
    count: Count | None = None
    _segments: tuple[str, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_segments", tuple(self.path.split(".")))

    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        full = f"{prefix}.{self.path}" if prefix else self.path
        if root.gaps:
            gap = root.gap_for(full)
            if gap is not None:
                return unknown(Missing(gap, root.id, full))
        items = _as_list(read_segments(obj, self._segments))
        if items is None:
            return FALSE
        inner = self.condition if self.op != "count" else (self.count.where if self.count else None)

        def judge(item: Any) -> Truth:
            assert inner is not None
            return inner.evaluate(env, root, full, item)

        return _quantify(self.op, self.condition, self.count, items, judge, (), env)


@dataclass(frozen=True)
class JoinSpec:
    """Which other resources a join reaches: ``type``; ``on`` (a field holding references; none:
    every resource of the type in the place); ``match`` (the target fields a reference may name);
    ``place`` (``account``, ``region`` or ``any``)."""

    type: str
    on: str | None
    match: tuple[str, ...]
    place: str


@dataclass(frozen=True, eq=False)
class Join(Node):
    """``{join: {...}, each|some|count: ...}`` over related resources."""

    spec: JoinSpec
    op: str
    condition: Condition | None
    count: Count | None = None

    def targets(
        self, env: Env, root: Resource, prefix: str, obj: Any
    ) -> tuple[list[Resource], tuple[Missing, ...]] | Truth:
        """The joined resources and the unread places, or an unknown Truth when the reference
        itself was not read."""
        related = env.related
        spec = self.spec
        if related is None:  # pragma: no cover - the engine always passes the index
            return unknown(not_listed(spec.type, root.account, None))
        also = hierarchy_accounts(root)
        account = root.account if spec.place in ("account", "region") else None
        region = root.region if spec.place == "region" else None
        if spec.on is None:
            return related.in_place(spec.type, account, region, also)
        full = f"{prefix}.{spec.on}" if prefix else spec.on
        if root.gaps:
            gap = root.gap_for(full)
            if gap is not None:
                return unknown(Missing(gap, root.id, full))
        value = read(obj, spec.on)
        refs = value if isinstance(value, list | tuple) else [value]
        found = []
        seen: set[int] = set()  # by identity: pydantic's == compares every field
        missing_all: list[Missing] = []
        for ref in refs:
            if not isinstance(ref, str) or not ref:
                continue
            matches, missing = related.lookup(spec.type, spec.match, ref, account, region, also)
            for match in matches:
                if id(match) not in seen:
                    seen.add(id(match))
                    found.append(match)
            if matches:
                continue
            missing_all.extend(missing)
        return found, tuple(missing_all)

    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        reached = self.targets(env, root, prefix, obj)
        if isinstance(reached, Truth):
            return reached
        found, missing = reached
        inner = self.condition if self.op != "count" else (self.count.where if self.count else None)

        def judge(target: Any) -> Truth:
            assert inner is not None
            return env.joined_truth(inner, target)

        return _quantify(self.op, self.condition, self.count, found, judge, missing, env)


@dataclass(frozen=True, eq=False)
class AllOf(Node):
    items: tuple[Condition, ...]

    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        return all_of([c.evaluate(env, root, prefix, obj) for c in self.items])


@dataclass(frozen=True, eq=False)
class AnyOf(Node):
    items: tuple[Condition, ...]

    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        return any_of([c.evaluate(env, root, prefix, obj) for c in self.items])


@dataclass(frozen=True, eq=False)
class NotOf(Node):
    item: Condition

    def evaluate(self, env: Env, root: Resource, prefix: str, obj: Any) -> Truth:
        return not_(self.item.evaluate(env, root, prefix, obj))


Condition = Leaf | Quantifier | Join | AllOf | AnyOf | NotOf


def evaluate(condition: Condition, resource: Resource, env: Env) -> Truth:
    """The three-valued value of ``condition`` on ``resource``."""
    return condition.evaluate(env, resource, "", resource)


@dataclass(frozen=True)
class Reason:
    """A ``because`` template to render against ``resource`` (the judged one, or a joined one),
    and who it is about when it is not the judged resource."""

    template: str
    resource: Resource
    about: str = ""


class Parts:
    """A condition's parts evaluated on one resource, each once, their values kept: what
    :func:`explain` walks. A combinator's value is combined from its parts' values with the
    tables of :mod:`auditor.judge.policy.truth`, exactly as its ``evaluate`` combines them; any
    other part is its ``evaluate``. Kept by the parts' identity, which the condition holds."""

    __slots__ = ("env", "known", "resource")

    def __init__(self, env: Env, resource: Resource) -> None:
        self.env = env
        self.resource = resource
        self.known: dict[int, Truth] = {}

    def value(self, node: Condition) -> Truth:
        """``node``'s value on the resource (as ``evaluate(node, resource, env)``)."""
        found = self.known.get(id(node))
        if found is not None:
            return found
        kind = type(node)
        if kind is AllOf:
            result = all_of([self.value(item) for item in node.items])  # type: ignore[union-attr]
        elif kind is AnyOf:
            result = any_of([self.value(item) for item in node.items])  # type: ignore[union-attr]
        elif kind is NotOf:
            result = not_(self.value(node.item))  # type: ignore[union-attr]
        else:
            result = node.evaluate(self.env, self.resource, "", self.resource)
        self.known[id(node)] = result
        return result


def explain(
    condition: Condition, resource: Resource, env: Env, parts: Parts | None = None
) -> list[Reason]:
    """The ``because`` texts of the parts that made a false condition false, outermost first.

    Combinators are explained part by part; a join whose ``some`` or ``each`` is false is
    explained target by target (``main: not logging``); parts under ``not`` and inside list
    quantifiers are not explained. ``parts``: the condition already evaluated on ``resource``
    through :class:`Parts` (by the caller deciding whether it holds), so that nothing is
    evaluated twice; a joined resource is explained once per join condition
    (:meth:`Env.joined_reasons`).
    """
    out = _explained(condition, "", parts or Parts(env, resource))
    seen: dict[tuple[str, str, str], Reason] = {}
    for reason in out:
        seen.setdefault((reason.template, reason.resource.id, reason.about), reason)
    return list(seen.values())


def _explained(condition: Condition, about: str, parts: Parts) -> list[Reason]:
    """The reasons of :func:`explain`, in walking order and with repeats."""
    out: list[Reason] = []
    env, resource = parts.env, parts.resource

    def walk(node: Condition) -> None:
        if not parts.value(node).is_false:
            return
        if node.because:
            out.append(Reason(node.because, resource, about))
            return
        if isinstance(node, AllOf | AnyOf):
            for item in node.items:
                walk(item)
        elif isinstance(node, Join) and node.op in ("some", "each") and node.condition is not None:
            reached = node.targets(env, resource, "", resource)
            if isinstance(reached, Truth):
                return
            for target in reached[0]:
                out.extend(env.joined_reasons(node.condition, target))

    walk(condition)
    return out


# --------------------------------------------------------------------------------- parsing


@dataclass
class ParseContext:
    file: str
    root: Any  # the whole policy node, for line lookups
    problems: list[Problem] = field(default_factory=list)
    params_used: set[str] = field(default_factory=set)
    types: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, Table] = field(default_factory=dict)

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
        _param_name(name, ctx, keys)
        return ParamRef(name)
    return value


def _param_name(name: Any, ctx: ParseContext, keys: tuple[str | int, ...]) -> bool:
    if not isinstance(name, str) or name not in parameter_names():
        ctx.problem(
            keys,
            f"unknown profile parameter {name!r}; known: {', '.join(sorted(parameter_names()))}",
        )
        return False
    ctx.params_used.add(name)
    return True


def _resolve(
    model: Any, path: str, ctx: ParseContext, keys: tuple[str | int, ...]
) -> tuple[bool, Any]:
    try:
        return True, resolve_type(model, path)
    except PathError as exc:
        ctx.problem(keys, f"bad path {path!r}: {exc}")
    except TypeError:
        ctx.problem(keys, f"bad path {path!r}: the list items here are not records")
    return False, None


def _parse_count(
    value: Any, inner_model: Any, ctx: ParseContext, keys: tuple[str | int, ...], in_item: bool
) -> Count | None:
    if not isinstance(value, Mapping):
        ctx.problem(keys, "'count' takes a mapping such as {where: {...}, gte: 1}")
        return None
    unknown_keys = [k for k in value if k not in COUNT_COMPARISONS | {"where"}]
    if unknown_keys:
        ctx.problem(
            (*keys, unknown_keys[0]),
            f"unknown key {unknown_keys[0]!r} in 'count'; use 'where' and one of "
            f"{', '.join(sorted(COUNT_COMPARISONS))}",
        )
        return None
    ops = [k for k in value if k in COUNT_COMPARISONS]
    if len(ops) != 1:
        ctx.problem(keys, "'count' needs exactly one comparison (gte, gt, lte, lt or equals)")
        return None
    n = _operand(value[ops[0]], ctx, (*keys, ops[0]))
    if not isinstance(n, ParamRef) and (not isinstance(n, int) or isinstance(n, bool)):
        ctx.problem((*keys, ops[0]), "a count compares with a whole number or a $params reference")
        return None
    where = None
    if "where" in value:
        where = parse_condition(value["where"], inner_model, ctx, (*keys, "where"), in_item)
        if where is None:
            return None
    return Count(ops[0], n, where)


def _parse_join(
    node: Mapping[str, Any],
    model: Any,
    ctx: ParseContext,
    keys: tuple[str | int, ...],
    in_item: bool,
) -> Join | None:
    spec_node = node["join"]
    if not isinstance(spec_node, Mapping) or not isinstance(spec_node.get("type"), str):
        ctx.problem((*keys, "join"), "'join' takes {type: <resource type>, on: <field>, ...}")
        return None
    if "on" not in spec_node and any(k is True or k == "True" for k in spec_node):
        # YAML 1.1 reads a bare `on:` key as the boolean true: take it as the `on` it was written as
        spec_node = {("on" if k is True or k == "True" else k): v for k, v in spec_node.items()}
    extra = [k for k in spec_node if k not in ("type", "on", "match", "in")]
    if extra:
        ctx.problem(
            (*keys, "join", extra[0]), f"unknown join key {extra[0]!r} (type, on, match, in)"
        )
        return None
    rtype = spec_node["type"]
    target = ctx.types.get(rtype)
    if target is None:
        ctx.problem((*keys, "join", "type"), f"join to unknown resource type {rtype!r}")
        return None
    on = spec_node.get("on")
    if on is not None:
        if not isinstance(on, str) or not on:
            ctx.problem((*keys, "join", "on"), "'on' names a field holding references")
            return None
        ok, _ = _resolve(model, on, ctx, (*keys, "join", "on"))
        if not ok:
            return None
    match = spec_node.get("match", ["id"])
    if isinstance(match, str):
        match = [match]
    if not isinstance(match, list) or not all(isinstance(m, str) for m in match) or not match:
        ctx.problem((*keys, "join", "match"), "'match' names target fields: [id, key_id, ...]")
        return None
    for index, target_field in enumerate(match):
        ok, _ = _resolve(target, target_field, ctx, (*keys, "join", "match", index))
        if not ok:
            return None
    place = spec_node.get("in", "any" if on is not None else "account")
    if place not in JOIN_PLACES:
        ctx.problem((*keys, "join", "in"), f"'in' is one of {', '.join(sorted(JOIN_PLACES))}")
        return None
    ops = [k for k in node if k not in ("join", "because")]
    if len(ops) != 1 or ops[0] not in QUANTIFIERS:
        ctx.problem(keys, "a join needs exactly one of each, some or count")
        return None
    op = ops[0]
    spec = JoinSpec(rtype, on, tuple(match), place)
    if op == "count":
        count = _parse_count(node[op], target, ctx, (*keys, op), in_item=False)
        return Join(spec, op, None, count, because=node.get("because")) if count else None
    inner = parse_condition(node[op], target, ctx, (*keys, op), in_item=False)
    return Join(spec, op, inner, because=node.get("because")) if inner is not None else None


def parse_condition(
    node: Any, model: Any, ctx: ParseContext, keys: tuple[str | int, ...], in_item: bool = False
) -> Condition | None:
    """Parse one condition node, checking paths against ``model``. Problems go to ``ctx``."""
    if not isinstance(node, Mapping):
        ctx.problem(
            keys, "a condition must be a mapping such as {path: x, equals: y} or {all: [...]}"
        )
        return None
    because = node.get("because")
    if because is not None and not isinstance(because, str):
        ctx.problem((*keys, "because"), "'because' takes a message template")
        return None
    combinators = [k for k in node if k in COMBINATORS]
    if combinators:
        if len([k for k in node if k != "because"]) != 1:
            ctx.problem(keys, f"'{combinators[0]}' must stand alone in its mapping")
            return None
        key = combinators[0]
        value = node[key]
        if key == "not":
            inner = parse_condition(value, model, ctx, (*keys, "not"), in_item)
            return NotOf(inner, because=because) if inner is not None else None
        if not isinstance(value, list) or not value:
            ctx.problem((*keys, key), f"'{key}' takes a non-empty list of conditions")
            return None
        items = [
            parse_condition(v, model, ctx, (*keys, key, i), in_item) for i, v in enumerate(value)
        ]
        if any(i is None for i in items):
            return None
        parsed = tuple(i for i in items if i is not None)
        return AllOf(parsed, because=because) if key == "all" else AnyOf(parsed, because=because)
    if "join" in node:
        return _parse_join(node, model, ctx, keys, in_item)

    ops = [k for k in node if k not in SUBJECTS and k not in MODIFIERS]
    unknown_ops = [k for k in ops if k not in OPERATORS]
    if unknown_ops:
        ctx.problem(
            (*keys, unknown_ops[0]),
            f"unknown operator {unknown_ops[0]!r}; operators: {', '.join(sorted(OPERATORS))}",
        )
        return None
    if len(ops) != 1:
        ctx.problem(
            keys,
            f"a condition needs exactly one operator, found {len(ops)}: {', '.join(ops) or 'none'}",
        )
        return None
    op = ops[0]
    value = node[op]
    if "param" in node:
        if "path" in node:
            ctx.problem(keys, "a condition reads either a 'path' or a 'param', not both")
            return None
        if op in QUANTIFIERS:
            ctx.problem((*keys, op), f"'{op}' ranges over a list field: use 'path'")
            return None
        if not _param_name(node["param"], ctx, (*keys, "param")):
            return None
        return _leaf(node, op, None, node["param"], ctx, keys, because)

    path = node.get("path", "")
    if not isinstance(path, str) or (not path and not in_item):
        ctx.problem(keys, "a condition needs a 'path' naming a field of the resource")
        return None
    annotation: Any = model
    if path:
        ok, annotation = _resolve(model, path, ctx, (*keys, "path"))
        if not ok:
            return None
    if op in QUANTIFIERS:
        if "lookup" in node:
            ctx.problem(
                (*keys, "lookup"), f"'lookup' maps a value, not the list '{op}' ranges over"
            )
            return None
        try:
            inner_model = item_model(annotation)
        except PathError:
            ctx.problem((*keys, op), f"'{op}' needs a list field, and {path!r} is not a list")
            return None
        if op == "count":
            count = _parse_count(value, inner_model, ctx, (*keys, op), in_item=True)
            return Quantifier(path, op, None, count, because=because) if count else None
        inner = parse_condition(value, inner_model, ctx, (*keys, op), in_item=True)
        return Quantifier(path, op, inner, because=because) if inner is not None else None
    return _leaf(node, op, path, None, ctx, keys, because)


def _leaf(
    node: Mapping[str, Any],
    op: str,
    path: str | None,
    param: str | None,
    ctx: ParseContext,
    keys: tuple[str | int, ...],
    because: str | None,
) -> Leaf | None:
    table = None
    if "lookup" in node:
        table = ctx.tables.get(str(node["lookup"]))
        if table is None:
            ctx.problem(
                (*keys, "lookup"),
                f"unknown lookup table {node['lookup']!r}; known: {', '.join(sorted(ctx.tables))}",
            )
            return None
    operand = _operand(node[op], ctx, (*keys, op))
    if op in LIST_OPERATORS and not isinstance(operand, list | ParamRef):
        ctx.problem((*keys, op), f"'{op}' takes a list or a $params reference")
        return None
    if op in BOOL_OPERATORS and not isinstance(operand, bool):
        ctx.problem((*keys, op), f"'{op}' takes true or false")
        return None
    if op == "starts_with" and not isinstance(operand, str | list | ParamRef):
        ctx.problem((*keys, op), "'starts_with' takes a prefix, a list of prefixes or $params")
        return None
    if (
        op in ("version_gte", "version_lt")
        and not isinstance(operand, ParamRef)
        and lowest_version(operand) is None
    ):
        ctx.problem((*keys, op), f"'{op}' takes a version such as \"1.2\" or TLSv1.2")
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
    return Leaf(path, op, operand, param=param, table=table, because=because)


# ------------------------------------------------------------------------------ inspection


def _walk(condition: Condition | None) -> list[Condition]:
    out: list[Condition] = []

    def visit(node: Condition) -> None:
        out.append(node)
        if isinstance(node, AllOf | AnyOf):
            for item in node.items:
                visit(item)
        elif isinstance(node, NotOf):
            visit(node.item)
        elif isinstance(node, Quantifier | Join):
            if node.condition is not None:
                visit(node.condition)
            if node.count is not None and node.count.where is not None:
                visit(node.count.where)

    if condition is not None:
        visit(condition)
    return out


def condition_paths(condition: Condition | None, prefix: str = "") -> list[str]:
    """Every field path of the resource itself (from its root) a condition reads, in order,
    without repeats. Fields of joined resources are not included (see :func:`condition_joins`)."""
    seen: dict[str, None] = {}

    def walk(cond: Condition, pre: str) -> None:
        if isinstance(cond, Leaf):
            if cond.param is None and (not pre or cond.path):
                seen.setdefault(
                    f"{pre}.{cond.path}" if pre and cond.path else (cond.path or pre), None
                )
        elif isinstance(cond, Quantifier):
            full = f"{pre}.{cond.path}" if pre else cond.path
            seen.setdefault(full, None)
        elif isinstance(cond, Join):
            if cond.spec.on is not None:
                seen.setdefault(f"{pre}.{cond.spec.on}" if pre else cond.spec.on, None)
        elif isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                walk(item, pre)
        else:
            walk(cond.item, pre)

    if condition is not None:
        walk(condition, prefix)
    return list(seen)


def condition_params(condition: Condition | None) -> set[str]:
    """The profile parameters a condition compares with (``$params.X`` operands): a policy
    needing one the profile leaves unset does not run. A parameter read as a subject
    (``{param: X, ...}``) is judged as it is, unset included, and is not listed here."""
    found: set[str] = set()
    for node in _walk(condition):
        if isinstance(node, Leaf):
            if isinstance(node.operand, ParamRef):
                found.add(node.operand.name)
        elif (
            isinstance(node, Quantifier | Join)
            and node.count is not None
            and isinstance(node.count.n, ParamRef)
        ):
            found.add(node.count.n.name)
    return found


def condition_joins(condition: Condition | None) -> set[str]:
    """The resource types a condition joins to."""
    return {n.spec.type for n in _walk(condition) if isinstance(n, Join)}


def condition_tables(condition: Condition | None) -> list[Table]:
    tables: dict[str, Table] = {}
    for node in _walk(condition):
        if isinstance(node, Leaf) and node.table is not None:
            tables.setdefault(node.table.name, node.table)
    return list(tables.values())


def condition_becauses(condition: Condition | None) -> list[str]:
    return [n.because for n in _walk(condition) if n.because]


__all__ = [
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Condition",
    "Count",
    "Env",
    "Join",
    "JoinSpec",
    "Leaf",
    "NotOf",
    "ParamRef",
    "ParseContext",
    "Parts",
    "Quantifier",
    "Reason",
    "condition_becauses",
    "condition_joins",
    "condition_params",
    "condition_paths",
    "condition_tables",
    "evaluate",
    "explain",
    "leaf_test",
    "parse_condition",
]
