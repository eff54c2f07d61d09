"""What evaluation needs besides the inventory: the policy set, the profile, the waivers and the
attestations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from auditor.core.errors import InputError, ValidationFailed
from auditor.judge.attestations import AttestationSet, load_attestations, reference_problems
from auditor.judge.policy.loader import PolicySet, load_default_policies
from auditor.judge.profile import LoadedProfile, load_profile
from auditor.judge.selection import Selection, contract_ids, validate_selection
from auditor.judge.waivers import Waiver, load_waivers


@dataclass
class EvaluationInputs:
    """Everything evaluation needs, loaded and checked before anything is written."""

    policies: PolicySet
    profile: LoadedProfile
    waivers: list[Waiver] = field(default_factory=list)
    waivers_sha256: str | None = None
    attestations: AttestationSet | None = None
    #: which checks run (``--checks``, ``--skip-checks``, ``--services``, ``--severity``)
    selection: Selection = field(default_factory=Selection)


def check_attestations(
    attestations: AttestationSet, policies: PolicySet, loaded: LoadedProfile
) -> AttestationSet:
    """The attestations as this run uses them: the promises and policies they name must exist.

    A file that says it is written for another profile is refused; promises the profile does not
    make are warnings of the run unless the file names this profile (then they are mistakes).
    """
    prof = loaded.profile
    if attestations.profile is not None and attestations.profile != prof.id:
        raise InputError(
            f"the attestations file is written for profile {attestations.profile!r}; this run "
            f"is against {prof.id!r}",
            file=attestations.file,
        )
    problems, warnings = reference_problems(attestations, prof, (p.id for p in policies.policies))
    if problems:
        raise ValidationFailed(problems)
    return replace(attestations, warnings=tuple(warnings))


def load_inputs(
    profile: str,
    waivers: Path | None = None,
    policy_dirs: Sequence[Path] = (),
    attestations: Path | None = None,
    selection: Selection | None = None,
) -> EvaluationInputs:
    """Load and check everything evaluation needs; a selection naming nothing is an input error."""
    policies = load_default_policies(policy_dirs)
    loaded = load_profile(profile, policies.catalog)
    if selection is not None:
        validate_selection(selection, policies.policies, contract_ids(loaded))
    waiver_list: list[Waiver] = []
    digest = None
    if waivers is not None:
        # a waiver must name a policy that exists: checked against the loaded set
        waiver_list, digest = load_waivers(waivers, [p.id for p in policies.policies])
    attested = None
    if attestations is not None:
        attested = check_attestations(load_attestations(attestations), policies, loaded)
    return EvaluationInputs(
        policies, loaded, waiver_list, digest, attested, selection or Selection()
    )


__all__ = ["EvaluationInputs", "check_attestations", "load_inputs"]
