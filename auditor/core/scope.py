"""What a run looked at: providers, accounts or projects, regions, database endpoints."""

from __future__ import annotations

from pydantic import Field

from auditor.core.model.base import Provider
from auditor.core.validation import ClosedModel


class DatabaseEndpoint(ClosedModel):
    """A database a data-plane collector read (never with its password or connection string)."""

    engine: str = Field(default="postgres", description="postgres")
    host: str
    port: int | None = None
    database: str
    platform: str | None = Field(
        default=None, description="postgresql | aws-rds | aws-aurora | gcp-cloudsql"
    )
    instance: str | None = Field(
        default=None,
        description="the cloud instance the endpoint belongs to: an ARN when matched in the same "
        "snapshot, else what the host name says (e.g. 'aws rds instance db1 in us-east-1')",
    )
    connected: bool = Field(default=True, description="False when the connection failed")

    def label(self) -> str:
        where = f"{self.host}:{self.port}" if self.port is not None else self.host
        text = f"{where}/{self.database}"
        if self.instance:
            text += f" ({self.instance})"
        return text if self.connected else text + " [not reached]"


class Scope(ClosedModel):
    """The scope of a collection, carried by the snapshot and every result."""

    providers: list[Provider] = Field(default_factory=list)
    aws_accounts: list[str] = Field(default_factory=list)
    aws_regions: list[str] = Field(default_factory=list)
    aws_organization: str | None = None
    gcp_parent: str | None = Field(
        default=None, description="organizations/ID, folders/ID or projects/ID"
    )
    gcp_projects: list[str] = Field(default_factory=list)
    shard: str | None = Field(default=None, description="K/N when this run is one shard of N")
    databases: list[DatabaseEndpoint] = Field(
        default_factory=list, description="database endpoints read (provider postgres)"
    )
    terraform: list[str] = Field(
        default_factory=list,
        description="IaC runs: the Terraform directories or plan files judged (no live account)",
    )

    def label(self) -> str:
        parts: list[str] = []
        if self.terraform:
            # Terraform names no account, project or region: say what was judged instead
            providers = ", ".join(self.providers) or "no provider"
            parts.append(f"terraform {', '.join(self.terraform)} ({providers})")
        elif "aws" in self.providers:
            if self.aws_accounts:
                regions = ",".join(self.aws_regions) or "all enabled regions"
                parts.append(f"aws {','.join(self.aws_accounts)} ({regions})")
            else:
                parts.append("aws (no account recorded)")
        if "gcp" in self.providers and not self.terraform:
            where = self.gcp_parent or ",".join(self.gcp_projects)
            parts.append(f"gcp {where}" if where else "gcp (no project recorded)")
        if "postgres" in self.providers:
            parts.append(f"postgres {', '.join(d.label() for d in self.databases) or '?'}")
        if self.shard:
            parts.append(f"shard {self.shard}")
        return "; ".join(parts) or "empty scope"

    def merged(self, other: Scope) -> Scope:
        """The union of two scopes, used when shard results are merged."""

        def union(a: list[str], b: list[str]) -> list[str]:
            return sorted(set(a) | set(b))

        providers: list[Provider] = [
            p for p in ("aws", "gcp", "postgres") if p in self.providers or p in other.providers
        ]
        databases = list(self.databases)
        known = {(d.host, d.port, d.database) for d in databases}
        databases += [d for d in other.databases if (d.host, d.port, d.database) not in known]
        return Scope(
            providers=providers,
            aws_accounts=union(self.aws_accounts, other.aws_accounts),
            aws_regions=union(self.aws_regions, other.aws_regions),
            aws_organization=self.aws_organization or other.aws_organization,
            gcp_parent=self.gcp_parent or other.gcp_parent,
            gcp_projects=union(self.gcp_projects, other.gcp_projects),
            databases=databases,
            terraform=union(self.terraform, other.terraform),
        )


__all__ = ["DatabaseEndpoint", "Scope"]
