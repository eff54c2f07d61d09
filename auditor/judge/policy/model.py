"""The policy file schema and the loaded, checked policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.result import PolicyInfo, Remediation, Severity
from auditor.judge.policy.conditions import Condition

if TYPE_CHECKING:  # the predicates import the policy package: no import cycle at run time
    from auditor.judge.predicates.base import Predicate

POLICY_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}$"


class Messages(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    pass_: str | None = Field(default=None, alias="pass")
    fail: str
    manual: str | None = None


class PolicyDoc(BaseModel):
    """A policy file exactly as written (before conditions are parsed)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = Field(pattern=POLICY_ID_PATTERN)
    title: str = Field(min_length=1)
    severity: Severity
    resource: str
    where: dict[str, Any] | None = None
    assert_: dict[str, Any] | None = Field(default=None, alias="assert")
    manual_when: dict[str, Any] | None = None
    predicate: str | None = None
    provider_default: str | None = None
    evidence: list[str] = Field(
        default_factory=list,
        description="Further fields of the resource shown in every finding's evidence "
        "(where a value came from: tls_parameters.sources)",
    )
    message: Messages
    safeguard: str
    citations: list[str] = Field(min_length=1)
    remediation: Remediation
    references: list[str] = Field(default_factory=list)
    enabled_by: str | None = None
    requires_params: list[str] = Field(default_factory=list)
    on_pass: Literal["PASS", "MANUAL"] = "PASS"
    manual_evidence: str | None = None
    manual_only: bool = False
    iac: dict[str, Any] | None = None


@dataclass(frozen=True)
class Policy:
    """A loaded policy: its document, parsed conditions, and what it reads."""

    doc: PolicyDoc
    where: Condition | None
    assertion: Condition | None
    predicate: Predicate | None
    source: str  # path relative to its policies directory
    reads: tuple[str, ...]  # every field path of its own type read, for evidence
    params: frozenset[str]  # every profile parameter it needs
    manual_when: Condition | None = None
    related: tuple[str, ...] = ()  # other resource types it reads (joins, predicate look-ups)
    default_citation: str | None = None  # the provider default it cites, with its source

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def resource_type(self) -> str:
        return self.doc.resource

    @property
    def provider(self) -> str:
        return self.doc.resource.split(".", 1)[0]

    def info(self) -> PolicyInfo:
        return PolicyInfo(
            id=self.doc.id,
            title=self.doc.title,
            severity=self.doc.severity,
            safeguard=self.doc.safeguard,
            citations=list(self.doc.citations),
            resource_type=self.doc.resource,
            remediation=self.doc.remediation,
            references=list(self.doc.references),
            manual_evidence=self.doc.manual_evidence,
            source=self.source,
        )


__all__ = ["POLICY_ID_PATTERN", "Messages", "Policy", "PolicyDoc"]
