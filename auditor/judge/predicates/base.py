"""The contract of a named Python predicate: pure, three-valued, declaring what it reads.

A predicate reads its resource's fields with :meth:`PredicateContext.value` (an unread field is
:class:`~auditor.judge.policy.related.Unread`, never the model's ``None``) and other resources
with :meth:`PredicateContext.related` / :meth:`PredicateContext.lookup` (a place whose listing
failed comes back as missing, never as "nothing there"). It combines what it read with the
Kleene tables of :mod:`auditor.judge.policy.truth` and answers a :class:`Verdict`: FAIL as soon
as what was read breaks the promise (listing what else was unread), PASS only when everything it
needed was read and holds, ERROR (``Verdict.unknown``) otherwise.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from auditor.core.model.base import Coverage, Gap, ListingGap, Resource
from auditor.judge.policy.related import RelatedIndex, Unread, hierarchy_accounts, read_field
from auditor.judge.policy.truth import Missing, Truth, known, unknown

#: a resource model, for look-ups that keep to one
R = TypeVar("R", bound=Resource)

VerdictStatus = Literal["PASS", "FAIL", "MANUAL", "NOT_APPLICABLE", "ERROR"]


@dataclass(frozen=True)
class Verdict:
    """What a predicate decided about one resource; ``gaps`` the unread inputs (required for
    ERROR, listed beside a FAIL)."""

    status: VerdictStatus
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    gaps: tuple[Missing, ...] = ()

    @classmethod
    def passed(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("PASS", message, evidence or {})

    @classmethod
    def fail(
        cls,
        message: str,
        evidence: Mapping[str, Any] | None = None,
        gaps: Iterable[Missing] = (),
    ) -> Verdict:
        return cls("FAIL", message, evidence or {}, tuple(gaps))

    @classmethod
    def manual(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("MANUAL", message, evidence or {})

    @classmethod
    def not_applicable(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("NOT_APPLICABLE", message, evidence or {})

    @classmethod
    def unknown(
        cls, gaps: Iterable[Missing], message: str = "", evidence: Mapping[str, Any] | None = None
    ) -> Verdict:
        missing = tuple(dict.fromkeys(gaps))
        if not missing:
            raise ValueError("an unknown verdict must name what was not read")
        return cls("ERROR", message, evidence or {}, missing)

    @classmethod
    def from_truth(
        cls,
        truth: Truth,
        *,
        passed: str,
        failed: str,
        evidence: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """PASS / FAIL (with the gaps met) / ERROR from a three-valued result."""
        if truth.is_true:
            return cls.passed(passed, evidence)
        if truth.is_false:
            return cls.fail(failed, evidence, truth.gaps)
        return cls.unknown(truth.gaps, "", evidence)


class GapError(Exception):
    """Kept for predicates written against the two-valued contract: the engine turns it into an
    ERROR finding carrying the gap. New predicates return ``Verdict.unknown`` instead."""

    def __init__(self, gap: Gap | ListingGap, what: str = "") -> None:
        self.gap = gap
        self.what = what
        super().__init__(f"{what or 'input'} not read: {gap.operation} {gap.error_code}")


@dataclass(frozen=True)
class Related:
    """Resources found by a look-up, and the unread places that may hold more."""

    resources: list[Resource]
    missing: tuple[Missing, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


class PredicateContext:
    """What a predicate may look at besides its resource: parameters and related resources."""

    def __init__(
        self,
        params: Mapping[str, Any],
        by_type: Mapping[str, Sequence[Resource]],
        listing_gaps: Sequence[ListingGap],
        coverage: Sequence[Coverage] = (),
        *,
        index: RelatedIndex | None = None,
    ) -> None:
        self.params = params
        self.index = index or RelatedIndex(by_type, listing_gaps, coverage)
        self.memo: dict[Any, Any] = {}  # per-run memo for predicates (e.g. hierarchy walks)

    # -- fields of a resource ---------------------------------------------------------------
    @staticmethod
    def value(resource: Resource, path: str) -> Any:
        """The value at ``path``, or :class:`Unread` when a gap covers it."""
        return read_field(resource, path)

    def check(self, resource: Resource, path: str, test: Callable[[Any], bool]) -> Truth:
        """``test`` of the value at ``path``, unknown when the field was not read."""
        value = read_field(resource, path)
        if isinstance(value, Unread):
            return unknown(value.missing)
        return known(bool(test(value)))

    @staticmethod
    def unread(resource: Resource, paths: Iterable[str]) -> tuple[Missing, ...]:
        """The gaps that leave any of ``paths`` on ``resource`` unread."""
        if not resource.gaps:
            return ()
        out: list[Missing] = []
        for path in paths:
            value = read_field(resource, path)
            if isinstance(value, Unread):
                out.append(value.missing)
        return tuple(dict.fromkeys(out))

    @classmethod
    def fully_read(
        cls,
        resources: Iterable[Resource],
        kind: type[R],
        paths: Iterable[str],
        on_unread: Callable[[tuple[Missing, ...]], object],
    ) -> Iterator[R]:
        """The ``resources`` of type ``kind`` whose ``paths`` were all read, in order; each of
        the others of that type hands its gaps to ``on_unread`` (as it is met)."""
        wanted = tuple(paths)
        for resource in resources:
            if not isinstance(resource, kind):
                continue
            gaps = cls.unread(resource, wanted)
            if gaps:
                on_unread(gaps)
                continue
            yield resource

    # -- other resources --------------------------------------------------------------------
    def related(
        self,
        resource_type: str,
        *,
        account: str | None = None,
        region: str | None = None,
        near: Resource | None = None,
    ) -> Related:
        """Resources of another type, narrowed by account and region. ``near``: the resource
        judged, whose folders and organization (GCP) also hold scope-wide listing gaps."""
        also = hierarchy_accounts(near) if near is not None else ()
        found, missing = self.index.in_place(resource_type, account, region, also)
        return Related(found, missing)

    def lookup(
        self,
        resource_type: str,
        ref: str,
        *,
        match: tuple[str, ...] = ("id",),
        account: str | None = None,
        region: str | None = None,
        near: Resource | None = None,
    ) -> Related:
        """The resources of ``resource_type`` that ``ref`` names (see
        :meth:`RelatedIndex.lookup`)."""
        also = hierarchy_accounts(near) if near is not None else ()
        found, missing = self.index.lookup(resource_type, match, ref, account, region, also)
        return Related(found, missing)


PredicateFn = Callable[[Resource, PredicateContext], Verdict]


@dataclass(frozen=True)
class Predicate:
    """A named, pure check. ``reads`` are field paths on ``resource_type``, validated at load;
    the predicate reads them through the context (gaps make them unknown, not absent)."""

    name: str
    resource_type: str
    reads: tuple[str, ...]
    fn: PredicateFn
    params: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    description: str = ""
    #: written against the two-valued contract: the engine makes it ERROR when any declared
    #: read is a gap, before it runs (for predicates outside this package that predate the
    #: three-valued contract; every shipped predicate is three-valued)
    two_valued: bool = False


def predicate(
    resource_type: str,
    *,
    reads: tuple[str, ...],
    params: tuple[str, ...] = (),
    related: tuple[str, ...] = (),
) -> Callable[[PredicateFn], Predicate]:
    """Declare the function below as a predicate: named as the function, described by the
    first paragraph of its docstring, judging ``resource_type``, reading the fields ``reads``, the profile parameters
    ``params`` and the resources of the types ``related``."""

    def declare(fn: PredicateFn) -> Predicate:
        return Predicate(
            name=fn.__name__,
            resource_type=resource_type,
            reads=reads,
            fn=fn,
            params=params,
            related=related,
            description=(inspect.getdoc(fn) or "").split("\n\n")[0],
        )

    return declare


def registry(*predicates: Predicate) -> dict[str, Predicate]:
    """The predicates by name; a name given twice is an error."""
    named: dict[str, Predicate] = {}
    for one in predicates:
        if one.name in named:
            raise ValueError(f"predicate {one.name!r} registered twice")
        named[one.name] = one
    return named


__all__ = [
    "GapError",
    "Predicate",
    "PredicateContext",
    "PredicateFn",
    "Related",
    "Verdict",
    "VerdictStatus",
    "predicate",
    "registry",
]
