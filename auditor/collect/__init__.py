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
    """The collector for ``provider`` ('aws' or 'gcp')."""
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
    raise CollectionError(f"unknown provider {provider!r}; choose aws or gcp")


PROVIDERS: tuple[str, ...] = ("aws", "gcp")

__all__ = ["PROVIDERS", "CollectOptions", "CollectorFn", "collector"]
