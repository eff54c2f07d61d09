"""The mapper contract: one Terraform resource type -> one resource model (no registry here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from auditor.core.model.base import Gap, Resource, SourceLocation
from auditor.iac.tf import TfIndex, TfResource

#: ``Resource.account`` for resources read from Terraform (no account is known before deploy).
IAC_ACCOUNT = "terraform"

MapperFn = Callable[[TfResource, TfIndex], Resource | None]


@dataclass(frozen=True)
class Mapper:
    """How one Terraform resource type becomes one resource model."""

    tf_type: str
    resource_type: str
    fn: MapperFn
    #: Model fields a Terraform resource of this type never carries (IAM bindings granted by
    #: other resources...). Policies reading them are not run on Terraform: the live scan judges.
    unreadable: tuple[str, ...] = ()

    def map(self, res: TfResource, index: TfIndex) -> Resource | None:
        model = self.fn(res, index)
        if model is not None and model.location is None and res.file:
            model.location = SourceLocation(
                file=res.file, line_start=res.line_start, line_end=res.line_end
            )
        return model


def unknown_gap(fields: Iterable[str], what: str) -> Gap:
    """A field Terraform only knows after apply (or checkov could not render)."""
    return Gap(
        operation="terraform:render",
        error_code="UnknownBeforeApply",
        message=f"{what} is known only after apply or from unresolved input; "
        "judge the plan (baa-audit iac --plan) or the live resource",
        fields=tuple(fields),
    )


__all__ = ["IAC_ACCOUNT", "Mapper", "MapperFn", "unknown_gap"]
