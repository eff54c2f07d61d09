"""The explicit registry of collectors: provider name -> collector function.

Cloud SDKs are optional extras, so each entry imports its collector lazily and names the extra
to install when the SDK is missing.
"""

from __future__ import annotations

from auditor.collect.base import CollectOptions, CollectorFn
from auditor.core.errors import CollectionError


def _missing(extra: str, exc: ImportError) -> CollectionError:
    return CollectionError(
        f"the {extra} collector needs packages that are not installed ({exc.name}); "
        f"install them with: pip install 'baa-audit[{extra}]'"
    )


def collector(provider: str) -> CollectorFn:
    """The collector for ``provider`` ('aws', 'gcp' or 'postgres')."""
    if provider == "aws":
        try:
            from auditor.collect.aws.organization import collect_aws_or_organization
        except ImportError as exc:
            raise _missing("aws", exc) from None
        return collect_aws_or_organization
    if provider == "gcp":
        try:
            from auditor.collect.gcp.run import collect_gcp
        except ImportError as exc:
            raise _missing("gcp", exc) from None
        return collect_gcp
    if provider == "postgres":
        try:
            from auditor.collect.postgres.run import collect_postgres
        except ImportError as exc:
            raise _missing("postgres", exc) from None
        return collect_postgres
    raise CollectionError(f"unknown provider {provider!r}; choose {', '.join(PROVIDERS)}")


PROVIDERS: tuple[str, ...] = ("aws", "gcp", "postgres")


def providers_for_all() -> list[str]:
    """What ``--provider all`` means: both clouds, and PostgreSQL only when a connection is
    configured (``BAA_AUDIT_PG_DSN`` set; the libpq variables alone do not opt in)."""
    from auditor.collect.postgres.connect import configured

    return ["aws", "gcp", *(["postgres"] if configured() else [])]


__all__ = ["PROVIDERS", "CollectOptions", "CollectorFn", "collector", "providers_for_all"]
