"""What one BAA promises that another does not: two profiles compared promise by promise.

Promises are paired by id, then (for those left) by the same set of safeguards, so a profile
that calls its AI promise ``no-ai-training`` still pairs with one that calls it ``ai-processing``.
Parameters are compared twice: within each pair of promises, and over the whole profile (the
values the policies see), so a value that moved from one promise to another is not lost.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, Field

from auditor.judge.profile import Profile, Promise

Change = Literal["added", "removed", "changed"]


class ParameterChange(BaseModel):
    name: str
    change: Change
    a: Any = None
    b: Any = None
    promise_a: str | None = None
    promise_b: str | None = None


class PromiseChange(BaseModel):
    change: Change
    id_a: str | None = None
    id_b: str | None = None
    safeguards_a: list[str] = Field(default_factory=list)
    safeguards_b: list[str] = Field(default_factory=list)
    clause_a: str | None = None
    clause_b: str | None = None
    parameters: list[ParameterChange] = Field(default_factory=list)

    @property
    def label(self) -> str:
        if self.id_a and self.id_b and self.id_a != self.id_b:
            return f"{self.id_a} / {self.id_b}"
        return self.id_b or self.id_a or ""


class ProfileRef(BaseModel):
    id: str
    title: str
    source: str
    baa: str


class ProfileDiff(BaseModel):
    a: ProfileRef
    b: ProfileRef
    promises: list[PromiseChange]
    parameters: list[ParameterChange]
    safeguards_added: list[str]
    safeguards_removed: list[str]
    same_promises: list[str]

    def is_empty(self) -> bool:
        return not (
            self.promises or self.parameters or self.safeguards_added or self.safeguards_removed
        )


def _values(promise: Promise) -> dict[str, Any]:
    return promise.parameters.model_dump(mode="json", exclude_unset=True)


def _compare_values(
    a: dict[str, Any], b: dict[str, Any], owner_a: dict[str, str], owner_b: dict[str, str]
) -> list[ParameterChange]:
    out: list[ParameterChange] = []
    for name in sorted(set(a) | set(b)):
        if name not in a:
            change: Change = "added"
        elif name not in b:
            change = "removed"
        elif a[name] != b[name]:
            change = "changed"
        else:
            continue
        out.append(
            ParameterChange(
                name=name,
                change=change,
                a=a.get(name),
                b=b.get(name),
                promise_a=owner_a.get(name),
                promise_b=owner_b.get(name),
            )
        )
    return out


def _pairs(a: Profile, b: Profile) -> list[tuple[Promise | None, Promise | None]]:
    left = list(a.promises)
    right = list(b.promises)
    pairs: list[tuple[Promise | None, Promise | None]] = []
    for promise in list(left):
        match = next((p for p in right if p.id == promise.id), None)
        if match is not None:
            pairs.append((promise, match))
            left.remove(promise)
            right.remove(match)
    for promise in list(left):
        match = next((p for p in right if set(p.safeguards) == set(promise.safeguards)), None)
        if match is not None:
            pairs.append((promise, match))
            left.remove(promise)
            right.remove(match)
    pairs.extend((p, None) for p in left)
    pairs.extend((None, p) for p in right)
    return pairs


def _ref(profile: Profile, source: str) -> ProfileRef:
    return ProfileRef(id=profile.id, title=profile.title, source=source, baa=profile.baa.name)


def diff_profiles(a: Profile, b: Profile, source_a: str = "", source_b: str = "") -> ProfileDiff:
    promises: list[PromiseChange] = []
    same: list[str] = []
    for left, right in _pairs(a, b):
        values_a = _values(left) if left is not None else {}
        values_b = _values(right) if right is not None else {}
        params = _compare_values(
            values_a,
            values_b,
            dict.fromkeys(values_a, left.id) if left is not None else {},
            dict.fromkeys(values_b, right.id) if right is not None else {},
        )
        if left is None or right is None:
            change: Change = "added" if left is None else "removed"
        elif not params and set(left.safeguards) == set(right.safeguards):
            same.append(right.id if right.id == left.id else f"{left.id} / {right.id}")
            continue
        else:
            change = "changed"
        promises.append(
            PromiseChange(
                change=change,
                id_a=left.id if left is not None else None,
                id_b=right.id if right is not None else None,
                safeguards_a=list(left.safeguards) if left is not None else [],
                safeguards_b=list(right.safeguards) if right is not None else [],
                clause_a=left.clause if left is not None else None,
                clause_b=right.clause if right is not None else None,
                parameters=params,
            )
        )
    owner_a = {name: p.id for p in a.promises for name in _values(p)}
    owner_b = {name: p.id for p in b.promises for name in _values(p)}
    merged_a = {name: v for p in a.promises for name, v in _values(p).items()}
    merged_b = {name: v for p in b.promises for name, v in _values(p).items()}
    safeguards_a = a.promised_safeguards()
    safeguards_b = b.promised_safeguards()
    return ProfileDiff(
        a=_ref(a, source_a),
        b=_ref(b, source_b),
        promises=promises,
        parameters=_compare_values(merged_a, merged_b, owner_a, owner_b),
        safeguards_added=sorted(safeguards_b - safeguards_a),
        safeguards_removed=sorted(safeguards_a - safeguards_b),
        same_promises=same,
    )


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


_MARK = {"added": "+", "removed": "-", "changed": "~"}


def _printable(text: str) -> str:
    """Control and format characters (terminal escapes, bidi overrides) shown as code points."""
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def _clip(text: str | None, width: int = 70) -> str:
    flat = _printable(" ".join((text or "").split()))
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def render_profile_diff(diff: ProfileDiff) -> str:
    """The readable table: promises, then parameters (the values policies see), then safeguards."""
    lines = [
        f"A: {diff.a.id} ({_printable(diff.a.source)}): {_clip(diff.a.baa, 100)}",
        f"B: {diff.b.id} ({_printable(diff.b.source)}): {_clip(diff.b.baa, 100)}",
        "+ only B promises it, - only A does, ~ both, differently",
        "",
    ]
    if diff.promises:
        width = max(len(p.label) for p in diff.promises)
        lines.append("Promises")
        for change in diff.promises:
            safeguards = change.safeguards_b if change.change == "added" else change.safeguards_a
            detail = f"[{', '.join(safeguards)}]"
            if change.change == "changed":
                if set(change.safeguards_a) != set(change.safeguards_b):
                    detail = f"safeguards [{', '.join(change.safeguards_a)}] -> [{', '.join(change.safeguards_b)}]"
                marks = ", ".join(f"{_MARK[p.change]}{p.name}" for p in change.parameters)
                if marks:
                    detail += f"; parameters {marks}"
            clause = change.clause_b if change.change != "removed" else change.clause_a
            lines.append(f"  {_MARK[change.change]} {change.label:<{width}}  {detail}")
            lines.append(f'    {"":<{width}}  "{_clip(clause)}"')
        lines.append("")
    if diff.parameters:
        width = max(len(p.name) for p in diff.parameters)
        col = max(12, *(len(_show(p.a)) for p in diff.parameters))
        col = min(col, 40)
        lines.append("Parameters")
        lines.append(f"    {'name':<{width}}  {'A':<{col}}  B")
        for p in diff.parameters:
            lines.append(
                f"  {_MARK[p.change]} {p.name:<{width}}  {_clip(_show(p.a), 40):<{col}}  {_clip(_show(p.b), 60)}"
            )
        lines.append("")
    if diff.safeguards_added or diff.safeguards_removed:
        lines.append("Safeguards")
        lines.extend(f"  + {key}" for key in diff.safeguards_added)
        lines.extend(f"  - {key}" for key in diff.safeguards_removed)
        lines.append("")
    if diff.same_promises:
        lines.append(f"Same in both: {', '.join(diff.same_promises)}")
    if diff.is_empty():
        lines.append("The two profiles promise the same.")
    else:
        counts = f"{len(diff.promises)} promises and {len(diff.parameters)} parameters differ"
        lines.append(counts)
    return "\n".join(lines) + "\n"


__all__ = [
    "ParameterChange",
    "ProfileDiff",
    "ProfileRef",
    "PromiseChange",
    "diff_profiles",
    "render_profile_diff",
]
