"""Three-valued truth (Kleene logic) for conditions and predicates.

A condition is ``true``, ``false`` or ``unknown``. An unknown result carries the reasons it is
unknown: each :class:`Missing` names a gap (a field, page or listing that could not be read) and
what it left unread. The tables are written once, here:

* ``all_of`` (and) is false as soon as one part is false, true when every part is true, and
  unknown otherwise;
* ``any_of`` (or) is true as soon as one part is true, false when every part is false, and
  unknown otherwise;
* ``not_`` flips true and false and leaves unknown unknown.

Every result also keeps the gaps met on the way (``gaps``), even when the value is known: a
``false`` reached beside an unread field lists it, so a FAIL can say what else it could not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.core.model.base import Gap, ListingGap

AnyGap = Gap | ListingGap


@dataclass(frozen=True)
class Missing:
    """One unread input: the gap, the resource (or place) it belongs to, and the path read.

    Its hash is worked out once: unread inputs are merged and de-duplicated at every step of an
    evaluation, and hashing the gap (a model) each time was a good part of judging gapped
    resources.
    """

    gap: AnyGap
    subject: str  # resource id, or "<type> in <place>" for a listing
    path: str = ""  # the field path that was read ("" for a listing)
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.gap, self.subject, self.path)))

    def __hash__(self) -> int:
        return self._hash

    def describe(self) -> str:
        gap = self.gap
        what = f"{self.path} of {self.subject}" if self.path else self.subject
        text = f"{what} ({gap.operation} returned {gap.error_code})"
        return f"{text}: {gap.message}" if gap.message else text


class Truth:
    """``value`` is True, False or None (unknown); ``gaps`` the unread inputs met."""

    __slots__ = ("gaps", "value")

    def __init__(self, value: bool | None, gaps: tuple[Missing, ...] = ()) -> None:
        self.value = value
        self.gaps = gaps

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def is_true(self) -> bool:
        return self.value is True

    @property
    def is_false(self) -> bool:
        return self.value is False

    @property
    def is_unknown(self) -> bool:
        return self.value is None

    def __repr__(self) -> str:
        name = {True: "TRUE", False: "FALSE", None: "UNKNOWN"}[self.value]
        return f"{name}({len(self.gaps)} gaps)" if self.gaps else name

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Truth)
            and self.value is other.value
            and set(self.gaps) == set(other.gaps)
        )

    def __hash__(self) -> int:
        return hash((self.value, frozenset(self.gaps)))

    def with_gaps(self, gaps: Iterable[Missing]) -> Truth:
        merged = _merge((self.gaps, tuple(gaps)))
        return self if merged == self.gaps else Truth(self.value, merged)


TRUE = Truth(True)
FALSE = Truth(False)


def known(value: bool) -> Truth:
    return TRUE if value else FALSE


def unknown(*missing: Missing) -> Truth:
    return Truth(None, tuple(dict.fromkeys(missing)))


def _merge(groups: Iterable[tuple[Missing, ...]]) -> tuple[Missing, ...]:
    merged: dict[Missing, None] = {}
    for group in groups:
        for item in group:
            merged.setdefault(item, None)
    return tuple(merged)


def _kleene(parts: Iterable[Truth], decisive: bool) -> Truth:
    """Kleene conjunction (``decisive`` False) or disjunction (True): a ``decisive`` part
    beats unknown, which beats the other value. Every part is looked at, so the result lists
    every gap met (a decisive value reached beside gaps keeps them)."""
    value: bool | None = not decisive
    gaps: list[tuple[Missing, ...]] = []
    for part in parts:
        if part.gaps:
            gaps.append(part.gaps)
        if part.value is decisive:
            value = decisive
        elif part.value is None and value is not decisive:
            value = None
    if not gaps:
        return TRUE if value is True else FALSE if value is False else Truth(None)
    return Truth(value, _merge(gaps))


def all_of(parts: Iterable[Truth]) -> Truth:
    """Kleene conjunction: false beats unknown beats true (every gap met is listed)."""
    return _kleene(parts, decisive=False)


def any_of(parts: Iterable[Truth]) -> Truth:
    """Kleene disjunction: true beats unknown beats false (every gap met is listed)."""
    return _kleene(parts, decisive=True)


def not_(part: Truth) -> Truth:
    if part.value is None:
        return part
    if not part.gaps:
        return FALSE if part.value else TRUE
    return Truth(not part.value, part.gaps)


__all__ = [
    "FALSE",
    "TRUE",
    "AnyGap",
    "Missing",
    "Truth",
    "all_of",
    "any_of",
    "known",
    "not_",
    "unknown",
]
