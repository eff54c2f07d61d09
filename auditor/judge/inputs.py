"""What evaluation needs besides the inventory: the policy set, the profile and the waivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.judge.policy.loader import PolicySet, load_default_policies
from auditor.judge.profile import LoadedProfile, load_profile
from auditor.judge.selection import Selection, validate_selection
from auditor.judge.waivers import Waiver, load_waivers


@dataclass
class EvaluationInputs:
    """Everything evaluation needs, loaded and checked before anything is written."""

    policies: PolicySet
    profile: LoadedProfile
    waivers: list[Waiver] = field(default_factory=list)
    waivers_sha256: str | None = None
    #: which checks run (``--checks``, ``--skip-checks``, ``--services``, ``--severity``)
    selection: Selection = field(default_factory=Selection)


def load_inputs(
    profile: str,
    waivers: Path | None = None,
    policy_dirs: Sequence[Path] = (),
    selection: Selection | None = None,
) -> EvaluationInputs:
    """Load and check everything evaluation needs; a selection naming nothing is an input error."""
    policies = load_default_policies(policy_dirs)
    if selection is not None:
        validate_selection(selection, policies.policies)
    loaded = load_profile(profile, policies.catalog)
    waiver_list: list[Waiver] = []
    digest = None
    if waivers is not None:
        waiver_list, digest = load_waivers(waivers)
    return EvaluationInputs(policies, loaded, waiver_list, digest, selection or Selection())


__all__ = ["EvaluationInputs", "load_inputs"]
