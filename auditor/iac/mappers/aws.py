"""Terraform aws resources -> baa-audit resource models."""

from __future__ import annotations

from auditor.iac.mappers import Mapper

AWS_MAPPERS: list[Mapper] = []

__all__ = ["AWS_MAPPERS"]
