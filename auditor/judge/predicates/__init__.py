"""The explicit registry of named predicates."""

from __future__ import annotations

from auditor.judge.predicates.base import GapError, Predicate, PredicateContext, Verdict


def predicates() -> dict[str, Predicate]:
    from auditor.judge.predicates.aws import AWS_PREDICATES
    from auditor.judge.predicates.gcp import GCP_PREDICATES

    registry: dict[str, Predicate] = {}
    for group in (AWS_PREDICATES, GCP_PREDICATES):
        for name, predicate in group.items():
            if name in registry:
                raise ValueError(f"predicate {name!r} registered twice")
            if name != predicate.name:
                raise ValueError(f"predicate registered as {name!r} is named {predicate.name!r}")
            registry[name] = predicate
    return registry


__all__ = ["GapError", "Predicate", "PredicateContext", "Verdict", "predicates"]
