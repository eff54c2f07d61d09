"""AWS resource models, one module per service, named after AWS's own nouns."""

from __future__ import annotations

from auditor.model.aws.account import AwsAccount
from auditor.model.aws.apigateway import (
    ApiGatewayDomainName,
    ApiGatewayRestApi,
    ApiGatewayV2Api,
    ApiGatewayV2DomainName,
)
from auditor.model.aws.artifact import ArtifactCustomerAgreement
from auditor.model.aws.bedrock import BedrockInvocationLogging
from auditor.model.aws.cloudfront import CloudFrontDistribution
from auditor.model.aws.cloudtrail import CloudTrailTrail
from auditor.model.aws.cognito import CognitoUserPool, CognitoUserPoolClient
from auditor.model.aws.dynamodb import DynamoDbTable
from auditor.model.aws.ec2 import EbsEncryptionDefault, Ec2Snapshot, Ec2Volume
from auditor.model.aws.efs import EfsFileSystem
from auditor.model.aws.elb import ElbLoadBalancer
from auditor.model.aws.elbv2 import Elbv2Listener
from auditor.model.aws.iam import IamRole, IamRootUser, IamUser
from auditor.model.aws.kms import KmsKey
from auditor.model.aws.logs import LogsAccountPolicy, LogsLogGroup
from auditor.model.aws.organizations import OrganizationsEffectivePolicy
from auditor.model.aws.rds import RdsDbCluster, RdsDbInstance
from auditor.model.aws.s3 import S3Bucket
from auditor.model.aws.services import AwsServiceInUse
from auditor.model.aws.sso import SsoPermissionSet
from auditor.model.base import Resource

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
