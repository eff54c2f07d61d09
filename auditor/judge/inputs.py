"""What evaluation needs besides the inventory: the policy set, the profile and the waivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.judge.policy.loader import PolicySet, load_default_policies
from auditor.judge.profile import LoadedProfile, load_profile
from auditor.judge.waivers import Waiver, load_waivers


@dataclass
class EvaluationInputs:
    """Everything evaluation needs, loaded and checked before anything is written."""

    policies: PolicySet
    profile: LoadedProfile
    waivers: list[Waiver] = field(default_factory=list)
    waivers_sha256: str | None = None


def load_inputs(
    profile: str, waivers: Path | None = None, policy_dirs: Sequence[Path] = ()
) -> EvaluationInputs:
    policies = load_default_policies(policy_dirs)
    loaded = load_profile(profile, policies.catalog)
    waiver_list: list[Waiver] = []
    digest = None
    if waivers is not None:
        # a waiver must name a policy that exists: checked against the loaded set
        waiver_list, digest = load_waivers(waivers, [p.id for p in policies.policies])
    return EvaluationInputs(policies, loaded, waiver_list, digest)


__all__ = ["EvaluationInputs", "load_inputs"]
