"""Reading fields and related resources three-valued: unread is *unknown*, never "nothing".

Conditions (``join``) and Python predicates read through this module, so both follow one rule:

* a field covered by a gap on its resource reads as :class:`Unread` (with the gap), not as the
  ``None`` or default the model holds;
* a look-up of another resource type in a place whose listing failed reads as unknown; a look-up
  that finds nothing where the listing succeeded (or where nothing was listed at all) is a known
  "nothing found".

Look-ups are indexed on first use, per type and per key field, so joins stay linear in the size
of the inventory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from auditor.core.model.base import Coverage, ListingGap, Resource
from auditor.judge.policy.paths import read
from auditor.judge.policy.truth import Missing

#: Fields that name a resource; they come from the listing itself and are never gaps.
IDENTITY_FIELDS = frozenset({"id", "name", "account"})

#: Prefixes that do not change which resource a link names (Google API URLs).
_LINK_PREFIXES = (
    "https://www.googleapis.com/compute/v1/",
    "https://compute.googleapis.com/compute/v1/",
    "https://www.googleapis.com/compute/beta/",
    "//compute.googleapis.com/",
)


class Unread:
    """The value of a field that could not be read."""

    __slots__ = ("missing",)

    def __init__(self, missing: Missing) -> None:
        self.missing = missing

    def __repr__(self) -> str:
        return f"Unread({self.missing.describe()})"


def read_field(resource: Resource, path: str) -> Any:
    """The value at ``path``, or :class:`Unread` when a gap on ``resource`` covers it."""
    if resource.gaps and path.split(".", 1)[0] not in IDENTITY_FIELDS:
        gap = resource.gap_for(path)
        if gap is not None:
            return Unread(Missing(gap, resource.id, path))
    return read(resource, path)


def normalize_ref(value: str) -> str:
    """A reference as a comparable key: Google API URL prefixes and a CloudWatch Logs ARN's
    trailing ``:*`` do not change what it names."""
    for prefix in _LINK_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    if value.endswith(":*"):
        value = value[:-2]
    return value


def arn_place(value: str) -> tuple[str, str | None, str] | None:
    """(account, region, resource part) of an ARN, or None for anything else."""
    if not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    return parts[4], parts[3] or None, parts[5]


def link_project(value: str) -> str | None:
    """The project a Google resource link names (``projects/P/...``), or None."""
    parts = value.split("/")
    if len(parts) > 1 and parts[0] == "projects":
        return parts[1]
    return None


class RelatedIndex:
    """Resources of the inventory by type, place and key, and the listing gaps by type."""

    def __init__(
        self,
        by_type: Mapping[str, Sequence[Resource]],
        listing_gaps: Iterable[ListingGap],
        coverage: Iterable[Coverage] = (),
        *,
        whole: bool = False,
    ) -> None:
        #: the inventory is a configuration read whole (Terraform): a type with nothing in it
        #: was not "not listed", it is absent from what was judged
        self.whole = whole
        self._by_type = by_type
        self._gaps: dict[str, list[ListingGap]] = {}
        for gap in listing_gaps:
            self._gaps.setdefault(gap.resource_type, []).append(gap)
        self._listed: set[tuple[str, str | None, str | None]] = set()
        for cov in coverage:
            self._listed.update(
                {
                    (cov.resource_type, cov.account, cov.region),
                    (cov.resource_type, cov.account, None),
                    (cov.resource_type, None, cov.region),
                    (cov.resource_type, None, None),
                }
            )
            if cov.region is None:
                self._listed.add((cov.resource_type, cov.account, "*"))
        self._places: dict[str, dict[tuple[str | None, str | None], list[Resource]]] = {}
        self._keys: dict[tuple[str, tuple[str, ...]], dict[str, list[Resource]]] = {}

    def all_of_type(self, resource_type: str) -> Sequence[Resource]:
        return self._by_type.get(resource_type, ())

    # -- places ---------------------------------------------------------------------------
    def _place_index(
        self, resource_type: str
    ) -> dict[tuple[str | None, str | None], list[Resource]]:
        index = self._places.get(resource_type)
        if index is None:
            index = {}
            for r in self._by_type.get(resource_type, ()):
                index.setdefault((r.account, r.region), []).append(r)
                index.setdefault((r.account, None), []).append(r)
                index.setdefault((None, r.region), []).append(r)
            index[(None, None)] = list(self._by_type.get(resource_type, ()))
            self._places[resource_type] = index
        return index

    def listing_gaps(
        self,
        resource_type: str,
        account: str | None = None,
        region: str | None = None,
        also: Iterable[str] = (),
    ) -> tuple[Missing, ...]:
        """Failed listings of ``resource_type`` that cover the place: the account (or any of
        ``also``: the folders and organization above a GCP project, where scope-wide listing
        gaps are recorded) and the region (a gap without a region covers every region)."""
        found: list[Missing] = []
        accounts = None if account is None else {account, *also}
        for gap in self._gaps.get(resource_type, ()):
            if accounts is not None and gap.account not in accounts:
                continue
            if region is not None and gap.region not in (None, region):
                continue
            found.append(Missing(gap, f"{resource_type} in {gap.where()}"))
        return tuple(found)

    def in_place(
        self,
        resource_type: str,
        account: str | None = None,
        region: str | None = None,
        also: Iterable[str] = (),
    ) -> tuple[list[Resource], tuple[Missing, ...]]:
        """Resources of a type in one place, and what leaves the place incompletely known:
        the failed listings that cover it, or (when nothing was found) that it was not listed."""
        found = list(self._place_index(resource_type).get((account, region), []))
        missing = self.listing_gaps(resource_type, account, region, also)
        if not found and not missing and not self.listed(resource_type, account, region, also):
            missing = (not_listed(resource_type, account, region),)
        return found, missing

    def listed(
        self,
        resource_type: str,
        account: str | None,
        region: str | None,
        also: Iterable[str] = (),
    ) -> bool:
        """Whether a listing of ``resource_type`` succeeded in the place (a coverage record, or
        resources of the type found there)."""
        if self.whole:
            return True
        for where in (account, *also) if account is not None else (None,):
            if (resource_type, where, region) in self._listed:
                return True
            if region is not None and (resource_type, where, "*") in self._listed:
                return True
        return bool(self._place_index(resource_type).get((account, region)))

    # -- keys -----------------------------------------------------------------------------
    def _key_index(self, resource_type: str, fields: tuple[str, ...]) -> dict[str, list[Resource]]:
        cache_key = (resource_type, fields)
        index = self._keys.get(cache_key)
        if index is None:
            index = {}
            for resource in self._by_type.get(resource_type, ()):
                for field in fields:
                    value = read(resource, field)
                    values = value if isinstance(value, list | tuple) else [value]
                    for item in values:
                        if isinstance(item, str) and item:
                            bucket = index.setdefault(normalize_ref(item), [])
                            if not bucket or bucket[-1] is not resource:
                                bucket.append(resource)
            self._keys[cache_key] = index
        return index

    def lookup(
        self,
        resource_type: str,
        fields: tuple[str, ...],
        value: str,
        account: str | None,
        region: str | None,
        also: Iterable[str] = (),
    ) -> tuple[list[Resource], tuple[Missing, ...]]:
        """Resources of ``resource_type`` whose ``fields`` name ``value``.

        ``account``/``region`` narrow the look-up (None: anywhere). An ARN names its own place:
        it matches a resource there whose field holds the ARN or its resource part (an alias ARN
        names the alias ``alias/x`` of a key in that account and region). A Google link names its
        project. Returns the matches and, when there are none, the listing gaps that leave the
        place unknown.
        """
        index = self._key_index(resource_type, fields)
        key = normalize_ref(value)
        candidates = [key]
        arn = arn_place(key)
        if arn is not None:
            account, region, part = arn
            candidates.append(part)
        elif account is None and (project := link_project(key)) is not None:
            account = project
        matches: list[Resource] = []
        for candidate in candidates:
            for resource in index.get(candidate, ()):
                if account is not None and resource.account != account:
                    continue
                if region is not None and resource.region not in (None, region):
                    continue
                if resource not in matches:
                    matches.append(resource)
        if matches:
            return matches, ()
        missing = self.listing_gaps(resource_type, account, region, also)
        if not missing and not self.listed(resource_type, account, region, also):
            missing = (not_listed(resource_type, account, region),)
        return [], missing


def not_listed(resource_type: str, account: str | None, region: str | None) -> Missing:
    """The reason a look-up in a place nobody listed is unknown (not "nothing there")."""
    where = f"{account}/{region}" if account and region else (account or region or "this scope")
    return Missing(
        ListingGap(
            provider=resource_type.split(".", 1)[0],
            account=account or "*",
            region=region,
            resource_type=resource_type,
            operation=f"listing of {resource_type}",
            error_code="NotCollected",
            message=f"{resource_type} was not listed in {where} in this scan",
        ),
        f"{resource_type} in {where}",
    )


def hierarchy_accounts(resource: Resource) -> tuple[str, ...]:
    """The folders and organization above a GCP resource, where scope-wide gaps are recorded."""
    ancestors = getattr(resource, "ancestors", None) or ()
    return tuple(a for a in ancestors if not a.startswith("projects/"))


__all__ = [
    "IDENTITY_FIELDS",
    "RelatedIndex",
    "Unread",
    "arn_place",
    "hierarchy_accounts",
    "link_project",
    "normalize_ref",
    "not_listed",
    "read_field",
]
