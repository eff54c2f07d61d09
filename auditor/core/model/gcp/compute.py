"""Compute Engine: persistent disks and the load-balancer pieces that decide TLS."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.base import optional
from auditor.core.model.gcp.common import GcpResource


class _ComputeResource(GcpResource):
    """A Compute Engine resource, which other resources name by its self link."""

    self_link: str | None = None


class _TargetProxy(_ComputeResource):
    """A target proxy that ends TLS: its SSL policy decides the protocol versions offered."""

    ssl_policy: str | None = optional("self link; None means Google's default policy")


class Disk(_ComputeResource):
    resource_type = "gcp.compute.disk"
    asset_type = "compute.googleapis.com/Disk"

    kms_key_name: str | None = optional(
        "diskEncryptionKey.kmsKeyName, without /cryptoKeyVersions/N"
    )
    customer_supplied_key: bool = Field(
        default=False, description="diskEncryptionKey carries a sha256 of a customer-supplied key"
    )


class SslPolicy(_ComputeResource):
    resource_type = "gcp.compute.ssl_policy"
    asset_type = "compute.googleapis.com/SslPolicy"

    profile: str | None = optional("COMPATIBLE | MODERN | RESTRICTED | CUSTOM | FIPS_202205")
    min_tls_version: str | None = optional(
        "minTlsVersion as a version string: '1.0', '1.1', '1.2', '1.3'"
    )


class TargetHttpsProxy(_TargetProxy):
    resource_type = "gcp.compute.target_https_proxy"
    asset_type = "compute.googleapis.com/TargetHttpsProxy"

    url_map: str | None = None


class TargetSslProxy(_TargetProxy):
    resource_type = "gcp.compute.target_ssl_proxy"
    asset_type = "compute.googleapis.com/TargetSslProxy"

    backend_service: str | None = None


class TargetHttpProxy(_ComputeResource):
    resource_type = "gcp.compute.target_http_proxy"
    asset_type = "compute.googleapis.com/TargetHttpProxy"

    url_map: str | None = None


class UrlMap(_ComputeResource):
    resource_type = "gcp.compute.url_map"
    asset_type = "compute.googleapis.com/UrlMap"

    https_redirect: bool | None = optional("defaultUrlRedirect.httpsRedirect")
    default_service: str | None = None


COMPUTE_TYPES: tuple[type[GcpResource], ...] = (
    Disk,
    SslPolicy,
    TargetHttpsProxy,
    TargetSslProxy,
    TargetHttpProxy,
    UrlMap,
)

__all__ = [
    "COMPUTE_TYPES",
    "Disk",
    "SslPolicy",
    "TargetHttpProxy",
    "TargetHttpsProxy",
    "TargetSslProxy",
    "UrlMap",
]
