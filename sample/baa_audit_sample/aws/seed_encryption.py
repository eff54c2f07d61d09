"""Seed an emulated account with compliant and non-compliant encryption at rest and in transit.

Every resource is created over HTTP with boto3. What the scan finds (strict profile, regions
us-east-1 and us-west-2) is listed in :data:`EXPECTED`: ``(policy id, resource name, status)``;
the end-to-end tests assert exactly these, the demo shows them.
"""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
WEST = "us-west-2"

#: (policy id, resource name, status) under the strict profile, regions us-east-1 and us-west-2
EXPECTED: tuple[tuple[str, str, str], ...] = (
    ("AWS-S3-001", "phi-claims", "PASS"),
    ("AWS-S3-001", "legacy-exports", "FAIL"),
    ("AWS-S3-001", "tls12-reports", "PASS"),
    # phi-claims blocks SSE-C, but moto drops BlockedEncryptionTypes: against moto alone it FAILs;
    # behind the recorded-answers proxy (the demo) it PASSes (RECORDED_EXPECTED)
    ("AWS-S3-002", "phi-claims", "FAIL"),
    ("AWS-S3-002", "tls12-reports", "FAIL"),
    ("AWS-S3-002", "legacy-exports", "FAIL"),
    ("AWS-S3-004", "phi-claims", "PASS"),
    ("AWS-S3-004", "legacy-exports", "FAIL"),
    ("AWS-S3-004", "tls12-reports", "PASS"),
    ("AWS-S3-005", "phi-claims", "PASS"),
    ("AWS-S3-005", "tls12-reports", "FAIL"),
    ("AWS-S3-005", "legacy-exports", "FAIL"),
    ("AWS-EBS-001", f"EBS encryption default ({REGION})", "PASS"),
    ("AWS-EBS-001", f"EBS encryption default ({WEST})", "FAIL"),
    ("AWS-EBS-002", "phi-data", "PASS"),
    ("AWS-EBS-002", "scratch", "FAIL"),
    ("AWS-EBS-002", "phi-archive", "PASS"),
    ("AWS-EBS-003", "phi-data-backup", "PASS"),
    ("AWS-EBS-003", "scratch-backup", "FAIL"),
    ("AWS-RDS-001", "patients-pg", "PASS"),
    ("AWS-RDS-001", "billing-mysql", "FAIL"),
    ("AWS-RDS-002", "records-aurora", "PASS"),
    ("AWS-RDS-002", "analytics-aurora", "FAIL"),
    ("AWS-RDS-010", "patients-pg", "PASS"),
    ("AWS-RDS-010", "billing-mysql", "FAIL"),
    ("AWS-RDS-011", "records-aurora", "PASS"),
    ("AWS-RDS-011", "analytics-aurora", "FAIL"),
    ("AWS-DDB-001", "phi-sessions", "PASS"),
    ("AWS-DDB-001", "audit-events", "PASS"),
    ("AWS-EFS-001", "phi-shared", "PASS"),
    ("AWS-EFS-001", "tmp-shared", "FAIL"),
    ("AWS-EFS-001", "old-scans", "PASS"),
    ("AWS-KMS-001", "alias/retired", "FAIL"),
    ("AWS-KMS-002", "alias/retired", "FAIL"),
    ("AWS-KMS-001", "alias/phi-data", "PASS"),
    ("AWS-KMS-001", "alias/unused", "NOT_APPLICABLE"),
    ("AWS-KMS-002", "alias/unused", "NOT_APPLICABLE"),
    ("AWS-KMS-001", "alias/phi-tables", "PASS"),
    ("AWS-KMS-002", "alias/phi-data", "PASS"),
    ("AWS-KMS-002", "alias/phi-tables", "FAIL"),
    # moto reports rotation off for AWS managed keys (real AWS rotates them yearly and says so)
    ("AWS-KMS-001", "alias/aws/ebs", "PASS"),
    ("AWS-KMS-002", "alias/aws/ebs", "FAIL"),
    ("AWS-ELB-001", "phi-alb:443", "PASS"),
    ("AWS-ELB-001", "phi-alb:8443", "FAIL"),
    ("AWS-ELB-002", "phi-alb:80", "PASS"),
    ("AWS-ELB-002", "phi-alb:8080", "FAIL"),
    ("AWS-ELB-003", "phi-alb:443", "MANUAL"),
    ("AWS-ELB-003", "phi-alb:8443", "FAIL"),
    ("AWS-CLB-001", "legacy-clb", "FAIL"),
    ("AWS-CF-001", "portal.example.com", "PASS"),
    ("AWS-CF-001", "marketing.example.com", "FAIL"),
    ("AWS-CF-002", "portal.example.com", "PASS"),
    ("AWS-CF-002", "marketing.example.com", "FAIL"),
    ("AWS-CF-003", "portal.example.com", "MANUAL"),
    ("AWS-CF-003", "marketing.example.com", "FAIL"),
    ("AWS-APIGW-001", "phi-api", "PASS"),
    ("AWS-APIGW-001", "legacy-api", "FAIL"),
    ("AWS-APIGW-002", "api.example.com", "FAIL"),
    ("AWS-APIGW-003", "ws.example.com", "FAIL"),
    ("AWS-APIGW-004", "events-http", "FAIL"),
    ("AWS-APIGW-005", "phi-api", "MANUAL"),
    ("AWS-APIGW-005", "legacy-api", "MANUAL"),
)


#: Where the recorded-answers proxy (:mod:`baa_audit_sample.aws.recorded`, used by the demo)
#: answers what moto cannot keep, the verdicts AWS itself would give: (policy id, resource name)
#: -> status, replacing the entry of :data:`EXPECTED`.
RECORDED_EXPECTED: dict[tuple[str, str], str] = {
    ("AWS-S3-002", "phi-claims"): "PASS",  # BlockedEncryptionTypes SSE-C, as put
    ("AWS-KMS-002", "alias/aws/ebs"): "PASS",  # AWS managed keys rotate every year
}

#: The default-encryption configurations the sample puts (boto3's shape), by bucket.
BUCKET_ENCRYPTION: dict[str, dict[str, Any]] = {
    "phi-claims": {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": "alias/phi-data",
                },
                "BucketKeyEnabled": True,
                "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},
            }
        ]
    },
    "tls12-reports": {
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    },
}


#: with a profile that promises customer-managed keys (customer_managed_keys: true), in addition
EXPECTED_CMK: tuple[tuple[str, str, str], ...] = (
    ("AWS-S3-003", "phi-claims", "PASS"),
    ("AWS-S3-003", "tls12-reports", "FAIL"),
    ("AWS-S3-003", "legacy-exports", "FAIL"),
    ("AWS-EBS-004", "phi-archive", "PASS"),
    ("AWS-EBS-004", "phi-data", "FAIL"),
    ("AWS-EBS-004", "scratch", "FAIL"),
    ("AWS-RDS-003", "patients-pg", "PASS"),
    ("AWS-RDS-003", "billing-mysql", "FAIL"),
    ("AWS-RDS-004", "records-aurora", "PASS"),
    ("AWS-RDS-004", "analytics-aurora", "FAIL"),
    ("AWS-DDB-002", "phi-sessions", "PASS"),
    ("AWS-DDB-002", "audit-events", "FAIL"),
    ("AWS-EFS-002", "phi-shared", "PASS"),
    ("AWS-EFS-002", "tmp-shared", "FAIL"),
    ("AWS-EFS-002", "old-scans", "PASS"),
)


def _deny_policy(bucket: str, tls_floor: str | None) -> str:
    resources = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyPlaintext",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if tls_floor:
        statements.append(
            {
                "Sid": "DenyOldTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": resources,
                "Condition": {"NumericLessThan": {"s3:TlsVersion": tls_floor}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _kms(kms: Any) -> dict[str, str]:
    keys: dict[str, str] = {}
    for alias, rotate in (
        ("alias/phi-data", True),
        ("alias/phi-tables", False),
        ("alias/unused", False),
    ):
        key = kms.create_key(
            Description=alias, KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT"
        )
        key_id = key["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
        if rotate:
            kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=365)
        keys[alias] = key["KeyMetadata"]["Arn"]
    return keys


def _s3(s3: Any) -> None:
    s3.create_bucket(Bucket="phi-claims")
    s3.put_bucket_encryption(
        Bucket="phi-claims", ServerSideEncryptionConfiguration=BUCKET_ENCRYPTION["phi-claims"]
    )
    s3.put_bucket_policy(Bucket="phi-claims", Policy=_deny_policy("phi-claims", "1.3"))
    s3.create_bucket(Bucket="legacy-exports")
    s3.create_bucket(Bucket="tls12-reports")
    s3.put_bucket_encryption(
        Bucket="tls12-reports",
        ServerSideEncryptionConfiguration=BUCKET_ENCRYPTION["tls12-reports"],
    )
    s3.put_bucket_policy(Bucket="tls12-reports", Policy=_deny_policy("tls12-reports", "1.2"))


def _ebs(east: Any, west: Any, keys: dict[str, str]) -> None:
    east.enable_ebs_encryption_by_default()
    data = east.create_volume(
        AvailabilityZone=f"{REGION}a",
        Size=10,
        Encrypted=True,
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "phi-data"}]}
        ],
    )
    scratch = east.create_volume(
        AvailabilityZone=f"{REGION}a",
        Size=10,
        Encrypted=False,
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "scratch"}]}
        ],
    )
    east.create_volume(
        AvailabilityZone=f"{REGION}b",
        Size=10,
        Encrypted=True,
        KmsKeyId=keys["alias/phi-data"],
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "phi-archive"}]}
        ],
    )
    for volume, name in ((data, "phi-data-backup"), (scratch, "scratch-backup")):
        east.create_snapshot(
            VolumeId=volume["VolumeId"],
            TagSpecifications=[
                {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )


def _rds(rds: Any, keys: dict[str, str]) -> None:
    def group(name: str, family: str, params: dict[str, str], cluster: bool = False) -> None:
        values = [
            {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"}
            for k, v in params.items()
        ]
        if cluster:
            rds.create_db_cluster_parameter_group(
                DBClusterParameterGroupName=name, DBParameterGroupFamily=family, Description=name
            )
            rds.modify_db_cluster_parameter_group(
                DBClusterParameterGroupName=name, Parameters=values
            )
        else:
            rds.create_db_parameter_group(
                DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name
            )
            rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=values)

    group("pg16-tls13", "postgres16", {"rds.force_ssl": "1", "ssl_min_protocol_version": "TLSv1.3"})
    group(
        "mysql80-open",
        "mysql8.0",
        {"require_secure_transport": "0", "tls_version": "TLSv1.2,TLSv1.3"},
    )
    group(
        "aurora-pg-tls13",
        "aurora-postgresql16",
        {"rds.force_ssl": "1", "ssl_min_protocol_version": "TLSv1.3"},
        True,
    )
    group(
        "aurora-pg-open",
        "aurora-postgresql16",
        {"rds.force_ssl": "0", "ssl_min_protocol_version": "TLSv1.2"},
        True,
    )
    common = {
        "DBInstanceClass": "db.t3.micro",
        "MasterUsername": "admin_user",
        "AllocatedStorage": 20,
    }
    rds.create_db_instance(
        DBInstanceIdentifier="patients-pg",
        Engine="postgres",
        StorageEncrypted=True,
        KmsKeyId=keys["alias/phi-data"],
        DBParameterGroupName="pg16-tls13",
        MasterUserPassword="demo-password-1",
        **common,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="billing-mysql",
        Engine="mysql",
        StorageEncrypted=False,
        DBParameterGroupName="mysql80-open",
        MasterUserPassword="demo-password-2",
        **common,
    )
    for name, encrypted, group_name in (
        ("records-aurora", True, "aurora-pg-tls13"),
        ("analytics-aurora", False, "aurora-pg-open"),
    ):
        key = {"KmsKeyId": keys["alias/phi-data"]} if encrypted else {}
        rds.create_db_cluster(
            **key,
            DBClusterIdentifier=name,
            Engine="aurora-postgresql",
            MasterUsername="admin_user",
            MasterUserPassword="demo-password-3",
            StorageEncrypted=encrypted,
            DBClusterParameterGroupName=group_name,
        )


def _dynamodb(ddb: Any, keys: dict[str, str]) -> None:
    schema = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    ddb.create_table(
        TableName="phi-sessions",
        SSESpecification={
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": keys["alias/phi-tables"],
        },
        **schema,
    )
    ddb.create_table(TableName="audit-events", **schema)


def _efs(efs: Any, keys: dict[str, str], kms: Any) -> None:
    retired = kms.create_key(Description="retired", KeySpec="SYMMETRIC_DEFAULT")["KeyMetadata"]
    kms.create_alias(AliasName="alias/retired", TargetKeyId=retired["KeyId"])
    efs.create_file_system(
        CreationToken="old-scans",
        Encrypted=True,
        KmsKeyId=retired["Arn"],
        Tags=[{"Key": "Name", "Value": "old-scans"}],
    )
    kms.disable_key(KeyId=retired["KeyId"])
    efs.create_file_system(
        CreationToken="phi-shared",
        Encrypted=True,
        KmsKeyId=keys["alias/phi-data"],
        Tags=[{"Key": "Name", "Value": "phi-shared"}],
    )
    efs.create_file_system(
        CreationToken="tmp-shared", Encrypted=False, Tags=[{"Key": "Name", "Value": "tmp-shared"}]
    )


def seed_load_balancers(ec2: Any, elbv2: Any, elb: Any, acm: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    cert = acm.request_certificate(DomainName="portal.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    lb = elbv2.create_load_balancer(
        Name="phi-alb", Subnets=subnets, Scheme="internet-facing", Type="application"
    )
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    tls_targets = elbv2.create_target_group(Name="app-https", Protocol="HTTPS", Port=443, VpcId=vpc)
    plain_targets = elbv2.create_target_group(Name="app-http", Protocol="HTTP", Port=80, VpcId=vpc)
    tls_tg = tls_targets["TargetGroups"][0]["TargetGroupArn"]
    plain_tg = plain_targets["TargetGroups"][0]["TargetGroupArn"]
    certs = [{"CertificateArn": cert}]
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06",
        Certificates=certs,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tls_tg}],
    )
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTPS",
        Port=8443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=certs,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": plain_tg}],
    )
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": plain_tg}],
    )
    elb.create_load_balancer(
        LoadBalancerName="legacy-clb",
        Listeners=[
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": 443,
                "InstanceProtocol": "HTTP",
                "InstancePort": 80,
                "SSLCertificateId": cert,
            }
        ],
        AvailabilityZones=[f"{REGION}a"],
    )
    elb.create_load_balancer_policy(
        LoadBalancerName="legacy-clb",
        PolicyName="tls12-only",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[
            {
                "AttributeName": "Reference-Security-Policy",
                "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01",
            },
            {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
        ],
    )
    elb.set_load_balancer_policies_of_listener(
        LoadBalancerName="legacy-clb", LoadBalancerPort=443, PolicyNames=["tls12-only"]
    )


def _cloudfront(cloudfront: Any, acm: Any) -> None:
    cert = acm.request_certificate(DomainName="cdn.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]

    def config(
        ref: str, comment: str, viewer: str, origin_policy: str, certificate: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "CallerReference": ref,
            "Comment": comment,
            "Aliases": {"Quantity": 1, "Items": [f"{comment}.example.com"]},
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "app",
                        "DomainName": "app.example.com",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": origin_policy,
                            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "app",
                "ViewerProtocolPolicy": viewer,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 0,
            },
            "ViewerCertificate": certificate,
        }

    portal = config(
        "portal",
        "portal",
        "redirect-to-https",
        "https-only",
        {
            "ACMCertificateArn": cert,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.3_2025",
        },
    )
    marketing = config(
        "marketing",
        "marketing",
        "allow-all",
        "match-viewer",
        {"CloudFrontDefaultCertificate": True},
    )
    for item in (portal, marketing):
        cloudfront.create_distribution(DistributionConfig=item)


def _apigateway(apigw: Any, apigw2: Any) -> None:
    apigw.create_rest_api(
        name="phi-api",
        disableExecuteApiEndpoint=True,
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    apigw.create_rest_api(name="legacy-api", endpointConfiguration={"types": ["REGIONAL"]})
    apigw.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/api",
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    apigw2.create_api(Name="events-http", ProtocolType="HTTP")
    apigw2.create_domain_name(
        DomainName="ws.example.com",
        DomainNameConfigurations=[
            {
                "CertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/ws",
                "EndpointType": "REGIONAL",
                "SecurityPolicy": "TLS_1_2",
            }
        ],
    )


def seed_encryption(endpoint_url: str) -> None:
    """Create the resources behind :data:`EXPECTED` in the emulator at ``endpoint_url``."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1, "mode": "standard"})

    def client(service: str, region: str = REGION) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint_url, config=config)

    keys = _kms(client("kms"))
    _s3(client("s3"))
    _ebs(client("ec2"), client("ec2", WEST), keys)
    _rds(client("rds"), keys)
    _dynamodb(client("dynamodb"), keys)
    _efs(client("efs"), keys, client("kms"))
    seed_load_balancers(client("ec2"), client("elbv2"), client("elb"), client("acm"))
    _cloudfront(client("cloudfront"), client("acm"))
    _apigateway(client("apigateway"), client("apigatewayv2"))


__all__ = [
    "BUCKET_ENCRYPTION",
    "EXPECTED",
    "EXPECTED_CMK",
    "RECORDED_EXPECTED",
    "seed_encryption",
    "seed_load_balancers",
]
