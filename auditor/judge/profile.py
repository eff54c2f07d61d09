"""BAA profiles: the promises of one BAA as data.

A profile is found by name among the shipped profiles (``policies/profiles/NAME.yaml``) or by a
path to the user's own file. Each promise quotes its clause, names the safeguards it concerns and
carries its parameters; a parameter may be set by only one promise, so every value has one source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.fileio import sha256_file
from auditor.core.params import Parameters
from auditor.core.resources import policies_dir
from auditor.core.validation import validate_strict
from auditor.core.yamlio import YamlError, line_of, plain, read_yaml
from auditor.judge.catalog import Catalog


class BaaInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    source: str | None = None
    dated: str | None = None


class Promise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    section: str | None = None
    clause: str = Field(min_length=1)
    safeguards: list[str] = Field(min_length=1)
    parameters: Parameters = Field(default_factory=Parameters)


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    baa: BaaInfo
    promises: list[Promise] = Field(min_length=1)

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


def load_profile(name_or_path: str, catalog: Catalog) -> LoadedProfile:
    file = resolve_profile_path(name_or_path)
    try:
        node = read_yaml(file)
    except OSError as exc:
        raise InputError(f"cannot read profile: {exc.strerror}", file=file) from None
    except YamlError as exc:
        raise InputError(exc.message, file=file, line=exc.line) from None
    if not isinstance(node, dict):
        raise InputError("a profile must be a YAML mapping", file=file, line=1)
    profile = validate_strict(Profile, plain(node), file, node)
    problems: list[Problem] = []
    seen_promises: set[str] = set()
    set_by: dict[str, str] = {}
    for index, promise in enumerate(profile.promises):
        if promise.id in seen_promises:
            problems.append(
                Problem(
                    str(file),
                    line_of(node, "promises", index, "id"),
                    f"duplicate promise id {promise.id!r}",
                )
            )
        seen_promises.add(promise.id)
        for safeguard in promise.safeguards:
            if safeguard not in catalog.safeguards:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "promises", index, "safeguards"),
                        f"unknown safeguard {safeguard!r}; known: {', '.join(catalog.safeguards)}",
                    )
                )
        for param in promise.parameters.model_fields_set:
            if param in set_by:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "promises", index, "parameters", param),
                        f"parameter {param!r} is already set by promise {set_by[param]!r}",
                    )
                )
            set_by[param] = promise.id
    if problems:
        raise ValidationFailed(problems)
    return LoadedProfile(profile=profile, source=str(file), sha256=sha256_file(file))


__all__ = [
    "BaaInfo",
    "LoadedProfile",
    "Profile",
    "Promise",
    "load_profile",
    "resolve_profile_path",
    "shipped_profiles",
]
