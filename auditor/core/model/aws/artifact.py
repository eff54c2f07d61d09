"""AWS Artifact: the agreements (such as the Business Associate Addendum) an account accepted."""

from __future__ import annotations

from datetime import datetime

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class ArtifactCustomerAgreement(AwsResource):
    """One accepted agreement (ListCustomerAgreements ``customerAgreements[]``)."""

    resource_type = "aws.artifact.customer_agreement"

    agreement_arn: str | None = None
    state: str | None = optional("ACTIVE, CUSTOMER_TERMINATED, AWS_TERMINATED")
    agreement_type: str | None = optional("CUSTOM, DEFAULT, MODIFIED")
    organization_arn: str | None = None
    effective_start: datetime | None = None
    effective_end: datetime | None = None


__all__ = ["ArtifactCustomerAgreement"]
