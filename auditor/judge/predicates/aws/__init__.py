"""AWS predicates, one module per service; each module exports a dict merged here."""

from __future__ import annotations

from auditor.judge.predicates.aws.account import ACCOUNT_PREDICATES
from auditor.judge.predicates.aws.apigateway import APIGATEWAY_PREDICATES
from auditor.judge.predicates.aws.bedrock import BEDROCK_PREDICATES
from auditor.judge.predicates.aws.cloudfront import CLOUDFRONT_PREDICATES
from auditor.judge.predicates.aws.cloudtrail import CLOUDTRAIL_PREDICATES
from auditor.judge.predicates.aws.cognito import COGNITO_PREDICATES
from auditor.judge.predicates.aws.iam import IAM_PREDICATES
from auditor.judge.predicates.aws.kms import KMS_PREDICATES
from auditor.judge.predicates.aws.logs import LOGS_PREDICATES
from auditor.judge.predicates.aws.rds import RDS_PREDICATES
from auditor.judge.predicates.aws.s3 import S3_PREDICATES
from auditor.judge.predicates.aws.services import SERVICES_PREDICATES
from auditor.judge.predicates.base import Predicate

AWS_PREDICATES: dict[str, Predicate] = {
    # encryption at rest and in transit (AWS-1)
    **KMS_PREDICATES,
    **S3_PREDICATES,
    **RDS_PREDICATES,
    **CLOUDFRONT_PREDICATES,
    **APIGATEWAY_PREDICATES,
    # identity, sessions, logging, AI, covered services (AWS-2)
    **ACCOUNT_PREDICATES,
    **IAM_PREDICATES,
    **COGNITO_PREDICATES,
    **CLOUDTRAIL_PREDICATES,
    **LOGS_PREDICATES,
    **BEDROCK_PREDICATES,
    **SERVICES_PREDICATES,
}

__all__ = ["AWS_PREDICATES"]
