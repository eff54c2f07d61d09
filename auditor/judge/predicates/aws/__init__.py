"""AWS predicates, one module per service; each module exports a dict merged here.

Only what the condition language cannot say lives here: IAM policy reasoning (bucket and trust
policies), CloudTrail selector reasoning, reverse joins from a key to every store that uses it,
identifier coverage across account policies, PHI-store reasoning, and the covered-services data
file. Each module's docstring says why.
"""

from __future__ import annotations

from auditor.judge.predicates.aws.bedrock import BEDROCK_PREDICATES
from auditor.judge.predicates.aws.cloudtrail import CLOUDTRAIL_PREDICATES
from auditor.judge.predicates.aws.iam import IAM_PREDICATES
from auditor.judge.predicates.aws.kms import KMS_PREDICATES
from auditor.judge.predicates.aws.logs import LOGS_PREDICATES
from auditor.judge.predicates.aws.s3 import S3_PREDICATES
from auditor.judge.predicates.aws.services import SERVICES_PREDICATES
from auditor.judge.predicates.base import registry

AWS_PREDICATES = registry(
    *KMS_PREDICATES.values(),
    *S3_PREDICATES.values(),
    *IAM_PREDICATES.values(),
    *CLOUDTRAIL_PREDICATES.values(),
    *LOGS_PREDICATES.values(),
    *BEDROCK_PREDICATES.values(),
    *SERVICES_PREDICATES.values(),
)

__all__ = ["AWS_PREDICATES"]
