"""AWS resource models, one module per service, named after AWS's own nouns."""

from __future__ import annotations

from auditor.model.aws.account import AwsAccount
from auditor.model.aws.bedrock import BedrockInvocationLogging
from auditor.model.aws.cloudtrail import CloudTrailTrail
from auditor.model.aws.cognito import CognitoUserPool, CognitoUserPoolClient
from auditor.model.aws.iam import IamRole, IamRootUser, IamUser
from auditor.model.aws.logs import LogsAccountPolicy, LogsLogGroup
from auditor.model.aws.organizations import OrganizationsEffectivePolicy
from auditor.model.aws.services import AwsServiceInUse
from auditor.model.aws.sso import SsoPermissionSet
from auditor.model.base import Resource

AWS_RESOURCE_TYPES: tuple[type[Resource], ...] = (
    # identity, sessions, logging, AI, covered services (AWS-2)
    AwsAccount,
    AwsServiceInUse,
    BedrockInvocationLogging,
    CloudTrailTrail,
    CognitoUserPool,
    CognitoUserPoolClient,
    IamRole,
    IamRootUser,
    IamUser,
    LogsAccountPolicy,
    LogsLogGroup,
    OrganizationsEffectivePolicy,
    SsoPermissionSet,
)

__all__ = ["AWS_RESOURCE_TYPES"]
