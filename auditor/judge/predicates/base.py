"""The contract of a named Python predicate: pure, declaring what it reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from auditor.core.model.base import Gap, ListingGap, Resource

VerdictStatus = Literal["PASS", "FAIL", "MANUAL", "NOT_APPLICABLE"]


@dataclass(frozen=True)
class Verdict:
    """What a predicate decided about one resource."""

    status: VerdictStatus
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("PASS", message, evidence or {})

    @classmethod
    def fail(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("FAIL", message, evidence or {})

    @classmethod
    def manual(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("MANUAL", message, evidence or {})

    @classmethod
    def not_applicable(cls, message: str, evidence: Mapping[str, Any] | None = None) -> Verdict:
        return cls("NOT_APPLICABLE", message, evidence or {})


class GapError(Exception):
    """Raised by a predicate (or by :meth:`PredicateContext.related`) when an input was unread.

    The engine turns it into an ERROR finding carrying the gap.
    """

    def __init__(self, gap: Gap | ListingGap, what: str = "") -> None:
        self.gap = gap
        self.what = what
        super().__init__(f"{what or 'input'} not read: {gap.operation} {gap.error_code}")


class PredicateContext:
    """What a predicate may look at besides its resource: parameters and related resources."""

    def __init__(
        self,
        params: Mapping[str, Any],
        by_type: Mapping[str, Sequence[Resource]],
        listing_gaps: Sequence[ListingGap],
    ) -> None:
        self.params = params
        self._by_type = by_type
        self._listing_gaps = listing_gaps
        self._index: dict[tuple[str, str | None, str | None], list[Resource]] = {}

    def _indexed(
        self, resource_type: str, account: str | None, region: str | None
    ) -> list[Resource]:
        """Resources of a type in one place, indexed on first use (joins stay linear)."""
        key = (resource_type, account, region)
        found = self._index.get(key)
        if found is None:
            if (resource_type, None, None) not in self._index:
                by_place: dict[tuple[str, str | None, str | None], list[Resource]] = {}
                everything = list(self._by_type.get(resource_type, ()))
                for r in everything:
                    by_place.setdefault((resource_type, r.account, r.region), []).append(r)
                    by_place.setdefault((resource_type, r.account, None), []).append(r)
                    by_place.setdefault((resource_type, None, r.region), []).append(r)
                by_place[(resource_type, None, None)] = everything
                self._index.update(by_place)
            found = self._index.get(key, [])
        return found

    def related(
        self, resource_type: str, *, account: str | None = None, region: str | None = None
    ) -> list[Resource]:
        """Resources of another type, narrowed by account and region.

        Raises :class:`GapError` when the listing of that type failed in that place, so a join
        against something unread is never taken as "nothing there".
        """
        for gap in self._listing_gaps:
            if gap.resource_type != resource_type:
                continue
            if account is not None and gap.account != account:
                continue
            if region is not None and gap.region not in (None, region):
                continue
            raise GapError(gap, f"{resource_type} listing")
        return list(self._indexed(resource_type, account, region))


PredicateFn = Callable[[Resource, PredicateContext], Verdict]


@dataclass(frozen=True)
class Predicate:
    """A named, pure check. ``reads`` are field paths on ``resource_type``, validated at load."""

    name: str
    resource_type: str
    reads: tuple[str, ...]
    fn: PredicateFn
    params: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    description: str = ""


__all__ = ["GapError", "Predicate", "PredicateContext", "PredicateFn", "Verdict", "VerdictStatus"]
