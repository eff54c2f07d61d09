"""Terraform gcp resources -> baa-audit resource models."""

from __future__ import annotations

from auditor.iac.mappers import Mapper

GCP_MAPPERS: list[Mapper] = []

__all__ = ["GCP_MAPPERS"]
