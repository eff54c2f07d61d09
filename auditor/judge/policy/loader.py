"""Load policy files and check everything that can be checked before any API call.

Every field path is checked against the resource model, every operator against the closed set,
every ``$params`` reference against the parameter vocabulary, every safeguard and citation against
the catalog and every predicate name against the registry. All mistakes are collected and raised
together as :class:`~auditor.core.errors.ValidationFailed`, each as ``file:line: message``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.fileio import sha256_file
from auditor.core.model.base import Resource
from auditor.core.params import parameter_names
from auditor.core.resources import policies_dir
from auditor.core.validation import validate_strict
from auditor.core.yamlio import YamlError, line_of, plain, read_yaml
from auditor.judge.catalog import Catalog
from auditor.judge.policy.conditions import (
    ParseContext,
    condition_becauses,
    condition_joins,
    condition_params,
    condition_paths,
    parse_condition,
)
from auditor.judge.policy.model import Policy, PolicyDoc
from auditor.judge.policy.paths import PathError, resolve_type
from auditor.judge.policy.tables import Table, load_tables

if TYPE_CHECKING:  # the predicates import the policy package: no import cycle at run time
    from auditor.judge.predicates.base import Predicate

PROVIDER_DIRS = ("aws", "gcp", "postgres")
CASES_SUFFIX = ".cases.yaml"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_RESOURCE_KEYS = frozenset({"id", "name", "account", "region"})
#: placeholders naming the promise(s) the policy judges (the BAA's own words)
_PROMISE_KEYS = frozenset({"promise.clause", "promise.section", "promise.id", "provider_default"})


@dataclass(frozen=True)
class PolicySet:
    policies: tuple[Policy, ...]
    catalog: Catalog
    sha256: str
    files: Mapping[str, Path]  # policy id -> file

    def by_id(self) -> dict[str, Policy]:
        return {p.id: p for p in self.policies}


def policy_files(root: Path) -> list[Path]:
    """Policy files under ``root``: provider directories only, cases excluded, sorted."""
    found: list[Path] = []
    dirs = [root / d for d in PROVIDER_DIRS if (root / d).is_dir()] or [root]
    for base in dirs:
        found.extend(p for p in base.rglob("*.yaml") if not p.name.endswith(CASES_SUFFIX))
    return sorted(found)


def _check_template(
    template: str | None, model: type[BaseModel], key: str | tuple[str, ...], ctx: ParseContext
) -> None:
    if not template:
        return
    keys = ("message", key) if isinstance(key, str) else key
    for placeholder in _PLACEHOLDER.findall(template):
        if placeholder in _RESOURCE_KEYS or placeholder in _PROMISE_KEYS:
            continue
        if placeholder.startswith("params."):
            name = placeholder[len("params.") :]
            if name not in parameter_names():
                ctx.problem(keys, f"message uses unknown parameter {name!r}")
            continue
        try:
            resolve_type(model, placeholder)
        except (PathError, TypeError) as exc:
            ctx.problem(keys, f"message placeholder {{{placeholder}}}: {exc}")


def _default_citation(section: str, resource_type: str) -> str | None:
    from auditor.core.provider_defaults import load_provider_defaults

    defaults = load_provider_defaults()
    if section != "encryption_at_rest":
        return None
    found = defaults.encryption(resource_type)
    return found.cite("provider default") if found is not None else None


def load_policy_file(
    file: Path,
    base: Path,
    catalog: Catalog,
    types: Mapping[str, type[Resource]],
    predicates: Mapping[str, Predicate],
    tables: Mapping[str, Table] | None = None,
) -> tuple[Policy | None, list[Problem]]:
    shown = str(file)
    try:
        node = read_yaml(file)
    except OSError as exc:
        return None, [Problem(shown, None, f"cannot read policy: {exc.strerror}")]
    except YamlError as exc:
        return None, [Problem(shown, exc.line, exc.message)]
    if not isinstance(node, dict):
        return None, [Problem(shown, 1, "a policy must be a YAML mapping")]
    try:
        doc = validate_strict(PolicyDoc, plain(node), shown, node)
    except ValidationFailed as exc:
        return None, exc.problems

    ctx = ParseContext(
        file=shown, root=node, types=types, tables=load_tables() if tables is None else tables
    )
    model = types.get(doc.resource)
    if model is None:
        ctx.problem(("resource",), f"unknown resource type {doc.resource!r}")
        return None, ctx.problems
    if file.stem != doc.id:
        ctx.problem(("id",), f"policy id {doc.id!r} does not match its file name {file.name!r}")
    if doc.safeguard not in catalog.safeguards:
        ctx.problem(
            ("safeguard",),
            f"unknown safeguard {doc.safeguard!r}; known: {', '.join(catalog.safeguards)}",
        )
    for index, cite in enumerate(doc.citations):
        if cite not in catalog.citations:
            ctx.problem(("citations", index), f"unknown citation {cite!r}")
    for name in [doc.enabled_by, *doc.requires_params]:
        if name is not None and name not in parameter_names():
            ctx.problem(("enabled_by",), f"unknown profile parameter {name!r}")

    where = parse_condition(doc.where, model, ctx, ("where",)) if doc.where is not None else None
    assertion = None
    predicate = None
    kinds = sum(x for x in (doc.assert_ is not None, doc.predicate is not None, doc.manual_only))
    if kinds != 1:
        ctx.problem(
            ("id",), "a policy needs exactly one of 'assert', 'predicate' or 'manual_only: true'"
        )
    if doc.assert_ is not None:
        assertion = parse_condition(doc.assert_, model, ctx, ("assert",))
    manual_when = None
    if doc.manual_when is not None:
        if doc.assert_ is None:
            ctx.problem(("manual_when",), "'manual_when' refines an 'assert': add one")
        manual_when = parse_condition(doc.manual_when, model, ctx, ("manual_when",))
        if not doc.message.manual:
            ctx.problem(("manual_when",), "a policy with 'manual_when' needs message.manual")
    if doc.predicate is not None:
        predicate = predicates.get(doc.predicate)
        if predicate is None:
            ctx.problem(("predicate",), f"unknown predicate {doc.predicate!r}")
        elif predicate.resource_type != doc.resource:
            ctx.problem(
                ("predicate",),
                f"predicate {doc.predicate!r} judges {predicate.resource_type}, not {doc.resource}",
            )
        else:
            for path in predicate.reads:
                try:
                    resolve_type(model, path)
                except (PathError, TypeError) as exc:
                    ctx.problem(
                        ("predicate",),
                        f"predicate {doc.predicate!r} reads bad path {path!r}: {exc}",
                    )
            for name in predicate.params:
                if name not in parameter_names():
                    ctx.problem(
                        ("predicate",),
                        f"predicate {doc.predicate!r} uses unknown parameter {name!r}",
                    )
            for rtype in predicate.related:
                if rtype not in types:
                    ctx.problem(
                        ("predicate",),
                        f"predicate {doc.predicate!r} relates unknown type {rtype!r}",
                    )
    citation = None
    if doc.provider_default is not None:
        citation = _default_citation(doc.provider_default, doc.resource)
        if citation is None:
            ctx.problem(
                ("provider_default",),
                f"no verified {doc.provider_default!r} default for {doc.resource} in "
                "policies/data/provider_defaults.yaml",
            )
    if (
        doc.on_pass == "MANUAL" or doc.manual_only or doc.manual_when is not None
    ) and not doc.manual_evidence:
        ctx.problem(
            ("id",),
            "a policy that can yield MANUAL must say what evidence to attach (manual_evidence)",
        )
    _check_template(doc.message.pass_, model, "pass", ctx)
    _check_template(doc.message.fail, model, "fail", ctx)
    _check_template(doc.message.manual, model, "manual", ctx)
    for key, cond in (("where", where), ("assert", assertion), ("manual_when", manual_when)):
        for because in condition_becauses(cond):
            _check_template(because, model, (key,), ctx)
    for path in doc.evidence:
        try:
            resolve_type(model, path)
        except (PathError, TypeError) as exc:
            ctx.problem(("evidence",), f"evidence path {path!r}: {exc}")
    if ctx.problems:
        return None, ctx.problems

    reads = condition_paths(where) + condition_paths(assertion) + condition_paths(manual_when)
    params = (
        condition_params(where)
        | condition_params(assertion)
        | condition_params(manual_when)
        | set(doc.requires_params)
    )
    related = condition_joins(where) | condition_joins(assertion) | condition_joins(manual_when)
    reads += list(doc.evidence)
    if predicate is not None:
        reads += list(predicate.reads)
        params |= set(predicate.params)
        related |= set(predicate.related)
    if doc.enabled_by:
        params.add(doc.enabled_by)
    ordered = tuple(dict.fromkeys(reads))
    try:
        relative = file.relative_to(base).as_posix()
    except ValueError:
        relative = file.name
    return Policy(
        doc=doc,
        where=where,
        assertion=assertion,
        predicate=predicate,
        source=relative,
        reads=ordered,
        params=frozenset(params),
        manual_when=manual_when,
        related=tuple(sorted(related)),
        default_citation=citation,
    ), []


def load_policies(
    catalog: Catalog,
    types: Mapping[str, type[Resource]],
    predicates: Mapping[str, Predicate],
    extra_dirs: Iterable[Path] = (),
    include_shipped: bool = True,
) -> PolicySet:
    roots: list[Path] = [policies_dir()] if include_shipped else []
    for extra in extra_dirs:
        if not extra.is_dir():
            raise InputError("policy directory not found", file=extra)
        roots.append(extra)
    problems: list[Problem] = []
    loaded: list[Policy] = []
    files: dict[str, Path] = {}
    digest = hashlib.sha256()
    for root in roots:
        for file in policy_files(root):
            policy, found = load_policy_file(file, root, catalog, types, predicates)
            problems.extend(found)
            rel = file.relative_to(root).as_posix()
            digest.update(f"{rel}\0{sha256_file(file)}\n".encode())
            if policy is None:
                continue
            if policy.id in files:
                problems.append(
                    Problem(
                        str(file),
                        line_of(read_yaml(file), "id"),
                        f"duplicate policy id {policy.id!r} (also in {files[policy.id]})",
                    )
                )
                continue
            files[policy.id] = file
            loaded.append(policy)
    if problems:
        raise ValidationFailed(problems)
    return PolicySet(
        policies=tuple(sorted(loaded, key=lambda p: p.id)),
        catalog=catalog,
        sha256=digest.hexdigest(),
        files=files,
    )


def load_default_policies(extra_dirs: Iterable[Path] = ()) -> PolicySet:
    """Catalog, resource types and predicates from their registries, and the shipped policies."""
    from auditor.core.model.registry import resource_types
    from auditor.judge.catalog import load_catalog
    from auditor.judge.predicates import predicates

    return load_policies(load_catalog(), resource_types(), predicates(), extra_dirs)


__all__ = [
    "CASES_SUFFIX",
    "PolicySet",
    "load_default_policies",
    "load_policies",
    "load_policy_file",
    "policy_files",
]
