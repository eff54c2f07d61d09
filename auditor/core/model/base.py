"""The vocabulary every collector, policy and renderer shares.

A resource model is a pydantic class per resource type, named after the provider's own nouns
(``aws.elbv2.listener``, ``gcp.sql.instance``). Three states of a field are kept apart:

* a value that was observed (``"TLSv1.3"``, ``False``, ``[]``);
* a value that was observed to be absent (``None``);
* a value that could not be read: a :class:`Gap` on the resource naming the field.

A whole listing that failed is a :class:`ListingGap` on the inventory, and every listing that
succeeded leaves a :class:`Coverage` record, so "nothing there" is itself evidence.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

#: Who a resource belongs to: a cloud, or a database server read over its own protocol.
Provider = Literal["aws", "gcp", "postgres"]

WHOLE_RESOURCE = "*"

M = TypeVar("M", bound=BaseModel)
_set_attribute = object.__setattr__


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of ``cls`` from ``values`` that are already valid and name every field.

    What ``model_construct`` does (no validation), without its per-field alias and default
    handling: the engine builds millions of findings from validated policies and resources, and
    that handling was a fifth of its time. The result is validated again whenever it is read back.
    """
    model = cls.__new__(cls)
    _set_attribute(model, "__dict__", values)
    _set_attribute(model, "__pydantic_fields_set__", set(values))
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


def optional(description: str) -> Any:
    """A field that stays ``None`` until a collector observes a value, with its description (for
    the schema, the docs and policy authors): ``Field(default=None, description=description)``."""
    return Field(default=None, description=description)


class Gap(BaseModel):
    """A value that could not be read, and why.

    ``fields`` names the resource fields the failure affects (dotted paths, as policies name
    them); ``"*"`` means every field of the resource.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    operation: str = Field(
        description="API operation that failed, e.g. 'elbv2:DescribeSSLPolicies'"
    )
    error_code: str = Field(description="Provider error code, HTTP status or 'Timeout'")
    message: str = ""
    fields: tuple[str, ...] = (WHOLE_RESOURCE,)

    def covers(self, path: str) -> bool:
        """True when reading ``path`` would touch a value this gap left unread."""
        for field in self.fields:
            if field in (WHOLE_RESOURCE, path):
                return True
            if path.startswith(field + ".") or field.startswith(path + "."):
                return True
        return False


class SourceLocation(BaseModel):
    """Where a resource was declared, for resources read from infrastructure code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line_start: int | None = None
    line_end: int | None = None
    address: str | None = optional("Terraform address, module path included (module.a.aws_lb.b)")


class Resource(BaseModel):
    """Base of every resource model.

    Subclasses set ``resource_type`` and ``provider`` and add typed fields. ``account`` holds the
    AWS account id or the GCP project id; ``region`` is ``None`` for global resources.
    """

    model_config = ConfigDict(extra="forbid")

    resource_type: ClassVar[str]
    provider: ClassVar[Provider]

    id: str = Field(description="Provider's identifier: ARN, self link or full resource name")
    name: str | None = None
    account: str
    region: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    gaps: list[Gap] = Field(default_factory=list)
    location: SourceLocation | None = None

    def gap_for(self, path: str) -> Gap | None:
        """The gap that left ``path`` unread, if any."""
        if not self.gaps:
            return None
        for gap in self.gaps:
            if gap.covers(path):
                return gap
        return None


class _Place(BaseModel):
    """Where something was seen: the provider, the account (or project, or database) and region.

    The first fields of a finding's resource reference, a listing gap and a coverage record.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str
    account: str
    region: str | None = None


class _Listing(_Place):
    """The listing of one resource type in one place."""

    resource_type: str

    def where(self) -> str:
        return f"{self.account}/{self.region}" if self.region else self.account


class ResourceRef(_Place):
    """How a finding names the resource it judged."""

    type: str
    id: str
    name: str | None = None
    location: SourceLocation | None = None

    @classmethod
    def of(cls, resource: Resource) -> ResourceRef:
        return trusted(
            cls,
            {
                "provider": resource.provider,
                "account": resource.account,
                "region": resource.region,
                "type": resource.resource_type,
                "id": resource.id,
                "name": resource.name,
                "location": resource.location,
            },
        )


class Failed(Protocol):
    """What every failed call carries, whichever collector made it."""

    @property
    def operation(self) -> str: ...

    @property
    def error_code(self) -> str: ...

    @property
    def message(self) -> str: ...


class ListingGap(_Listing):
    """A listing that failed: every resource of ``resource_type`` in this place is unknown."""

    operation: str
    error_code: str
    message: str = ""

    @classmethod
    def of(
        cls,
        failure: Failed,
        *,
        provider: str,
        account: str,
        resource_type: str,
        region: str | None = None,
    ) -> ListingGap:
        """The gap ``failure`` leaves in the listing of ``resource_type`` in this place."""
        return cls(
            provider=provider,
            account=account,
            region=region,
            resource_type=resource_type,
            operation=failure.operation,
            error_code=failure.error_code,
            message=failure.message,
        )


class Coverage(_Listing):
    """A listing that succeeded: ``count`` resources of ``resource_type`` were seen here."""

    count: int = 0


def dump_resource(resource: Resource) -> dict[str, Any]:
    """Serialize a resource exactly (defaults included) for the snapshot file."""
    return resource.model_dump(mode="json")


__all__ = [
    "WHOLE_RESOURCE",
    "Coverage",
    "Failed",
    "Gap",
    "ListingGap",
    "Provider",
    "Resource",
    "ResourceRef",
    "SourceLocation",
    "dump_resource",
    "optional",
]
