"""Amazon CloudWatch Logs: log groups (retention, data protection) and account-level policies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class DataProtectionPolicy(BaseModel):
    """A data protection policy document, reduced to the identifiers it names.

    Managed identifiers are named without their ARN prefix
    (``arn:aws:dataprotection::aws:data-identifier/EmailAddress`` -> ``EmailAddress``); custom
    identifiers by the name the policy's ``Configuration.CustomDataIdentifier`` gives them.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    masked_identifiers: list[str] = Field(
        default_factory=list,
        description="identifiers of Operation.Deidentify.MaskConfig statements",
    )
    audited_identifiers: list[str] = Field(
        default_factory=list, description="identifiers of Operation.Audit statements"
    )
    custom_identifiers: list[str] = Field(default_factory=list)
    findings_destinations: list[str] = Field(
        default_factory=list,
        description="kinds of audit findings destination: CloudWatchLogs, Firehose, S3",
    )


class LogsLogGroup(AwsResource):
    """A log group. ``retention_in_days`` None means the events never expire."""

    resource_type = "aws.logs.log_group"

    retention_in_days: int | None = None
    kms_key_id: str | None = None
    data_protection_status: str | None = optional(
        "dataProtectionStatus: ACTIVATED, DELETED, ARCHIVED or DISABLED"
    )
    inherited_properties: list[str] = Field(
        default_factory=list, description="e.g. ACCOUNT_DATA_PROTECTION"
    )
    data_protection_policy: DataProtectionPolicy | None = optional(
        "GetDataProtectionPolicy for this log group; None when it has none"
    )


class LogsAccountPolicy(AwsResource):
    """An account-level CloudWatch Logs policy (DescribeAccountPolicies), one region."""

    resource_type = "aws.logs.account_policy"

    policy_type: str
    scope: str | None = optional("ALL")
    selection_criteria: str | None = None
    data_protection_policy: DataProtectionPolicy | None = None


__all__ = ["DataProtectionPolicy", "LogsAccountPolicy", "LogsLogGroup"]
