"""From a BAA's text to a profile draft, clause by clause.

Every sentence and list item is offered to every rule. The hits of one promise are merged: its
safeguards and parameters, the notes of its rules, the documents that answer it. Its clause is
the longest run of consecutive sentences that hit it (the run that states the most parameters),
quoted exactly with its offsets in the source; other runs are kept as related quotes. A sentence
that reads like an obligation but that no rule maps goes to the ``review`` list.

A base profile (``--base``) supplies only the settings a BAA does not state (how PHI stores are
tagged, which detectors scan logs, how long audit logs are kept...), never a promised value, and
only to promises the BAA states precisely: a vague promise, or one whose clause states no value
for what it promises (TLS without a version), takes nothing from the base.

One exception, for a base that is a profile of the same agreement (the same business associate's
BAA of the same date, as ``baa.name`` and ``baa.dated`` say): that profile is a person's reading of
this very text, so where the clause leaves a value unstated (TLS without a version, isolation
without the key column) the draft takes the base's value, lists it under ``from_base`` and says in
a note that the clause does not state it. Such a base also gives its settings to vague promises.
A value the text states always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auditor.core.params import Parameters
from auditor.judge.baa_text.extract import Extracted, SourceFormat, extract
from auditor.judge.baa_text.rules import (
    Context,
    ParamResult,
    Rule,
    RuleSet,
    VaguePhrase,
    extract_param,
)
from auditor.judge.baa_text.segment import Unit, segment
from auditor.judge.profile import (
    BaaInfo,
    DraftInfo,
    Offsets,
    Profile,
    Promise,
    Quote,
    ReviewItem,
)

#: Settings a base profile may supply when the BAA does not state them: they say where PHI is
#: and how evidence is kept, not what the BAA promises.
FROM_BASE: tuple[str, ...] = (
    "customer_managed_keys",
    "key_rotation_max_days",
    "audit_log_retention_days",
    "phi_tag_key",
    "phi_tag_values",
    "phi_buckets",
    "log_data_identifiers",
    "log_groups_in_scope",
    "phi_detectors",
    "phi_custom_patterns",
    "allowed_ai_models",
    "tenant_setting",
    "app_role",
    "databases",
)


class NoPromise(ValueError):
    """The text makes no promise any rule recognises (is it a BAA?)."""


@dataclass
class Hit:
    rule: Rule
    unit: Unit
    params: dict[str, ParamResult]

    def found(self) -> dict[str, Any]:
        return {name: r.value for name, r in self.params.items() if r.found}


@dataclass
class DraftStats:
    units: int = 0
    obligations: int = 0
    promises: int = 0
    text_parameters: int = 0
    base_parameters: int = 0
    vague_promises: int = 0
    attestation_promises: int = 0
    review: int = 0


@dataclass
class Draft:
    profile: Profile
    extracted: Extracted
    units: list[Unit]
    stats: DraftStats = field(default_factory=DraftStats)


def match_sentence(
    rules: RuleSet, text: str, section: str | None = None, lead: str | None = None
) -> list[Hit]:
    """The hits of one sentence on its own (the rule tests use this)."""
    unit = Unit(
        index=0,
        start=0,
        end=len(text),
        text=text,
        kind="item" if lead else "sentence",
        section=section,
        lead=lead,
    )
    return _hits(rules, Context.of(text, section, lead), unit)


def obligation_reason(rules: RuleSet, unit: Unit) -> str | None:
    """Why a sentence reads like an obligation (or a promised safeguard), if it does."""
    vocab = rules.vocabulary
    word = vocab.modal_word(unit.text)
    if word:
        return f"reads like an obligation ({word!r})"
    if unit.kind == "item":
        lead_word = vocab.modal_word(unit.lead or "")
        if lead_word:
            return f"reads like an obligation ({lead_word!r} in the sentence that lists it)"
        if vocab.descriptive_context(unit.section, unit.lead):
            return "is listed among the safeguards the BAA describes"
    return None


def _hits(rules: RuleSet, ctx: Context, unit: Unit) -> list[Hit]:
    def run(candidates: list[Rule]) -> list[Hit]:
        out = []
        for rule in candidates:
            if not rule.triggered(ctx):
                continue
            params = {p.name: extract_param(rule, p, ctx, rules.vocabulary) for p in rule.params}
            # a value stated but not exactly ("eight (9) hours") still makes the rule's promise
            if any(not (params[name].found or params[name].unparsed) for name in rule.doc.requires):
                continue
            out.append(Hit(rule, unit, params))
        return out

    hits = run([r for r in rules.rules if not r.doc.fallback])
    return hits or run([r for r in rules.rules if r.doc.fallback])


# --- the BAA's own facts: who, and when ---------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
_DATE_LABELLED = re.compile(
    r"(?P<label>last\s+updated|updated|last\s+revised|revised|effective(?:\s+date)?|dated)"
    r"\s*(?:as\s+of|on)?\s*:?\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_PARTY = re.compile(
    r"between\s+(?P<name>[^()]{2,80}?)\s*\(\s*(?:the\s+)?[\"“]Business\s+Associate[\"”]"
    r"(?:\s*or\s*[\"“](?P<alias>[^\"”]{2,40})[\"”])?",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    r",?\s+(?:Inc|LLC|L\.L\.C|Ltd|Corp|Corporation|Co|GmbH|PBC)\.?$", re.IGNORECASE
)


def _iso_date(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    match = re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if not match:
        return None
    month = next(
        (n for name, n in _MONTHS.items() if name.startswith(match.group(1).lower())), None
    )
    if month is None:
        return None
    try:
        return date(int(match.group(3)), month, int(match.group(2))).isoformat()
    except ValueError:
        return None


def baa_facts(text: str) -> tuple[str | None, str | None]:
    """(the business associate's name, the BAA's date) as the text states them, when it does."""
    head = text[:20000]
    dated = None
    found = list(_DATE_LABELLED.finditer(head))
    found.sort(
        key=lambda m: (
            0
            if "updated" in m.group("label").lower() or "revised" in m.group("label").lower()
            else 1
        )
    )
    for match in found:
        dated = _iso_date(match.group("date"))
        if dated:
            break
    party = None
    between = _PARTY.search(head)
    if between:
        name = " ".join(between.group("name").split()).strip(" ,")
        if re.fullmatch(r"\[[^\]]*\]", name) and between.group("alias"):
            name = between.group("alias").strip()
        if not re.fullmatch(r"\[[^\]]*\]", name):
            party = name
    return party, dated


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", _SUFFIX.sub("", text).lower()).strip("-")
    return out[:60].strip("-") or "baa"


# --- assembling promises ------------------------------------------------------------------------


def _runs(units: list[Unit]) -> list[list[Unit]]:
    runs: list[list[Unit]] = []
    for unit in sorted(units, key=lambda u: u.index):
        if runs and unit.index == runs[-1][-1].index + 1:
            runs[-1].append(unit)
        elif not runs or unit.index != runs[-1][-1].index:
            runs.append([unit])
    return runs


def _quote_text(extracted: Extracted, start: int, end: int) -> str:
    text = extracted.text[start:end]
    if extracted.format == "html":
        return " ".join(text.split())
    return text


def _quote(extracted: Extracted, run: list[Unit]) -> Quote:
    start, end = run[0].start, run[-1].end
    src_start, src_end = extracted.source_span(start, end)
    return Quote(
        section=run[0].section,
        text=_quote_text(extracted, start, end),
        offsets=Offsets(start=src_start, end=src_end),
    )


def _render(template: str, params: dict[str, Any]) -> str | None:
    names = re.findall(r"\{(\w+)\}", template)
    if any(params.get(n) in (None, []) for n in names):
        return None

    def value(match: re.Match[str]) -> str:
        v = params[match.group(1)]
        return ", ".join(str(x) for x in v) if isinstance(v, list) else str(v)

    return re.sub(r"\{(\w+)\}", value, template)


@dataclass
class _Building:
    id: str
    hits: list[Hit] = field(default_factory=list)


@dataclass
class _Built:
    promise: Promise
    #: parameters the clause leaves without a value, each with the note that says so (if any)
    unset: dict[str, str | None]
    #: vague wording, or no value for what it promises
    without_value: bool


def _merge_params(
    building: _Building, rules: RuleSet, extracted: Extracted, review: list[ReviewItem]
) -> tuple[dict[str, Any], dict[str, list[str]], list[str]]:
    values: dict[str, Any] = {}
    unparsed: dict[str, list[str]] = {}
    notes: list[str] = []
    for hit in building.hits:
        specs = {p.name: p.spec for p in hit.rule.params}
        for name, result in hit.params.items():
            if not result.found:
                if result.unparsed:
                    unparsed.setdefault(name, []).extend(result.unparsed)
                continue
            if name not in values:
                values[name] = result.value
                continue
            old = values[name]
            if isinstance(old, list) and isinstance(result.value, list):
                values[name] = list(dict.fromkeys([*old, *result.value]))
                continue
            if old == result.value:
                continue
            stricter = specs[name].stricter
            keep = old
            if stricter == "higher":
                keep = max(old, result.value)
            elif stricter == "lower":
                keep = min(old, result.value)
            values[name] = keep
            message = (
                f"the BAA states {name} as {old!r} and as {result.value!r}; the draft keeps "
                f"{keep!r}{' (the stricter)' if stricter else ' (the first)'}: check which the parties meant"
            )
            notes.append(message)
            start, end = extracted.source_span(hit.unit.start, hit.unit.end)
            review.append(
                ReviewItem(
                    section=hit.unit.section,
                    text=_quote_text(extracted, hit.unit.start, hit.unit.end),
                    offsets=Offsets(start=start, end=end),
                    reason=message,
                )
            )
    for name in list(unparsed):
        if name in values:
            del unparsed[name]
    return values, unparsed, notes


def _promise(
    building: _Building, rules: RuleSet, extracted: Extracted, review: list[ReviewItem]
) -> _Built:
    """The promise, the parameters its clause leaves without a value, and whether it is vague."""
    safeguards: list[str] = []
    rule_ids: list[str] = []
    notes: list[str] = []
    attestation: list[str] = []
    expects: list[tuple[str, Rule]] = []
    for hit in building.hits:
        for key in hit.rule.doc.safeguards:
            if key not in safeguards:
                safeguards.append(key)
        if hit.rule.id not in rule_ids:
            rule_ids.append(hit.rule.id)
            expects.extend((name, hit.rule) for name in hit.rule.doc.expects)
            if hit.rule.doc.note:
                notes.append(hit.rule.doc.note)
    values, unparsed, conflict_notes = _merge_params(building, rules, extracted, review)
    unset: dict[str, str | None] = {}
    for name, rule in expects:
        if name in values or name in unparsed:
            continue
        unset[name] = rule.doc.missing_note
        if rule.doc.missing_note and rule.doc.missing_note not in notes:
            notes.append(rule.doc.missing_note)
    for name, reasons in unparsed.items():
        note = (
            f"{'; '.join(dict.fromkeys(reasons))}: the clause states {name} but not as an exact "
            "value, so the draft sets none"
        )
        unset[name] = note
        notes.append(note)
    notes.extend(conflict_notes)
    vocab = rules.vocabulary
    phrases: list[VaguePhrase] = []
    for hit in building.hits:
        for phrase in vocab.vague_phrases(hit.unit.text):
            if phrase not in phrases:
                phrases.append(phrase)
    notes.extend(vocab.vague_notes(phrases))
    for hit in building.hits:
        for template in hit.rule.doc.attestation:
            line = _render(template, values)
            if line and line not in attestation:
                attestation.append(line)
    runs = _runs([h.unit for h in building.hits])

    def weight(run: list[Unit]) -> tuple[int, int, int]:
        ids = {u.index for u in run}
        stated = sum(len(h.found()) for h in building.hits if h.unit.index in ids)
        return (stated, len(run), -run[0].index)

    main = max(runs, key=weight)
    quote = _quote(extracted, main)
    related = [_quote(extracted, run) for run in runs if run is not main]
    promise = Promise(
        id=building.id,
        section=quote.section,
        clause=quote.text,
        offsets=quote.offsets,
        safeguards=safeguards,
        parameters=Parameters.model_validate(values),
        manual_evidence="Attach: " + "; ".join(attestation) if attestation else None,
        notes=notes,
        related=related,
        rules=rule_ids,
    )
    without_value = bool(phrases) or bool(unset) or any(h.rule.doc.fallback for h in building.hits)
    return _Built(promise=promise, unset=unset, without_value=without_value)


def same_agreement(base: Profile, name: str, dated: str | None) -> bool:
    """Whether ``base`` is a profile of the agreement drafted: same BAA name, same date."""
    return (
        dated is not None
        and base.baa.dated == dated
        and " ".join(base.baa.name.split()).casefold() == " ".join(name.split()).casefold()
    )


def _fill_from_base(
    built: list[_Built], base: Profile, *, base_name: str, same: bool
) -> tuple[list[Promise], int]:
    """Settings (``FROM_BASE``) from the base profile, for promises the BAA states precisely.

    A vague promise, or one that states no value for what it promises, takes nothing: the base
    must not make it look more definite than the BAA is. A base of the same agreement (``same``)
    is a reading of this text: it gives its settings to every promise, and its value of a
    parameter the clause leaves unset, with a note saying the clause does not state it.
    """
    taken = {name for b in built for name in b.promise.parameters.model_fields_set}
    filled = 0
    out: list[Promise] = []
    for item in built:
        promise = item.promise
        if item.without_value and not same:
            out.append(promise)
            continue
        allowed = set(FROM_BASE) | (set(item.unset) if same else set())
        candidates = [b for b in base.promises if b.id == promise.id] or [
            b for b in base.promises if set(b.safeguards) & set(promise.safeguards)
        ]
        values = promise.parameters.model_dump(exclude_unset=True)
        added: list[str] = []
        for candidate in candidates:
            for name in candidate.parameters.model_dump(exclude_unset=True):
                if name not in allowed or name in taken:
                    continue
                values[name] = getattr(candidate.parameters, name)
                taken.add(name)
                added.append(name)
        if added:
            filled += len(added)
            promise = promise.model_copy(
                update={
                    "parameters": Parameters.model_validate(values),
                    "from_base": [*promise.from_base, *added],
                    "notes": _base_notes(promise, item.unset, added, values, base, base_name),
                }
            )
        out.append(promise)
    return out, filled


def _base_notes(
    promise: Promise,
    unset: dict[str, str | None],
    added: list[str],
    values: dict[str, Any],
    base: Profile,
    base_name: str,
) -> list[str]:
    """The promise's notes once the base has given it values its clause leaves unset."""
    notes = list(promise.notes)
    given = [name for name in added if name in unset]
    for name in given:
        note = unset[name]
        # the note saying the draft sets no value is no longer true once every value it speaks of
        # is set
        if note in notes and all(n in given for n, other in unset.items() if other == note):
            notes.remove(note)
    for name in given:
        shown = Parameters.model_validate({name: values[name]}).model_dump(mode="json")[name]
        notes.append(
            f"The clause states no exact {name}; {shown!r} is the reading of the base profile "
            f"{base_name}, a profile of this same agreement ({base.baa.name}, {base.baa.dated}), "
            "not the text's: confirm it on review."
        )
    return notes


def draft_profile(
    source: str,
    *,
    source_name: str,
    source_format: SourceFormat,
    source_sha256: str,
    rules: RuleSet,
    generated_by: str,
    base: Profile | None = None,
    base_name: str | None = None,
    profile_id: str | None = None,
) -> Draft:
    """Read ``source`` (the BAA's text) and return the profile draft it supports.

    Raises :class:`NoPromise` when no promise is recognised, and
    :class:`~auditor.judge.baa_text.extract.SourceError` when the document cannot be read in
    bounded time (both ``ValueError``: the caller says so to the user).
    """
    extracted = extract(source, source_format)
    units = segment(extracted)
    stats = DraftStats(units=len(units))
    building: dict[str, _Building] = {}
    review: list[ReviewItem] = []
    for unit in units:
        hits = _hits(rules, Context.of(unit.text, unit.section, unit.lead), unit)
        for hit in hits:
            building.setdefault(hit.rule.doc.promise, _Building(hit.rule.doc.promise)).hits.append(
                hit
            )
        reason = obligation_reason(rules, unit)
        if reason is None or unit.is_lead:
            continue
        stats.obligations += 1
        if hits:
            continue
        start, end = extracted.source_span(unit.start, unit.end)
        review.append(
            ReviewItem(
                section=unit.section,
                text=_quote_text(extracted, unit.start, unit.end),
                offsets=Offsets(start=start, end=end),
                reason=f"{reason}, but no rule maps it to a safeguard",
            )
        )
    built = [_promise(item, rules, extracted, review) for item in building.values()]
    promises = [b.promise for b in built]
    for item in built:
        stats.vague_promises += int(item.without_value)
        stats.attestation_promises += int(bool(item.promise.manual_evidence))
    stats.text_parameters = sum(len(p.parameters.model_fields_set) for p in promises)
    party, dated = baa_facts(extracted.text)
    stem = re.sub(r"\.(txt|md|markdown|html?|xhtml)$", "", source_name, flags=re.IGNORECASE)
    name = (
        f"{party} Business Associate Agreement"
        if party
        else f"Business Associate Agreement ({source_name})"
    )
    if base is not None:
        promises, stats.base_parameters = _fill_from_base(
            built,
            base,
            base_name=base_name or base.id,
            same=same_agreement(base, name, dated),
        )
    if not promises:
        raise NoPromise(
            f"no promise recognised ({stats.units} sentences read, {stats.obligations} obligations)"
        )
    review.sort(key=lambda r: r.offsets.start)
    promises.sort(key=lambda p: p.offsets.start if p.offsets else 0)
    stats.promises = len(promises)
    stats.review = len(review)
    profile = Profile(
        id=profile_id or slug(party or stem),
        title=f"{party or stem} BAA (draft from {source_name})",
        description=(
            f"Drafted by baa-audit from {source_name}: {len(promises)} promises recognised, "
            f"{len(review)} sentences for review. A draft until a person approves it."
        ),
        baa=BaaInfo(name=name, source=source_name, dated=dated),
        draft=DraftInfo(
            generated_by=generated_by,
            source_sha256=source_sha256,
            source_format=source_format,
            rules_sha256=rules.sha256,
            base=base_name,
        ),
        promises=promises,
        review=review,
    )
    return Draft(profile=profile, extracted=extracted, units=units, stats=stats)


__all__ = [
    "FROM_BASE",
    "Draft",
    "DraftStats",
    "Hit",
    "NoPromise",
    "baa_facts",
    "draft_profile",
    "match_sentence",
    "obligation_reason",
    "same_agreement",
    "slug",
]
