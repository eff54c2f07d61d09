"""The explicit registry of named predicates."""

from __future__ import annotations

from auditor.judge.predicates.base import GapError, Predicate, PredicateContext, Verdict, registry


def predicates() -> dict[str, Predicate]:
    """Every shipped predicate by name (a name given twice is an error)."""
    from auditor.judge.predicates.aws import AWS_PREDICATES
    from auditor.judge.predicates.gcp import GCP_PREDICATES

    return registry(*AWS_PREDICATES.values(), *GCP_PREDICATES.values())


__all__ = ["GapError", "Predicate", "PredicateContext", "Verdict", "predicates"]
