"""A drafted profile as YAML a reviewer reads: the header says it is a draft and what to do."""

from __future__ import annotations

from typing import Any

import yaml

from auditor.judge.profile import Profile, Promise, Quote


class _Flow(list[Any]):
    """A short list written on one line: ``[a, b]``."""


class _FlowMap(dict[str, Any]):
    """A small mapping written on one line: ``{start: 1, end: 2}``."""


class _Dumper(yaml.SafeDumper):
    pass


def _flow_list(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _flow_map(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = '"' if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_Flow, _flow_list)
_Dumper.add_representer(_FlowMap, _flow_map)
_Dumper.add_representer(str, _text)


def _value(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, str | int | float | bool) for v in value):
        return _Flow(value)
    return value


def _quote(quote: Quote, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if quote.section:
        out["section"] = quote.section
    out["text"] = quote.text
    out["offsets"] = _FlowMap(start=quote.offsets.start, end=quote.offsets.end)
    out.update(extra)
    return out


def _promise(promise: Promise) -> dict[str, Any]:
    out: dict[str, Any] = {"id": promise.id}
    if promise.section:
        out["section"] = promise.section
    out["clause"] = promise.clause
    if promise.offsets is not None:
        out["offsets"] = _FlowMap(start=promise.offsets.start, end=promise.offsets.end)
    out["safeguards"] = _Flow(promise.safeguards)
    params = promise.parameters.model_dump(mode="json", exclude_unset=True)
    out["parameters"] = {k: _value(v) for k, v in params.items()}
    if promise.from_base:
        out["from_base"] = _Flow(promise.from_base)
    if promise.manual_evidence:
        out["manual_evidence"] = promise.manual_evidence
    if promise.notes:
        out["notes"] = list(promise.notes)
    if promise.related:
        out["related"] = [_quote(q) for q in promise.related]
    if promise.rules:
        out["rules"] = _Flow(promise.rules)
    return out


def profile_yaml(profile: Profile) -> str:
    """The profile as YAML, with a header that says it is a draft when it is one."""
    doc: dict[str, Any] = {
        "id": profile.id,
        "title": profile.title,
        "description": profile.description,
        "baa": profile.baa.model_dump(mode="json", exclude_none=True),
    }
    if profile.draft is not None:
        doc["draft"] = profile.draft.model_dump(mode="json")
    doc["promises"] = [_promise(p) for p in profile.promises]
    if profile.review or profile.draft is not None:
        doc["review"] = [_quote(item, reason=item.reason) for item in profile.review]
    body = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    if profile.draft is None:
        return body
    draft = profile.draft
    header = [
        f"# DRAFT profile: {draft.generated_by} read {profile.baa.source}",
        f"# (sha256 {draft.source_sha256}).",
        "#",
        "# A draft is not a profile yet. Before you scan with it, a person who knows the agreement:",
        "#   1. reads every promise against the BAA: the clause, its safeguards and parameters",
        "#      (offsets are character offsets in the BAA file; from_base lists parameters taken",
        "#      from the base profile, not from the BAA), and the notes;",
        "#   2. settles every sentence in `review:` (map it to a promise, or decide it needs none),",
        "#      and every promise with `manual_evidence:` says which documents answer it;",
        "#   3. writes their name in draft.reviewed_by and the date in draft.approved_on.",
        "# `baa-audit profile validate --strict FILE` refuses the profile until step 3 is done.",
        "# See docs/profile-from-baa.md.",
    ]
    return "\n".join(header) + "\n" + body


__all__ = ["profile_yaml"]
