"""The HIPAA catalog: citations and the safeguard tree, written once in policies/frameworks/."""

from __future__ import annotations

from pathlib import Path

from auditor.core.errors import Problem, ValidationFailed
from auditor.core.resources import policies_dir
from auditor.core.validation import ClosedModel, validate_strict
from auditor.core.yamlio import line_of, plain, read_yaml_input


class Citation(ClosedModel):
    cfr: str
    kind: str
    title: str


class Group(ClosedModel):
    title: str


class Safeguard(ClosedModel):
    group: str
    title: str
    description: str
    citations: list[str]


class FrameworkInfo(ClosedModel):
    id: str
    title: str
    source: str


class Catalog(ClosedModel):
    framework: FrameworkInfo
    citations: dict[str, Citation]
    groups: dict[str, Group]
    safeguards: dict[str, Safeguard]


def default_catalog_path() -> Path:
    return policies_dir() / "frameworks" / "hipaa.yaml"


def load_catalog(path: Path | None = None) -> Catalog:
    file = path or default_catalog_path()
    node = read_yaml_input(file, "catalog")
    catalog = validate_strict(Catalog, plain(node), file, node)
    problems: list[Problem] = []
    for key, safeguard in catalog.safeguards.items():
        if safeguard.group not in catalog.groups:
            problems.append(
                Problem(
                    str(file),
                    line_of(node, "safeguards", key, "group"),
                    f"unknown group {safeguard.group!r}",
                )
            )
        for cite in safeguard.citations:
            if cite not in catalog.citations:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "safeguards", key, "citations"),
                        f"unknown citation {cite!r}",
                    )
                )
    if problems:
        raise ValidationFailed(problems)
    return catalog


__all__ = ["Catalog", "Citation", "Group", "Safeguard", "default_catalog_path", "load_catalog"]
