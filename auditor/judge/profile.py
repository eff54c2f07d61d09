"""BAA profiles: the promises of one BAA as data.

A profile is found by name among the shipped profiles (``policies/profiles/NAME.yaml``) or by a
path to the user's own file. Each promise quotes its clause, names the safeguards it concerns and
carries its parameters; a parameter may be set by only one promise, so every value has one source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.fileio import sha256_file
from auditor.core.params import Parameters
from auditor.core.resources import policies_dir
from auditor.core.validation import ClosedModel, validate_strict
from auditor.core.yamlio import line_of, plain, read_yaml, read_yaml_input
from auditor.judge.catalog import Catalog


class BaaInfo(ClosedModel):
    name: str
    source: str | None = None
    dated: str | None = None


class Offsets(ClosedModel):
    """Character offsets of a quoted passage in the BAA file named by ``baa.source``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Offsets:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Quote(ClosedModel):
    """A passage of the BAA: its exact text, where it is, and the heading above it."""

    section: str | None = None
    text: str = Field(min_length=1)
    offsets: Offsets


class ReviewItem(Quote):
    """A sentence of the BAA that a person must read: it obliges, but no rule mapped it."""

    reason: str


class DraftInfo(ClosedModel):
    """Set by ``profile from-baa``: a draft is used only after a person has reviewed it."""

    generated_by: str
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    source_format: Literal["text", "markdown", "html"]
    rules_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    base: str | None = None
    reviewed_by: str | None = None
    approved_on: date | None = None

    def approved(self) -> bool:
        return bool(self.reviewed_by and self.reviewed_by.strip()) and self.approved_on is not None


class Promise(ClosedModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    section: str | None = None
    clause: str = Field(min_length=1)
    #: where ``clause`` is in the BAA file (drafts record it; hand-written profiles may)
    offsets: Offsets | None = None
    safeguards: list[str] = Field(min_length=1)
    parameters: Parameters = Field(default_factory=Parameters)
    manual_evidence: str | None = Field(
        default=None,
        min_length=1,
        description="The promise needs attestation: what evidence to attach. It then yields a "
        "MANUAL finding of its own (one per vendor its subprocessor lists name), which an "
        "attestation can answer (see docs/attestations.md).",
    )
    notes: list[str] = Field(default_factory=list)
    #: other passages of the BAA that make the same promise
    related: list[Quote] = Field(default_factory=list)
    #: parameters taken from the draft's base profile, not read from the BAA
    from_base: list[str] = Field(default_factory=list)
    #: the drafting rules that recognised the promise
    rules: list[str] = Field(default_factory=list)


class Profile(ClosedModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    baa: BaaInfo
    #: present on profiles drafted from a BAA's text, until and after a person approves them
    draft: DraftInfo | None = None
    promises: list[Promise] = Field(min_length=1)
    #: obligations in the BAA that the draft could not map, for the reviewer
    review: list[ReviewItem] = Field(default_factory=list)

    def parameters(self) -> Parameters:
        """All promises' parameters merged (each is set by at most one promise)."""
        merged: dict[str, Any] = {}
        for promise in self.promises:
            merged.update(promise.parameters.model_dump(exclude_unset=True))
        return Parameters.model_validate(merged)

    def promised_safeguards(self) -> set[str]:
        return {s for p in self.promises for s in p.safeguards}


class LoadedProfile(BaseModel):
    """A profile with where it came from and the digest of the file."""

    profile: Profile
    source: str
    sha256: str


def shipped_profiles() -> dict[str, Path]:
    return {p.stem: p for p in sorted((policies_dir() / "profiles").glob("*.yaml"))}


def resolve_profile_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file() or "/" in name_or_path:
        if not candidate.is_file():
            raise InputError("profile file not found", file=candidate)
        return candidate
    shipped = shipped_profiles()
    if name_or_path in shipped:
        return shipped[name_or_path]
    raise InputError(
        f"unknown profile {name_or_path!r}; shipped profiles: {', '.join(shipped)} (or give a path to a profile file)"
    )


def _promise_problems(data: Any, node: Any, file: Path, catalog: Catalog) -> list[Problem]:
    """Duplicate promise ids, unknown safeguards, parameters set twice and ``from_base`` names
    the promise does not set, read from the file as written (whether or not it matched the
    schema)."""
    problems: list[Problem] = []
    promises = data.get("promises") if isinstance(data, dict) else None
    if not isinstance(promises, list):
        return problems
    seen_promises: set[str] = set()
    set_by: dict[str, str] = {}
    for index, promise in enumerate(promises):
        if not isinstance(promise, dict):
            continue
        promise_id = promise.get("id")
        if isinstance(promise_id, str):
            if promise_id in seen_promises:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "promises", index, "id"),
                        f"duplicate promise id {promise_id!r}",
                    )
                )
            seen_promises.add(promise_id)
        safeguards = promise.get("safeguards")
        for position, safeguard in enumerate(safeguards if isinstance(safeguards, list) else []):
            if isinstance(safeguard, str) and safeguard not in catalog.safeguards:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "promises", index, "safeguards", position)
                        or line_of(node, "promises", index, "safeguards"),
                        f"unknown safeguard {safeguard!r}; known: {', '.join(catalog.safeguards)}",
                    )
                )
        parameters = promise.get("parameters")
        for param in parameters if isinstance(parameters, dict) else {}:
            if param in set_by:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "promises", index, "parameters", param),
                        f"parameter {param!r} is already set by promise {set_by[param]!r}",
                    )
                )
            set_by[str(param)] = str(promise_id)
        from_base = promise.get("from_base")
        for param in from_base if isinstance(from_base, list) else []:
            if not isinstance(parameters, dict) or param not in parameters:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "promises", index, "from_base"),
                        f"from_base names {param!r}, which the promise does not set",
                    )
                )
    return problems


def load_profile(name_or_path: str, catalog: Catalog) -> LoadedProfile:
    file = resolve_profile_path(name_or_path)
    node = read_yaml_input(file, "profile")
    if not isinstance(node, dict):
        raise InputError("a profile must be a YAML mapping", file=file, line=1)
    data = plain(node)
    problems: list[Problem] = []
    profile: Profile | None = None
    try:
        profile = validate_strict(Profile, data, file, node)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
    # the checks beyond the schema run on what was written even when the schema failed, so
    # every mistake in the file is reported at once
    problems.extend(_promise_problems(data, node, file, catalog))
    if problems or profile is None:
        unique = list(dict.fromkeys(problems))
        raise ValidationFailed(sorted(unique, key=lambda p: (p.line or 0, p.message)))
    return LoadedProfile(profile=profile, source=str(file), sha256=sha256_file(file))


def unreviewed(file: Path) -> list[Problem]:
    """Why the drafted profile in ``file`` is not yet approved (empty when it is, or no draft)."""
    node = read_yaml(file)
    if not isinstance(node, dict) or not isinstance(node.get("draft"), dict):
        return []
    draft = node["draft"]
    problems = []
    for key in ("reviewed_by", "approved_on"):
        value = draft.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(
                Problem(
                    str(file),
                    line_of(node, "draft", key) if key in draft else line_of(node, "draft"),
                    f"draft.{key} is empty: this profile was drafted from a BAA and no one has approved it",
                )
            )
    return problems


__all__ = [
    "BaaInfo",
    "DraftInfo",
    "LoadedProfile",
    "Offsets",
    "Profile",
    "Promise",
    "Quote",
    "ReviewItem",
    "load_profile",
    "resolve_profile_path",
    "shipped_profiles",
    "unreviewed",
]
