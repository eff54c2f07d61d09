"""AWS Artifact: the agreements (such as the Business Associate Addendum) an account accepted."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from auditor.core.model.base import Provider, Resource


class ArtifactCustomerAgreement(Resource):
    """One accepted agreement (ListCustomerAgreements ``customerAgreements[]``)."""

    resource_type: ClassVar[str] = "aws.artifact.customer_agreement"
    provider: ClassVar[Provider] = "aws"

    agreement_arn: str | None = None
    state: str | None = Field(
        default=None, description="ACTIVE, CUSTOMER_TERMINATED, AWS_TERMINATED"
    )
    agreement_type: str | None = Field(default=None, description="CUSTOM, DEFAULT, MODIFIED")
    organization_arn: str | None = None
    effective_start: datetime | None = None
    effective_end: datetime | None = None


__all__ = ["ArtifactCustomerAgreement"]
