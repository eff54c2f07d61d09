"""Predicates over Cloud Logging routing: what a filter keeps, what an exclusion drops.

Logging filters are a query language; these predicates read them conservatively. A filter is
taken to carry audit logs only when it is empty or names ``cloudaudit.googleapis.com`` without a
negation, and an exclusion is taken to spare Data Access audit logs only when it is restricted
to named logs that are not audit logs. Anything else is MANUAL with the filter shown, never PASS.

Why Python: a Logging filter is a query language (terms joined by AND/OR, negation by NOT or
``-``, parentheses, ``logName`` and ``LOG_ID()`` restrictions); whether it keeps or drops audit
logs is a reading of that language, not a comparison of a field with a value.

Three-valued: an unread sink list, filter or bucket setting is unknown, and so is "no sink
routes audit logs here" when the sinks could not all be listed.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from auditor.core.model.base import Resource
from auditor.core.model.gcp.logging import LogBucket, LogExclusion, LogSink, OrganizationSinks
from auditor.judge.policy.truth import Missing
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

AUDIT_LOG_SERVICE = "cloudaudit.googleapis.com"
LOG_BUCKET_PREFIX = "logging.googleapis.com/"
BUILT_IN_BUCKETS = frozenset({"_Required", "_Default"})
#: Destinations that store what they receive (a Pub/Sub topic only passes it on).
KEEPING_DESTINATIONS = (
    "logging.googleapis.com/",
    "storage.googleapis.com/",
    "bigquery.googleapis.com/",
)

_TERM_SPLIT = re.compile(r"\bAND\b|\bOR\b|(?<!\w)\(", re.IGNORECASE)
_NEGATED_TERM = re.compile(r"\s*(?:NOT\b|-)", re.IGNORECASE)
_LOG_RESTRICTION = re.compile(r"\b(?:logName\s*[:=]|LOG_ID\s*\()", re.IGNORECASE)
_DATA_ACCESS = re.compile(r"data_access", re.IGNORECASE)


class Coverage(Enum):
    """What a filter says about a kind of log entry."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


def _mentions(text: str, needle: re.Pattern[str]) -> tuple[bool, bool]:
    """(mentioned positively somewhere, mentioned under a negation somewhere).

    A mention is negated when the term it belongs to starts with ``NOT`` or ``-``. A mention
    inside a parenthesised group that something before it may negate counts as both, so the
    caller answers UNKNOWN.
    """
    positive = negative = False
    for match in needle.finditer(text):
        before = text[: match.start()]
        term = _TERM_SPLIT.split(before)[-1]
        if _NEGATED_TERM.match(term):
            negative = True
        elif "(" in before and re.search(r"(?:\bNOT\s*|-)\(", before, re.IGNORECASE):
            positive = negative = True
        else:
            positive = True
    return positive, negative


_AUDIT = re.compile(re.escape(AUDIT_LOG_SERVICE), re.IGNORECASE)


def filter_carries_audit_logs(filter_: str | None) -> Coverage:
    """Whether a sink with this inclusion filter exports audit logs."""
    text = (filter_ or "").strip()
    if not text:
        return Coverage.YES
    positive, negative = _mentions(text, _AUDIT)
    if positive and not negative:
        return Coverage.YES
    if negative and not positive:
        return Coverage.NO
    return Coverage.UNKNOWN


def exclusion_drops_data_access(filter_: str | None) -> Coverage:
    """Whether an exclusion with this filter drops Data Access audit log entries."""
    text = (filter_ or "").strip()
    if not text:
        return Coverage.YES  # an empty exclusion filter matches every entry
    audit_pos, audit_neg = _mentions(text, _AUDIT)
    data_pos, data_neg = _mentions(text, _DATA_ACCESS)
    if (audit_pos or data_pos) and not (audit_neg or data_neg) and " OR " not in text.upper():
        return Coverage.YES
    if (audit_neg or data_neg) and not (audit_pos or data_pos) and " OR " not in text.upper():
        return Coverage.NO
    if (
        not (audit_pos or audit_neg or data_pos or data_neg)
        and _LOG_RESTRICTION.search(text)
        and " OR " not in text.upper()
        and not re.search(r"\bNOT\b", text)
    ):
        return Coverage.NO  # restricted to named logs, none of them an audit log
    if audit_pos or data_pos:
        return Coverage.YES
    return Coverage.UNKNOWN


# -- organization aggregated sink ---------------------------------------------------------------


@predicate("gcp.logging.organization_sinks", reads=("sinks",))
def logging_org_aggregated_audit_sink(resource: Resource, ctx: PredicateContext) -> Verdict:
    """An enabled org sink with includeChildren exports audit logs, not excluded."""
    assert isinstance(resource, OrganizationSinks)
    unread = ctx.unread(resource, ("sinks",))
    if unread:
        return Verdict.unknown(unread)
    unclear: list[str] = []
    checked: list[dict[str, Any]] = []
    for sink in resource.sinks:
        summary = {
            "name": sink.name,
            "include_children": sink.include_children,
            "disabled": sink.disabled,
            "filter": sink.filter,
            "destination": sink.destination,
        }
        checked.append(summary)
        if sink.include_children is not True or sink.disabled is True:
            continue
        carries = filter_carries_audit_logs(sink.filter)
        drops = [exclusion_drops_data_access(f) for f in sink.exclusion_filters]
        if carries is Coverage.NO or Coverage.YES in drops:
            continue
        keeps = str(sink.destination or "").startswith(KEEPING_DESTINATIONS)
        if carries is Coverage.YES and Coverage.UNKNOWN not in drops and keeps:
            return Verdict.passed(
                f"Aggregated sink {sink.name} exports audit logs of every project below "
                f"{resource.id} to {sink.destination}.",
                {"sink": summary},
            )
        unclear.append(sink.name)
    if unclear:
        return Verdict.manual(
            f"Aggregated sinks {', '.join(unclear)} include children, but their filters, "
            "exclusions or destinations (a Pub/Sub topic stores nothing) cannot be shown to keep "
            "audit logs; review them.",
            {"sinks": checked},
        )
    return Verdict.fail(
        f"{resource.id} has no enabled sink that includes children and exports audit logs; "
        "audit logs stay in each project's built-in buckets (_Required 400 days, _Default 30).",
        {"sinks": checked},
    )


# -- audit archive buckets ---------------------------------------------------------------------


_SINKS = "gcp.logging.sinks-by-destination"


def _sink_index(
    ctx: PredicateContext, near: Resource
) -> tuple[dict[str, list[LogSink]], tuple[Missing, ...]]:
    """Sinks that may carry audit logs, by destination, and what leaves the routing unknown
    (a failed sink listing, a sink whose settings were not read); built once per run."""
    found = ctx.memo.get(_SINKS)
    if isinstance(found, tuple):
        return found
    listed = ctx.related("gcp.logging.sink", near=near)
    missing: list[Missing] = list(listed.missing)
    by_destination: dict[str, list[LogSink]] = {}
    fields = ("destination", "disabled", "filter")
    for other in ctx.fully_read(listed.resources, LogSink, fields, missing.extend):
        if other.disabled is True or filter_carries_audit_logs(other.filter) is Coverage.NO:
            continue
        by_destination.setdefault(str(other.destination), []).append(other)
    index = (by_destination, tuple(missing))
    ctx.memo[_SINKS] = index
    return index


def _audit_sinks_into(
    bucket: LogBucket, ctx: PredicateContext
) -> tuple[list[LogSink], tuple[Missing, ...]]:
    """Sinks known to route audit logs into ``bucket``, and what leaves more unknown."""
    by_destination, missing = _sink_index(ctx, bucket)
    return list(by_destination.get(LOG_BUCKET_PREFIX + bucket.id, [])), missing


def _archive_check(bucket: LogBucket, ctx: PredicateContext) -> tuple[list[str], Verdict | None]:
    if bucket.bucket_id in BUILT_IN_BUCKETS:
        return [], Verdict.not_applicable(
            f"{bucket.bucket_id} is a built-in bucket; audit logs must be archived through an "
            "aggregated sink (its own policy)."
        )
    sinks, missing = _audit_sinks_into(bucket, ctx)
    if not sinks:
        if missing:
            return [], Verdict.unknown(missing)
        return [], Verdict.not_applicable(
            f"No sink in scope routes audit logs to log bucket {bucket.id}."
        )
    return [s.id for s in sinks], None


@predicate(
    "gcp.logging.bucket",
    reads=("bucket_id", "retention_days"),
    params=("audit_log_retention_days",),
    related=("gcp.logging.sink",),
)
def logging_audit_bucket_retention(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Log buckets that receive audit logs keep them for the promised days."""
    assert isinstance(resource, LogBucket)
    sinks, skip = _archive_check(resource, ctx)
    if skip is not None:
        return skip
    unread = ctx.unread(resource, ("retention_days",))
    if unread:
        return Verdict.unknown(unread)
    wanted = ctx.params.get("audit_log_retention_days")
    evidence = {"retention_days": resource.retention_days, "sinks": sinks, "wanted_days": wanted}
    if (
        resource.retention_days is not None
        and wanted is not None
        and resource.retention_days >= wanted
    ):
        return Verdict.passed(
            f"Log bucket {resource.id} keeps audit logs from {', '.join(sinks)} for "
            f"{resource.retention_days} days (promised {wanted}).",
            evidence,
        )
    return Verdict.fail(
        f"Log bucket {resource.id} keeps audit logs from {', '.join(sinks)} for "
        f"{resource.retention_days} days; the BAA promises {wanted}.",
        evidence,
    )


@predicate("gcp.logging.bucket", reads=("bucket_id", "locked"), related=("gcp.logging.sink",))
def logging_audit_bucket_locked(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Log buckets that receive audit logs are locked."""
    assert isinstance(resource, LogBucket)
    sinks, skip = _archive_check(resource, ctx)
    if skip is not None:
        return skip
    unread = ctx.unread(resource, ("locked",))
    if unread:
        return Verdict.unknown(unread)
    evidence = {"locked": resource.locked, "sinks": sinks}
    if resource.locked is True:
        return Verdict.passed(
            f"Log bucket {resource.id} is locked: its retention cannot be shortened.", evidence
        )
    return Verdict.fail(
        f"Log bucket {resource.id} holds audit logs but is not locked: its retention can be "
        "shortened and the logs deleted.",
        evidence,
    )


# -- exclusions --------------------------------------------------------------------------------


@predicate("gcp.logging.exclusion", reads=("filter", "disabled"))
def logging_exclusion_spares_data_access(resource: Resource, ctx: PredicateContext) -> Verdict:
    """No enabled exclusion drops Data Access audit logs."""
    assert isinstance(resource, LogExclusion)
    unread = ctx.unread(resource, ("filter", "disabled"))
    if unread:
        return Verdict.unknown(unread)
    evidence = {"filter": resource.filter, "sink": resource.sink, "disabled": resource.disabled}
    if resource.disabled is True:
        return Verdict.not_applicable(f"Exclusion {resource.id} is disabled.", evidence)
    drops = exclusion_drops_data_access(resource.filter)
    if drops is Coverage.YES:
        return Verdict.fail(
            f"Exclusion {resource.id} drops Data Access audit logs (filter: {resource.filter!r}).",
            evidence,
        )
    if drops is Coverage.NO:
        return Verdict.passed(
            f"Exclusion {resource.id} is restricted to logs that are not audit logs.", evidence
        )
    return Verdict.manual(
        f"Exclusion {resource.id} (filter: {resource.filter!r}) cannot be shown to spare Data "
        "Access audit logs; review the filter.",
        evidence,
    )


LOGGING_PREDICATES = registry(
    logging_org_aggregated_audit_sink,
    logging_audit_bucket_retention,
    logging_audit_bucket_locked,
    logging_exclusion_spares_data_access,
)

__all__ = [
    "LOGGING_PREDICATES",
    "Coverage",
    "exclusion_drops_data_access",
    "filter_carries_audit_logs",
]
