"""The explicit registry of AWS service collectors.

Each entry is one line: a :class:`ServiceCollector` naming the function ``fn(ctx, sink) -> None``,
whether it runs once for the account (``global_=True``: IAM, CloudFront, Organizations...) or once
in every region, and the resource types it emits. If a collector raises anything unexpected, the
run records a ListingGap for each of those types (error code = the exception's class) and goes on,
so a bug in one collector can never pass for "nothing there".

To add a service: write ``auditor/collect/aws/<service>.py`` exporting ``TYPES`` and
``collect(ctx, sink)`` (see :mod:`auditor.collect.aws.context` for the helpers), import it below
and add one line to :data:`SERVICE_COLLECTORS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.collect.aws import (
    account,
    apigateway,
    artifact,
    bedrock,
    cloudfront,
    cloudtrail,
    cognito,
    dynamodb,
    ec2,
    efs,
    elb,
    elbv2,
    iam,
    kms,
    logs,
    organizations,
    rds,
    s3,
    service_usage,
    sso,
)
from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink

ServiceFn = Callable[[AwsContext, InventorySink], None]


@dataclass(frozen=True)
class ServiceCollector:
    fn: ServiceFn
    resource_types: tuple[str, ...]
    global_: bool = False


SERVICE_COLLECTORS: dict[str, ServiceCollector] = {
    # encryption at rest and in transit (AWS-1)
    "s3": ServiceCollector(s3.collect, s3.TYPES, global_=True),
    "ec2": ServiceCollector(ec2.collect, ec2.TYPES),
    "rds": ServiceCollector(rds.collect, rds.TYPES),
    "dynamodb": ServiceCollector(dynamodb.collect, dynamodb.TYPES),
    "efs": ServiceCollector(efs.collect, efs.TYPES),
    "kms": ServiceCollector(kms.collect, kms.TYPES),
    "elbv2": ServiceCollector(elbv2.collect, elbv2.TYPES),
    "elb": ServiceCollector(elb.collect, elb.TYPES),
    "cloudfront": ServiceCollector(cloudfront.collect, cloudfront.TYPES, global_=True),
    "apigateway": ServiceCollector(apigateway.collect, apigateway.TYPES),
    # identity, logging, AI, covered services (AWS-2): one line each below
    "account": ServiceCollector(account.collect, account.TYPES, global_=True),
    "artifact": ServiceCollector(artifact.collect, artifact.TYPES, global_=True),
    "iam": ServiceCollector(iam.collect, iam.TYPES, global_=True),
    "cognito": ServiceCollector(cognito.collect, cognito.TYPES),
    "sso": ServiceCollector(sso.collect, sso.TYPES),
    "cloudtrail": ServiceCollector(cloudtrail.collect, cloudtrail.TYPES, global_=True),
    "logs": ServiceCollector(logs.collect, logs.TYPES),
    "organizations": ServiceCollector(organizations.collect, organizations.TYPES, global_=True),
    "bedrock": ServiceCollector(bedrock.collect, bedrock.TYPES),
    "service_usage": ServiceCollector(service_usage.collect, service_usage.TYPES, global_=True),
}


__all__ = ["SERVICE_COLLECTORS", "ServiceCollector", "ServiceFn"]
