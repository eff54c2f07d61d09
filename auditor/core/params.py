"""The closed vocabulary of BAA profile parameters.

A profile's promises carry these; policies reference them as ``$params.<name>``. An unknown name
is an error in the profile file and in the policy that references it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from auditor.core.validation import ClosedModel

TlsVersion = Literal["1.0", "1.1", "1.2", "1.3"]
TLS_VERSIONS: tuple[str, ...] = ("1.0", "1.1", "1.2", "1.3")

#: A column name as written unquoted (PostgreSQL folds it to lower case; 63 bytes at most).
_IDENTIFIER = r"^[a-z_][a-z0-9_$]{0,62}$"
#: A custom setting: two or more dotted identifiers, e.g. ``app.practice_id``.
_SETTING = r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)+$"


class CustomPattern(ClosedModel):
    name: str
    regex: str
    confidence: float = Field(default=0.8, ge=0, le=1)


class Parameters(ClosedModel):
    """Every parameter a promise can carry. All optional: a promise sets those it concerns."""

    # encryption at rest
    encryption_algorithm: Literal["AES-256"] | None = None
    customer_managed_keys: bool | None = Field(
        default=None, description="Stores must use customer-managed KMS keys"
    )
    key_rotation_max_days: int | None = Field(default=None, ge=1)
    accept_provider_default_encryption: bool | None = Field(
        default=None,
        description="Provider-documented default encryption at rest (Google-managed AES-256, "
        "S3 SSE-S3) keeps the promise, cited in the evidence; unset or false: it is MANUAL "
        "(attach the provider's documentation); customer_managed_keys: true makes it FAIL",
    )
    # transmission security
    min_tls_version: TlsVersion | None = None
    # authentication and access
    mfa_required: bool | None = None
    # session management
    session_absolute_max_seconds: int | None = Field(default=None, ge=60)
    session_idle_max_seconds: int | None = Field(default=None, ge=60)
    # audit logging
    audit_log_retention_days: int | None = Field(default=None, ge=1)
    phi_tag_key: str | None = Field(
        default=None, description="Tag or label key that marks PHI stores"
    )
    phi_tag_values: list[str] | None = None
    phi_buckets: list[str] | None = Field(default=None, description="Buckets known to hold PHI")
    # PHI-free logs
    log_data_identifiers: list[str] | None = Field(
        default=None, description="Data identifiers a log data protection policy must mask"
    )
    log_groups_in_scope: list[str] | None = Field(
        default=None, description="Log group / log name prefixes that application logs use"
    )
    phi_detectors: list[str] | None = None
    phi_custom_patterns: list[CustomPattern] | None = None
    # AI processing
    ai_training_opt_out: bool | None = None
    allowed_ai_models: list[str] | None = None
    # subcontractors
    covered_services_only: bool | None = None
    subprocessors: list[str] | None = Field(
        default=None,
        description="Subcontractors the BAA names as handling PHI: aws, gcp (the cloud "
        "providers, by these keys) and others by name (cloudflare)",
    )
    # breach notification (contractual: shown with its clause, judged as MANUAL)
    breach_notification_days: int | None = Field(
        default=None, ge=1, description="Calendar days after discovery to notify of a breach"
    )
    # tenant isolation in the database (row-level security; see docs/postgres.md)
    tenant_key: str | None = Field(
        default=None,
        pattern=_IDENTIFIER,
        description="The tenant key column every tenant table carries, e.g. practice_id",
    )
    tenant_setting: str | None = Field(
        default=None,
        pattern=_SETTING,
        description="The setting the application sets per request, e.g. app.practice_id",
    )
    app_role: str | None = Field(
        default=None,
        min_length=1,
        max_length=63,
        description="The database role the application connects as",
    )
    databases: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Databases to read on the server (default: the connection's own database)",
    )
    subprocessors_without_phi: list[str] | None = Field(
        default=None,
        description="Subcontractors the BAA names as receiving no PHI (stripe, resend): each is "
        "listed as MANUAL, to be attested",
    )
    return_or_destroy_on_termination: bool | None = Field(
        default=None, description="PHI is returned or destroyed when the agreement ends"
    )

    def allowed_tls_versions(self) -> list[str] | None:
        """Derived: the protocol names (``TLSv1.3``) at or above ``min_tls_version``."""
        if self.min_tls_version is None:
            return None
        floor = TLS_VERSIONS.index(self.min_tls_version)
        return [f"TLSv{v}" for v in TLS_VERSIONS[floor:]]

    def resolved(self) -> dict[str, Any]:
        """Values as policies see them, derived parameters included."""
        values = self.model_dump(mode="json")
        values["allowed_tls_versions"] = self.allowed_tls_versions()
        return values


#: Parameters computed from others; policies may reference them, profiles may not set them.
DERIVED_PARAMETERS: frozenset[str] = frozenset({"allowed_tls_versions"})


def parameter_names() -> frozenset[str]:
    return frozenset(Parameters.model_fields) | DERIVED_PARAMETERS


__all__ = [
    "DERIVED_PARAMETERS",
    "TLS_VERSIONS",
    "CustomPattern",
    "Parameters",
    "TlsVersion",
    "parameter_names",
]
