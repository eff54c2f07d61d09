"""AWS resource models, one module per service, named after AWS's own nouns."""

from __future__ import annotations

from auditor.core.model.aws.account import AwsAccount
from auditor.core.model.aws.apigateway import (
    ApiGatewayDomainName,
    ApiGatewayRestApi,
    ApiGatewayV2Api,
    ApiGatewayV2DomainName,
)
from auditor.core.model.aws.artifact import ArtifactCustomerAgreement
from auditor.core.model.aws.bedrock import BedrockInvocationLogging
from auditor.core.model.aws.cloudfront import CloudFrontDistribution
from auditor.core.model.aws.cloudtrail import CloudTrailTrail
from auditor.core.model.aws.cognito import CognitoUserPool, CognitoUserPoolClient
from auditor.core.model.aws.dynamodb import DynamoDbTable
from auditor.core.model.aws.ec2 import EbsEncryptionDefault, Ec2Snapshot, Ec2Volume
from auditor.core.model.aws.efs import EfsFileSystem
from auditor.core.model.aws.elb import ElbLoadBalancer
from auditor.core.model.aws.elbv2 import Elbv2Listener
from auditor.core.model.aws.iam import IamRole, IamRootUser, IamUser
from auditor.core.model.aws.kms import KmsKey
from auditor.core.model.aws.logs import LogsAccountPolicy, LogsLogGroup
from auditor.core.model.aws.organizations import OrganizationsEffectivePolicy
from auditor.core.model.aws.rds import RdsDbCluster, RdsDbInstance
from auditor.core.model.aws.s3 import S3Bucket
from auditor.core.model.aws.services import AwsServiceInUse
from auditor.core.model.aws.sso import SsoPermissionSet
from auditor.core.model.base import Resource

AWS_RESOURCE_TYPES: tuple[type[Resource], ...] = (
    # encryption at rest and in transit (AWS-1)
    ApiGatewayDomainName,
    ApiGatewayRestApi,
    ApiGatewayV2Api,
    ApiGatewayV2DomainName,
    CloudFrontDistribution,
    DynamoDbTable,
    EbsEncryptionDefault,
    Ec2Snapshot,
    Ec2Volume,
    EfsFileSystem,
    ElbLoadBalancer,
    Elbv2Listener,
    KmsKey,
    RdsDbCluster,
    RdsDbInstance,
    S3Bucket,
    # identity, sessions, logging, AI, covered services (AWS-2)
    ArtifactCustomerAgreement,
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
