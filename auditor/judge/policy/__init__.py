"""Policies as data: the file schema, the closed operator set and the checking loader."""

from auditor.judge.policy.loader import PolicySet, load_default_policies, load_policies
from auditor.judge.policy.model import Policy, PolicyDoc

__all__ = ["Policy", "PolicyDoc", "PolicySet", "load_default_policies", "load_policies"]
