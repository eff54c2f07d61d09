"""Seed an emulated account with compliant and non-compliant identity, session, audit-logging,
log-protection, AI and service-usage examples.

:func:`seed_identity` writes to moto over HTTP with boto3 and returns the :class:`Recordings`
that :mod:`baa_audit_sample.aws.recorded` answers for what moto lacks (data protection policies, the
effective AI opt-out policy, AWS Config resource counts, Artifact agreements, the credential
report's root row). Run the scan through ``start_recorded_proxy(endpoint_url, recordings)``.

What the scan should find (strict profile, regions us-east-1 and us-west-2), by policy:

* AWS-IAM-001/002: root without MFA and with an active access key -> FAIL, FAIL.
* AWS-IAM-003: ``bob-mfa`` PASS, ``alice-nomfa`` FAIL, ``ci-bot`` (no console) not in scope.
* AWS-IAM-004: ``bob-mfa`` PASS; ``alice-nomfa`` (inline) and ``ci-bot`` (attached) FAIL.
* AWS-IAM-005: ``clinician-saml`` PASS, ``admin-crossaccount`` FAIL, ``lambda-exec`` N/A.
* AWS-COG-001: pool ``patients`` PASS, pool ``staff`` FAIL.
* AWS-COG-002: clients ``web`` and ``kiosk`` PASS, ``legacy`` FAIL.
* AWS-COG-003: ``kiosk`` PASS, ``web`` MANUAL, ``legacy`` FAIL.
* AWS-SSO-001: ``Clinician`` PASS, ``Admin`` FAIL.
* AWS-CT-001/002: the account PASS (trail ``org-audit``).
* AWS-CT-003: ``phi-records`` PASS, ``phi-images`` FAIL, ``web-assets`` N/A.
* AWS-CT-004: ``org-audit`` PASS (log group never expires), ``dev-trail`` FAIL (30 days).
* AWS-LOGS-001: ``/app/api`` PASS, ``/app/web`` FAIL, ``/aws/cloudtrail/org-audit`` N/A.
* AWS-ORG-001: PASS. AWS-BR-003: PASS (BAA active in Artifact, opt-out in force).
* AWS-BR-001: us-east-1 PASS, us-west-2 FAIL (prompt text to an unmarked bucket).
* AWS-BR-002: us-east-1 and us-west-2 PASS.
* AWS-SVC-001: e.g. ``s3`` PASS, ``lightsail`` FAIL, ``sagemaker`` MANUAL.
"""

from __future__ import annotations

import json
from typing import Any

from baa_audit_sample.aws.recorded import DEFAULT_ACCOUNT, Recordings, RootState

ACCOUNT = DEFAULT_ACCOUNT
PHI_TAG = {"Key": "data-classification", "Value": "phi"}
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STRICT_IDENTIFIERS = [
    "EmailAddress",
    "Ssn-US",
    "Address",
    "Name",
    "DateOfBirth",
    "PhoneNumber-US",
    "HealthInsuranceClaimNumber-US",
    "MedicareBeneficiaryNumber-US",
    "NationalProviderId-US",
    "DrugEnforcementAgencyNumber-US",
]
#: identifiers CloudWatch Logs has no managed identifier for: custom identifiers in the policy
CUSTOM_IDENTIFIERS = {"DateOfBirth": r"(?i)(dob|date of birth)\W{0,3}\d{4}-\d{2}-\d{2}"}


def _trust(principal: dict[str, Any], action: str = "sts:AssumeRole") -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def data_protection_document(name: str, identifiers: list[str]) -> dict[str, Any]:
    """A data protection policy document as CloudWatch Logs stores it (audit + mask)."""
    arns = [
        i if i in CUSTOM_IDENTIFIERS else f"arn:aws:dataprotection::aws:data-identifier/{i}"
        for i in identifiers
    ]
    document: dict[str, Any] = {
        "Name": name,
        "Description": "",
        "Version": "2021-06-01",
        "Statement": [
            {
                "Sid": "audit-policy",
                "DataIdentifier": arns,
                "Operation": {"Audit": {"FindingsDestination": {}}},
            },
            {
                "Sid": "redact-policy",
                "DataIdentifier": arns,
                "Operation": {"Deidentify": {"MaskConfig": {}}},
            },
        ],
    }
    custom = [{"Name": n, "Regex": r} for n, r in CUSTOM_IDENTIFIERS.items() if n in identifiers]
    if custom:
        document["Configuration"] = {"CustomDataIdentifier": custom}
    return document


def _iam(client: Any) -> None:
    client.create_group(GroupName="clinicians")
    client.create_user(UserName="alice-nomfa")
    client.create_login_profile(UserName="alice-nomfa", Password="Demo-Passw0rd!-Demo")
    client.put_user_policy(
        UserName="alice-nomfa",
        PolicyName="read-all-s3",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
            }
        ),
    )
    client.create_user(UserName="bob-mfa")
    client.create_login_profile(UserName="bob-mfa", Password="Demo-Passw0rd!-Demo")
    client.add_user_to_group(GroupName="clinicians", UserName="bob-mfa")
    serial = client.create_virtual_mfa_device(VirtualMFADeviceName="bob-mfa")["VirtualMFADevice"][
        "SerialNumber"
    ]
    client.enable_mfa_device(
        UserName="bob-mfa",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    client.create_user(UserName="ci-bot")
    deploy = client.create_policy(
        PolicyName="ci-deploy",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}
                ],
            }
        ),
    )["Policy"]["Arn"]
    client.attach_user_policy(UserName="ci-bot", PolicyArn=deploy)
    client.create_access_key(UserName="ci-bot")
    saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-idp"
    client.create_role(
        RoleName="clinician-saml",
        AssumeRolePolicyDocument=_trust({"Federated": saml}, "sts:AssumeRoleWithSAML"),
        MaxSessionDuration=28800,
    )
    client.create_role(
        RoleName="admin-crossaccount",
        AssumeRolePolicyDocument=_trust({"AWS": "arn:aws:iam::210987654321:root"}),
        MaxSessionDuration=43200,
    )
    client.create_role(
        RoleName="lambda-exec",
        AssumeRolePolicyDocument=_trust({"Service": "lambda.amazonaws.com"}),
        MaxSessionDuration=43200,
    )


def _cognito(client: Any) -> None:
    patients = client.create_user_pool(
        PoolName="patients", MfaConfiguration="ON", UserPoolTags={"app": "portal"}
    )["UserPool"]["Id"]
    client.create_user_pool(PoolName="staff", MfaConfiguration="OPTIONAL")
    minutes = {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"}
    client.create_user_pool_client(
        UserPoolId=patients,
        ClientName="web",
        AccessTokenValidity=15,
        IdTokenValidity=15,
        RefreshTokenValidity=480,
        TokenValidityUnits=minutes,
    )
    client.create_user_pool_client(
        UserPoolId=patients,
        ClientName="kiosk",
        AccessTokenValidity=5,
        IdTokenValidity=5,
        RefreshTokenValidity=15,
        TokenValidityUnits=minutes,
    )
    client.create_user_pool_client(
        UserPoolId=patients, ClientName="legacy", RefreshTokenValidity=30
    )


def _sso(client: Any) -> None:
    instance = client.list_instances()["Instances"][0]["InstanceArn"]
    client.create_permission_set(InstanceArn=instance, Name="Clinician", SessionDuration="PT8H")
    client.create_permission_set(InstanceArn=instance, Name="Admin", SessionDuration="PT12H")


def _storage_and_trails(s3: Any, logs: Any, trail: Any) -> None:
    for name, tagged in (
        ("phi-records", True),
        ("phi-images", True),
        ("web-assets", False),
        ("phi-ai-logs", True),
        ("ml-scratch", False),
        ("audit-trail-logs", False),
    ):
        s3.create_bucket(Bucket=name)
        if tagged:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [PHI_TAG]})
    logs.create_log_group(logGroupName="/aws/cloudtrail/org-audit")
    logs.create_log_group(logGroupName="dev-trail-logs")
    logs.put_retention_policy(logGroupName="dev-trail-logs", retentionInDays=30)
    for name in ("/app/api", "/app/web", "/app/bedrock"):
        logs.create_log_group(logGroupName=name, tags={"app": "portal"})
    role = f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs"
    trail.create_trail(
        Name="org-audit",
        S3BucketName="audit-trail-logs",
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=KMS_KEY,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/cloudtrail/org-audit:*",
        CloudWatchLogsRoleArn=role,
    )
    trail.put_event_selectors(
        TrailName="org-audit",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::phi-records/"]}
                ],
            }
        ],
    )
    trail.start_logging(Name="org-audit")
    trail.create_trail(
        Name="dev-trail",
        S3BucketName="audit-trail-logs",
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:dev-trail-logs:*",
        CloudWatchLogsRoleArn=role,
    )
    trail.start_logging(Name="dev-trail")


def _bedrock(east: Any, west: Any) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/bedrock-logging"
    east.put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": "/app/bedrock", "roleArn": role},
            "s3Config": {"bucketName": "phi-ai-logs", "keyPrefix": "invocations/"},
            "textDataDeliveryEnabled": True,
            "imageDataDeliveryEnabled": False,
            "embeddingDataDeliveryEnabled": False,
        }
    )
    west.put_model_invocation_logging_configuration(
        loggingConfig={
            "s3Config": {"bucketName": "ml-scratch", "keyPrefix": "bedrock/"},
            "textDataDeliveryEnabled": True,
            "imageDataDeliveryEnabled": False,
            "embeddingDataDeliveryEnabled": False,
        }
    )


def recordings() -> Recordings:
    """What real AWS would answer for the operations moto lacks, matching the seeded account."""
    return Recordings(
        root=RootState(mfa_active=False, access_key_1_active=True),
        data_protection_policies={
            "us-east-1": {
                "/app/api": data_protection_document("app-api-phi", STRICT_IDENTIFIERS),
            }
        },
        account_policies={
            "us-east-1": [
                {
                    "policyName": "mask-contact-data",
                    "policyType": "DATA_PROTECTION_POLICY",
                    "scope": "ALL",
                    "policyDocument": data_protection_document(
                        "mask-contact-data", ["EmailAddress", "Ssn-US"]
                    ),
                }
            ]
        },
        effective_policies={
            ACCOUNT: {"services": {"default": {"opt_out_policy": "optOut"}}},
        },
        discovered_resource_counts={
            "us-east-1": [
                {"resourceType": "AWS::EFS::FileSystem", "count": 2},
                {"resourceType": "AWS::SageMaker::NotebookInstance", "count": 1},
                {"resourceType": "AWS::Lightsail::Instance", "count": 1},
            ]
        },
        customer_agreements={
            ACCOUNT: [
                {
                    "name": "AWS Business Associate Addendum",
                    "arn": f"arn:aws:artifact::{ACCOUNT}:customer-agreement/customer-agreement-demo0001",
                    "id": "customer-agreement-demo0001",
                    "agreementArn": "arn:aws:artifact:::agreement/agreement-baa000001",
                    "awsAccountId": ACCOUNT,
                    "effectiveStart": "2025-01-15T10:00:00Z",
                    "state": "ACTIVE",
                    "type": "DEFAULT",
                    "description": "Business Associate Addendum",
                    "acceptanceTerms": [],
                    "terminateTerms": [],
                }
            ]
        },
    )


def seed_identity(endpoint_url: str) -> Recordings:
    """Seed moto at ``endpoint_url``; return the recordings for the recorded-answers proxy."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 2, "mode": "standard"})

    def client(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint_url, config=config)

    _iam(client("iam"))
    _cognito(client("cognito-idp"))
    _sso(client("sso-admin"))
    _storage_and_trails(client("s3"), client("logs"), client("cloudtrail"))
    _bedrock(client("bedrock"), client("bedrock", "us-west-2"))
    return recordings()


__all__ = ["STRICT_IDENTIFIERS", "data_protection_document", "recordings", "seed_identity"]
