"""Every covered Terraform resource type, compliant and not, maps to the live scan's model.

Runs checkov (its own environment) once over the four fixture directories with the mapping probe
check, which reports each resource's model unjudged, and compares the fields the policies read,
with the file and lines checkov located the resource at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.core.model.base import Resource
from auditor.iac.checkov_env import CheckovCommand
from auditor.iac.mappers import available_mappers
from auditor.iac.run import IacRequest, IacRun, map_terraform
from tests.iac.conftest import FIXTURES, REPO

KEYS = {
    "aws.elbv2.listener": ["protocol", "ssl_policy", "tls.protocols"],
    "aws.elb.load_balancer": [
        "name",
        "listeners.0.protocol",
        "listeners.0.policy_names",
        "listeners.0.reference_security_policy",
        "listeners.0.ssl_protocols",
    ],
    "aws.s3.bucket": ["sse_algorithm", "kms_master_key_id", "policy.Statement.0.Sid"],
    "aws.rds.db_instance": [
        "storage_encrypted",
        "tls_parameters.force_ssl",
        "tls_parameters.ssl_min_protocol_version",
    ],
    "aws.rds.db_cluster": [
        "storage_encrypted",
        "tls_parameters.require_secure_transport",
        "tls_parameters.tls_version",
    ],
    "aws.ec2.volume": ["encrypted"],
    "aws.ec2.ebs_encryption_default": ["ebs_encryption_by_default"],
    "aws.dynamodb.table": ["sse_type", "kms_master_key_arn"],
    "aws.kms.key": ["key_spec", "rotation_enabled", "rotation_period_days"],
    "aws.iam.role": ["max_session_duration"],
    "aws.cognito.user_pool": ["mfa_configuration"],
    "aws.cognito.user_pool_client": [
        "access_token_validity_seconds",
        "refresh_token_validity_seconds",
    ],
    "aws.cloudtrail.trail": ["is_multi_region_trail", "log_file_validation_enabled", "is_logging"],
    "aws.logs.log_group": ["retention_in_days", "data_protection_policy.masked_identifiers"],
    "aws.organizations.effective_policy": ["opted_in_services"],
    "aws.cloudfront.distribution": [
        "minimum_protocol_version",
        "viewer_protocol_policies",
        "cloudfront_default_certificate",
    ],
    "aws.apigateway.rest_api": ["endpoint_types", "disable_execute_api_endpoint"],
    "aws.apigateway.domain_name": ["security_policy"],
    "gcp.compute.ssl_policy": ["profile", "min_tls_version"],
    "gcp.compute.target_https_proxy": ["ssl_policy"],
    "gcp.sql.instance": ["ssl_mode", "kms_key_name"],
    "gcp.storage.bucket": ["default_kms_key_name", "uniform_bucket_level_access"],
    "gcp.kms.crypto_key": ["rotation_period_days"],
    "gcp.serviceusage.service": ["service"],
}

PHI_IDENTIFIERS = [
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

# (file under fixtures/, first line, last line, model type, fields read by policies, gap codes)
EXPECTED: list[tuple[str, int, int, str, dict[str, Any], list[str]]] = [
    (
        "aws/compliant/apigateway.tf",
        3,
        12,
        "aws.apigateway.domain_name",
        {"security_policy": "SecurityPolicy_TLS13_1_3_2025_09"},
        [],
    ),
    (
        "aws/compliant/apigateway.tf",
        14,
        21,
        "aws.apigateway.rest_api",
        {"endpoint_types": ["REGIONAL"], "disable_execute_api_endpoint": True},
        [],
    ),
    (
        "aws/compliant/cloudfront.tf",
        3,
        36,
        "aws.cloudfront.distribution",
        {
            "minimum_protocol_version": "TLSv1.3_2025",
            "viewer_protocol_policies": ["redirect-to-https"],
            "cloudfront_default_certificate": False,
        },
        [],
    ),
    (
        "aws/compliant/cloudtrail.tf",
        1,
        18,
        "aws.cloudtrail.trail",
        {"is_multi_region_trail": True, "log_file_validation_enabled": True, "is_logging": True},
        [],
    ),
    ("aws/compliant/cognito.tf", 1, 8, "aws.cognito.user_pool", {"mfa_configuration": "ON"}, []),
    (
        "aws/compliant/cognito.tf",
        10,
        22,
        "aws.cognito.user_pool_client",
        {"access_token_validity_seconds": 900, "refresh_token_validity_seconds": 28800},
        [],
    ),
    (
        "aws/compliant/dynamodb.tf",
        1,
        15,
        "aws.dynamodb.table",
        {"sse_type": "KMS", "kms_master_key_arn": "aws_kms_key.phi"},
        [],
    ),
    (
        "aws/compliant/ebs.tf",
        1,
        3,
        "aws.ec2.ebs_encryption_default",
        {"ebs_encryption_by_default": True},
        [],
    ),
    ("aws/compliant/ebs.tf", 5, 10, "aws.ec2.volume", {"encrypted": True}, []),
    (
        "aws/compliant/elb.tf",
        6,
        17,
        "aws.elbv2.listener",
        {
            "protocol": "HTTPS",
            "ssl_policy": "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "tls.protocols": ["TLSv1.3"],
        },
        [],
    ),
    (
        "aws/compliant/elb.tf",
        19,
        32,
        "aws.elbv2.listener",
        {"protocol": "HTTP", "ssl_policy": None, "tls.protocols": None},
        [],
    ),
    ("aws/compliant/iam.tf", 1, 13, "aws.iam.role", {"max_session_duration": 28800}, []),
    (
        "aws/compliant/kms.tf",
        1,
        7,
        "aws.kms.key",
        {"key_spec": "SYMMETRIC_DEFAULT", "rotation_enabled": True, "rotation_period_days": 90},
        [],
    ),
    (
        "aws/compliant/logs.tf",
        43,
        47,
        "aws.logs.log_group",
        {"retention_in_days": 2192, "data_protection_policy.masked_identifiers": PHI_IDENTIFIERS},
        [],
    ),
    (
        "aws/compliant/organizations.tf",
        1,
        11,
        "aws.organizations.effective_policy",
        {"opted_in_services": []},
        [],
    ),
    (
        "aws/compliant/rds.tf",
        15,
        27,
        "aws.rds.db_instance",
        {
            "storage_encrypted": True,
            "tls_parameters.force_ssl": "1",
            "tls_parameters.ssl_min_protocol_version": "TLSv1.3",
        },
        [],
    ),
    (
        "aws/compliant/rds.tf",
        43,
        52,
        "aws.rds.db_cluster",
        {
            "storage_encrypted": True,
            "tls_parameters.require_secure_transport": "ON",
            "tls_parameters.tls_version": "TLSv1.3",
        },
        [],
    ),
    (
        "aws/compliant/s3.tf",
        1,
        6,
        "aws.s3.bucket",
        {
            "sse_algorithm": "aws:kms",
            "kms_master_key_id": "aws_kms_key.phi",
            "policy.Statement.0.Sid": "DenyInsecureTransport",
        },
        [],
    ),
    (
        "aws/noncompliant/apigateway.tf",
        1,
        9,
        "aws.apigateway.domain_name",
        {"security_policy": "TLS_1_0"},
        [],
    ),
    (
        "aws/noncompliant/apigateway.tf",
        11,
        17,
        "aws.apigateway.rest_api",
        {"endpoint_types": ["EDGE"], "disable_execute_api_endpoint": False},
        [],
    ),
    (
        "aws/noncompliant/classic_elb.tf",
        4,
        15,
        "aws.elb.load_balancer",
        {
            "name": "legacy-tls12",
            "listeners.0.protocol": "HTTPS",
            "listeners.0.policy_names": ["tls12-only"],
            "listeners.0.reference_security_policy": "ELBSecurityPolicy-TLS-1-2-2017-01",
            "listeners.0.ssl_protocols": ["TLSv1.2"],
        },
        [],
    ),
    (
        "aws/noncompliant/classic_elb.tf",
        34,
        45,
        "aws.elb.load_balancer",
        {
            "name": "legacy-custom",
            "listeners.0.protocol": "SSL",
            "listeners.0.policy_names": ["custom-tls12"],
            "listeners.0.reference_security_policy": None,
            "listeners.0.ssl_protocols": ["TLSv1.2"],
        },
        [],
    ),
    (
        "aws/noncompliant/classic_elb.tf",
        66,
        77,
        "aws.elb.load_balancer",
        {
            "name": "legacy-default",
            "listeners.0.protocol": "HTTPS",
            "listeners.0.policy_names": ["ELBSecurityPolicy-2016-08"],
            "listeners.0.reference_security_policy": "ELBSecurityPolicy-2016-08",
            "listeners.0.ssl_protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"],
        },
        [],
    ),
    (
        "aws/noncompliant/classic_elb.tf",
        79,
        89,
        "aws.elb.load_balancer",
        {
            "name": "legacy-plain",
            "listeners.0.protocol": "HTTP",
            "listeners.0.policy_names": [],
            "listeners.0.reference_security_policy": None,
            "listeners.0.ssl_protocols": None,
        },
        [],
    ),
    (
        "aws/noncompliant/cloudfront.tf",
        1,
        32,
        "aws.cloudfront.distribution",
        {
            "minimum_protocol_version": "TLSv1",
            "viewer_protocol_policies": ["allow-all"],
            "cloudfront_default_certificate": True,
        },
        [],
    ),
    (
        "aws/noncompliant/cloudtrail.tf",
        1,
        7,
        "aws.cloudtrail.trail",
        {"is_multi_region_trail": False, "log_file_validation_enabled": False, "is_logging": False},
        [],
    ),
    (
        "aws/noncompliant/cognito.tf",
        1,
        4,
        "aws.cognito.user_pool",
        {"mfa_configuration": "OFF"},
        [],
    ),
    (
        "aws/noncompliant/cognito.tf",
        6,
        12,
        "aws.cognito.user_pool_client",
        {"access_token_validity_seconds": 86400, "refresh_token_validity_seconds": 2592000},
        [],
    ),
    (
        "aws/noncompliant/dynamodb.tf",
        1,
        10,
        "aws.dynamodb.table",
        {"sse_type": None, "kms_master_key_arn": None},
        [],
    ),
    (
        "aws/noncompliant/ebs.tf",
        1,
        3,
        "aws.ec2.ebs_encryption_default",
        {"ebs_encryption_by_default": False},
        [],
    ),
    ("aws/noncompliant/ebs.tf", 5, 9, "aws.ec2.volume", {"encrypted": False}, []),
    (
        "aws/noncompliant/elb.tf",
        1,
        12,
        "aws.elbv2.listener",
        {
            "protocol": "HTTPS",
            "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "tls.protocols": ["TLSv1.3", "TLSv1.2"],
        },
        [],
    ),
    (
        "aws/noncompliant/elb.tf",
        14,
        25,
        "aws.elbv2.listener",
        {
            "protocol": "HTTPS",
            "ssl_policy": "ELBSecurityPolicy-2016-08",
            "tls.protocols": ["TLSv1.2", "TLSv1.1", "TLSv1"],
        },
        [],
    ),
    (
        "aws/noncompliant/elb.tf",
        27,
        36,
        "aws.elbv2.listener",
        {"protocol": "HTTP", "ssl_policy": None, "tls.protocols": None},
        [],
    ),
    ("aws/noncompliant/iam.tf", 1, 12, "aws.iam.role", {"max_session_duration": 43200}, []),
    (
        "aws/noncompliant/kms.tf",
        1,
        5,
        "aws.kms.key",
        {"key_spec": "SYMMETRIC_DEFAULT", "rotation_enabled": False, "rotation_period_days": None},
        [],
    ),
    (
        "aws/noncompliant/logs.tf",
        1,
        19,
        "aws.logs.log_group",
        {"retention_in_days": None, "data_protection_policy.masked_identifiers": ["EmailAddress"]},
        ["NotInConfiguration"],
    ),
    (
        "aws/noncompliant/organizations.tf",
        1,
        11,
        "aws.organizations.effective_policy",
        {"opted_in_services": ["default"]},
        [],
    ),
    (
        "aws/noncompliant/rds.tf",
        15,
        26,
        "aws.rds.db_instance",
        {
            "storage_encrypted": False,
            "tls_parameters.force_ssl": "0",
            "tls_parameters.ssl_min_protocol_version": "TLSv1",
        },
        [],
    ),
    (
        "aws/noncompliant/rds.tf",
        28,
        36,
        "aws.rds.db_cluster",
        {
            "storage_encrypted": False,
            "tls_parameters.require_secure_transport": "OFF",
            "tls_parameters.tls_version": "TLSv1,TLSv1.1,TLSv1.2",
        },
        [],
    ),
    (
        "aws/noncompliant/s3.tf",
        1,
        14,
        "aws.s3.bucket",
        {
            "sse_algorithm": "AES256",
            "kms_master_key_id": None,
            "policy.Statement.0.Sid": "PublicRead",
        },
        [],
    ),
    (
        "gcp/compliant/audit.tf",
        1,
        14,
        "gcp.resourcemanager.project",
        {"audit_configs": [["allServices", ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]]]},
        ["NotInResource"],
    ),
    (
        "gcp/compliant/audit.tf",
        16,
        29,
        "gcp.resourcemanager.organization",
        {"audit_configs": [["allServices", ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]]]},
        ["NotInResource"],
    ),
    ("gcp/compliant/kms.tf", 7, 17, "gcp.kms.crypto_key", {"rotation_period_days": 90.0}, []),
    (
        "gcp/compliant/lb.tf",
        1,
        6,
        "gcp.compute.ssl_policy",
        {"profile": "RESTRICTED", "min_tls_version": "1.3"},
        [],
    ),
    (
        "gcp/compliant/lb.tf",
        8,
        14,
        "gcp.compute.target_https_proxy",
        {
            "ssl_policy": "https://www.googleapis.com/compute/v1/projects/phi-prod/global/sslPolicies/phi-tls13"
        },
        [],
    ),
    (
        "gcp/compliant/services.tf",
        1,
        4,
        "gcp.serviceusage.service",
        {"service": "sqladmin.googleapis.com"},
        [],
    ),
    (
        "gcp/compliant/services.tf",
        6,
        9,
        "gcp.serviceusage.service",
        {"service": "aiplatform.googleapis.com"},
        [],
    ),
    (
        "gcp/compliant/sql.tf",
        1,
        22,
        "gcp.sql.instance",
        {
            "ssl_mode": "ENCRYPTED_ONLY",
            "kms_key_name": "projects/phi-prod/locations/us-central1/keyRings/phi/cryptoKeys/phi-data",
        },
        [],
    ),
    (
        "gcp/compliant/storage.tf",
        1,
        18,
        "gcp.storage.bucket",
        {
            "default_kms_key_name": "projects/phi-prod/locations/us-central1/keyRings/phi/cryptoKeys/phi-data",
            "uniform_bucket_level_access": True,
        },
        ["NotInResource"],
    ),
    (
        "gcp/noncompliant/audit.tf",
        1,
        8,
        "gcp.resourcemanager.project",
        {"audit_configs": [["storage.googleapis.com", ["DATA_WRITE"]]]},
        ["NotInResource"],
    ),
    (
        "gcp/noncompliant/audit.tf",
        10,
        18,
        "gcp.resourcemanager.organization",
        {"audit_configs": [["allServices", ["DATA_READ"]]]},
        ["NotInResource"],
    ),
    ("gcp/noncompliant/kms.tf", 1, 5, "gcp.kms.crypto_key", {"rotation_period_days": None}, []),
    (
        "gcp/noncompliant/lb.tf",
        1,
        6,
        "gcp.compute.ssl_policy",
        {"profile": "COMPATIBLE", "min_tls_version": "1.0"},
        [],
    ),
    ("gcp/noncompliant/lb.tf", 8, 13, "gcp.compute.target_https_proxy", {"ssl_policy": None}, []),
    (
        "gcp/noncompliant/services.tf",
        1,
        4,
        "gcp.serviceusage.service",
        {"service": "generativelanguage.googleapis.com"},
        [],
    ),
    (
        "gcp/noncompliant/sql.tf",
        1,
        14,
        "gcp.sql.instance",
        {"ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED", "kms_key_name": None},
        [],
    ),
    (
        "gcp/noncompliant/storage.tf",
        1,
        9,
        "gcp.storage.bucket",
        {"default_kms_key_name": None, "uniform_bucket_level_access": False},
        ["NotInResource"],
    ),
]


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)] if len(data) > int(part) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _project(model: Resource) -> dict[str, Any]:
    data = model.model_dump(mode="json")
    if model.resource_type.startswith("gcp.resourcemanager."):
        return {
            "audit_configs": [
                [c["service"], sorted(lc["log_type"] for lc in c["audit_log_configs"])]
                for c in data["audit_configs"]
            ]
        }
    return {key: _get(data, key) for key in KEYS[model.resource_type]}


@pytest.fixture(scope="module")
def mapped(fixture_run: IacRun) -> list[Resource]:
    assert fixture_run.mapped is not None and fixture_run.mapped.failures == []
    return fixture_run.mapped.models


def test_mapping_alone_gives_the_same_models(
    checkov_command: CheckovCommand, mapped: list[Resource]
) -> None:
    """map_terraform (the index check only, no policy checks) maps as the full run does."""
    models, warnings = map_terraform(
        IacRequest(paths=(FIXTURES / "gcp" / "compliant",), relative_to=REPO),
        command=checkov_command,
    )
    assert warnings == []
    ours = sorted(
        m.model_dump_json() for m in mapped if m.location and "/gcp/compliant/" in m.location.file
    )
    assert ours and sorted(m.model_dump_json() for m in models) == ours


def test_every_fixture_resource_maps_exactly(mapped: list[Resource]) -> None:
    got = sorted(
        (
            str(Path(m.location.file).relative_to("tests/iac/fixtures")) if m.location else "?",
            m.location.line_start if m.location else None,
            m.location.line_end if m.location else None,
            m.resource_type,
            _project(m),
            [g.error_code for g in m.gaps],
        )
        for m in mapped
    )
    assert got == sorted(EXPECTED, key=lambda e: (e[0], e[1]))


def test_every_covered_terraform_type_has_both_variants(mapped: list[Resource]) -> None:
    """Each mapped model type appears in a compliant and a non-compliant fixture."""
    variants: dict[str, set[str]] = {}
    for model in mapped:
        assert model.location is not None
        variants.setdefault(model.resource_type, set()).add(model.location.file.split("/")[4])
    expected_types = {m.resource_type for m in available_mappers().values()}
    assert set(variants) == expected_types
    # No Classic Load Balancer can keep the strict profile's TLS 1.3 promise, so none sits in
    # the compliant fixtures; the TLS 1.2-only ones in noncompliant/ pass hipaa-baseline
    # (test_shipped_policies.py) and test_classic_elb.py covers every status.
    only_noncompliant = {"aws.elb.load_balancer"}
    assert all(
        v == ({"noncompliant"} if t in only_noncompliant else {"compliant", "noncompliant"})
        for t, v in variants.items()
    ), variants
