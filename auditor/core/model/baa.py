"""Facts a BAA profile states about subcontractors, judged like resources.

A profile names its subcontractors (``subprocessors``) and those it says receive no PHI
(``subprocessors_without_phi``). No control plane shows what a payment processor or an email
provider receives, so each "no PHI" subcontractor becomes one :class:`BaaSubprocessor` that a
policy lists as MANUAL, for a person to attest. The engine builds them from the profile; no
collector reads them.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource


class BaaSubprocessor(Resource):
    """A subcontractor the BAA names (``id`` ``subprocessor:<name>``, ``account`` the profile)."""

    resource_type: ClassVar[str] = "baa.subprocessor"
    provider: ClassVar[Provider] = "baa"

    handles_phi: bool | None = Field(
        default=None, description="False for those the BAA says receive no PHI"
    )


BAA_RESOURCE_TYPES: tuple[type[Resource], ...] = (BaaSubprocessor,)

__all__ = ["BAA_RESOURCE_TYPES", "BaaSubprocessor"]
