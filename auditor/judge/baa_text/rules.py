"""The drafting rules: data files under ``policies/baa-rules/``, each beside its test sentences.

Four kinds of file, told apart by their ``kind``:

- ``rule``: one phrase family -> one promise (id, safeguards) and the parameters it reads, with
  positive and negative example sentences;
- ``vendors``: the names of subcontractors and the ids profiles use for them;
- ``vague``: wording that promises no measurable value ("industry standard");
- ``obligations``: what makes a sentence read like an obligation (shall, must, agrees to ...).

Patterns are Python regular expressions, matched case-insensitively (``(?-i:...)`` where case
matters), on text whose typographic quotes, dashes and spaces are folded to ASCII one character for
one. A gap between two words is written with a bound (``.{0,80}``), never ``.*``, so every rule
runs in time bounded by the length of a sentence.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from auditor.core.errors import InputError, Problem, ValidationFailed
from auditor.core.params import Parameters
from auditor.core.resources import policies_dir
from auditor.core.validation import ClosedModel, problems_from
from auditor.core.yamlio import line_of, plain, read_yaml_input
from auditor.judge.baa_text.grammar import PARSERS, Unparsed, expand, fragment_names

_ID = r"^[a-z0-9][a-z0-9-]*$"
_UNBOUNDED = re.compile(r"(?<!\\)\.[*+]")

# typographic characters folded to ASCII, one for one, so offsets stay the same
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)


def fold(text: str) -> str:
    return text.translate(_FOLD)


class When(ClosedModel):
    any: list[str] = Field(default_factory=list, description="the sentence matches one of these")
    all: list[str] = Field(default_factory=list, description="the sentence matches every one")
    none: list[str] = Field(default_factory=list, description="the sentence matches none")
    context: list[str] = Field(
        default_factory=list,
        description="the section heading, the list's lead sentence or the sentence matches one",
    )


class ParamSpec(ClosedModel):
    value: Any = Field(
        default=None, description="a constant the parameter takes when the rule hits"
    )
    parse: str | None = Field(
        default=None, description="parser of the matched text: " + ", ".join([*PARSERS, "vendors"])
    )
    find: list[str] = Field(default_factory=list, description="patterns with a group named value")
    exclude: list[str] = Field(default_factory=list, description="text blanked before finding")
    combine: Literal["first", "min", "max", "all"] = "first"
    stricter: Literal["higher", "lower"] | None = Field(
        default=None, description="which of two different values the clause's promise is held to"
    )


class Example(ClosedModel):
    text: str = Field(min_length=1)
    section: str | None = None
    lead: str | None = None
    match: bool = True
    parameters: dict[str, Any] = Field(default_factory=dict)
    unparsed: list[str] = Field(
        default_factory=list, description="parameters stated but not exactly (a note, no value)"
    )


class RuleDoc(ClosedModel):
    kind: Literal["rule"]
    id: str = Field(pattern=_ID)
    title: str
    promise: str = Field(pattern=_ID)
    safeguards: list[str] = Field(min_length=1)
    when: When
    parameters: dict[str, ParamSpec] = Field(default_factory=dict)
    requires: list[str] = Field(
        default_factory=list, description="the rule hits only when these parameters were found"
    )
    expects: list[str] = Field(
        default_factory=list,
        description="a precise clause states these; when none is found the promise says so",
    )
    missing_note: str | None = None
    note: str | None = None
    attestation: list[str] = Field(
        default_factory=list,
        description="documents that answer the promise where no live check can (the attestation)",
    )
    fallback: bool = Field(
        default=False, description="hit only sentences that no other (non-fallback) rule hit"
    )
    examples: list[Example] = Field(min_length=2)


class VendorDoc(ClosedModel):
    name: str
    names: list[str] = Field(min_length=1, description="how contracts write it (case-sensitive)")


class VendorExample(ClosedModel):
    text: str
    vendors: list[str]


class VendorsFile(ClosedModel):
    kind: Literal["vendors"]
    vendors: dict[str, VendorDoc]
    examples: list[VendorExample] = Field(min_length=2)


class VaguePhrase(ClosedModel):
    pattern: str
    label: str
    note: str | None = Field(
        default=None, description="this phrase's own note, instead of the file's"
    )


class VagueExample(ClosedModel):
    text: str
    vague: list[str]


class VagueFile(ClosedModel):
    kind: Literal["vague"]
    note: str = Field(description="the note a promise gets; {labels} is replaced")
    phrases: list[VaguePhrase] = Field(min_length=1)
    examples: list[VagueExample] = Field(min_length=2)


class ObligationExample(ClosedModel):
    text: str
    section: str | None = None
    lead: str | None = None
    obligation: bool


class ObligationsFile(ClosedModel):
    kind: Literal["obligations"]
    modal: list[str] = Field(min_length=1, description="a sentence with one of these obliges")
    descriptive: list[str] = Field(
        default_factory=list,
        description="list items whose lead or section matches one of these describe promised safeguards",
    )
    examples: list[ObligationExample] = Field(min_length=2)


# --- compiled -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a rule sees of a sentence: its text, section heading and list lead (all folded)."""

    text: str
    section: str = ""
    lead: str = ""

    @classmethod
    def of(cls, text: str, section: str | None = None, lead: str | None = None) -> Context:
        return cls(fold(text), fold(section or ""), fold(lead or ""))


@dataclass
class ParamResult:
    value: Any = None
    found: bool = False
    unparsed: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class CompiledParam:
    name: str
    spec: ParamSpec
    find: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]


@dataclass
class Rule:
    doc: RuleDoc
    file: Path
    any: tuple[re.Pattern[str], ...]
    all: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]
    context: tuple[re.Pattern[str], ...]
    params: tuple[CompiledParam, ...]

    @property
    def id(self) -> str:
        return self.doc.id

    def triggered(self, ctx: Context) -> bool:
        text = ctx.text
        if self.any and not any(p.search(text) for p in self.any):
            return False
        if not all(p.search(text) for p in self.all):
            return False
        if any(p.search(text) for p in self.none):
            return False
        if self.context:
            where = f"{ctx.section}\n{ctx.lead}\n{text}"
            if not any(p.search(where) for p in self.context):
                return False
        return True


@dataclass
class Vocabulary:
    vendors: dict[str, VendorDoc]
    vendor_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    vague: VagueFile
    vague_patterns: tuple[tuple[VaguePhrase, re.Pattern[str]], ...]
    modal: tuple[re.Pattern[str], ...]
    descriptive: tuple[re.Pattern[str], ...]

    def find_vendors(self, text: str) -> list[tuple[int, str]]:
        """(position, vendor id) of every vendor named in ``text``, in order, each id once."""
        hits: list[tuple[int, int, str]] = []
        for vendor_id, pattern in self.vendor_patterns:
            for match in pattern.finditer(text):
                hits.append((match.start(), match.end(), vendor_id))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        seen: set[str] = set()
        out: list[tuple[int, str]] = []
        last_end = -1
        for start, end, vendor_id in hits:
            if start < last_end:
                continue
            last_end = end
            if vendor_id not in seen:
                seen.add(vendor_id)
                out.append((start, vendor_id))
        return out

    def vague_phrases(self, text: str) -> list[VaguePhrase]:
        folded = fold(text)
        return [phrase for phrase, pattern in self.vague_patterns if pattern.search(folded)]

    def vague_notes(self, phrases: list[VaguePhrase]) -> list[str]:
        """The notes for these phrases: the file's note naming the plain ones, then the others'."""
        plain_labels = [p.label for p in phrases if p.note is None]
        notes = []
        if plain_labels:
            notes.append(
                self.vague.note.replace("{labels}", ", ".join(f'"{x}"' for x in plain_labels))
            )
        notes.extend(p.note for p in phrases if p.note is not None)
        return notes

    def modal_word(self, text: str) -> str | None:
        folded = fold(text)
        for pattern in self.modal:
            match = pattern.search(folded)
            if match:
                return " ".join(match.group(0).split())
        return None

    def descriptive_context(self, section: str | None, lead: str | None) -> bool:
        where = fold(f"{section or ''}\n{lead or ''}")
        return any(p.search(where) for p in self.descriptive)


@dataclass
class RuleSet:
    rules: list[Rule]
    vocabulary: Vocabulary
    sha256: str
    files: list[Path]

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def text_parameters(self) -> set[str]:
        """Every parameter some rule reads from the text."""
        return {p.name for r in self.rules for p in r.params}


def extract_param(rule: Rule, param: CompiledParam, ctx: Context, vocab: Vocabulary) -> ParamResult:
    """What ``param`` of ``rule`` reads from one sentence (which the rule is known to hit)."""
    spec = param.spec
    text = ctx.text
    for pattern in param.exclude:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    if spec.parse is None:
        if not param.find:
            return ParamResult(value=spec.value, found=True)
        match = next((m for p in param.find if (m := p.search(text))), None)
        if match is None:
            return ParamResult()
        return ParamResult(value=spec.value, found=True, spans=[match.span()])
    if spec.parse == "vendors":
        regions: list[tuple[int, int]] = []
        if param.find:
            for pattern in param.find:
                regions.extend(m.span("value") for m in pattern.finditer(text))
        else:
            regions = [(0, len(text))]
        names: list[str] = []
        spans: list[tuple[int, int]] = []
        for start, end in sorted(regions):
            for position, vendor_id in vocab.find_vendors(text[start:end]):
                if vendor_id not in names:
                    names.append(vendor_id)
                    spans.append((start + position, start + position))
        if not names:
            return ParamResult()
        return ParamResult(value=names, found=True, spans=spans)
    parser = PARSERS[spec.parse]
    matches: list[tuple[int, int]] = []
    for pattern in param.find:
        for match in pattern.finditer(text):
            span = match.span("value")
            if not any(s < span[1] and span[0] < e for s, e in matches):
                matches.append(span)
    matches.sort()
    values: list[Any] = []
    spans = []
    unparsed: list[str] = []
    for start, end in matches:
        try:
            values.append(parser(ctx.text[start:end]))
            spans.append((start, end))
        except Unparsed as exc:
            unparsed.append(str(exc))
    if not values:
        return ParamResult(unparsed=unparsed)
    value: Any
    if spec.combine == "min":
        value = min(values)
    elif spec.combine == "max":
        value = max(values)
    elif spec.combine == "all":
        value = list(dict.fromkeys(values))
    else:
        value = values[0]
    return ParamResult(value=value, found=True, unparsed=unparsed, spans=spans)


# --- loading ------------------------------------------------------------------------------------


def rules_dir() -> Path:
    return policies_dir() / "baa-rules"


def _compile(
    pattern: str,
    file: Path,
    node: Any,
    keys: tuple[str | int, ...],
    problems: list[Problem],
    *,
    ignore_case: bool = True,
    value_group: bool = False,
) -> re.Pattern[str] | None:
    line = line_of(node, *keys)
    if _UNBOUNDED.search(pattern):
        problems.append(Problem(str(file), line, f"unbounded gap in {pattern!r}: write .{{0,N}}"))
        return None
    unknown = [
        n for n in fragment_names(pattern) if n not in ("number", "duration", "days", "tls", "aes")
    ]
    if unknown:
        problems.append(Problem(str(file), line, f"unknown fragment {{{{{unknown[0]}}}}}"))
        return None
    try:
        compiled = re.compile(expand(pattern), re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        problems.append(Problem(str(file), line, f"bad pattern {pattern!r}: {exc}"))
        return None
    if value_group and "value" not in compiled.groupindex:
        problems.append(Problem(str(file), line, f"pattern {pattern!r} has no group named value"))
        return None
    return compiled


def _read(file: Path) -> Any:
    return read_yaml_input(file, "rule file")


def _compile_rule(doc: RuleDoc, file: Path, node: Any, problems: list[Problem]) -> Rule:
    def many(key: str, patterns: list[str]) -> tuple[re.Pattern[str], ...]:
        out = []
        for index, pattern in enumerate(patterns):
            compiled = _compile(pattern, file, node, ("when", key, index), problems)
            if compiled is not None:
                out.append(compiled)
        return tuple(out)

    params: list[CompiledParam] = []
    for name, spec in doc.parameters.items():
        where = ("parameters", name)
        if name not in Parameters.model_fields:
            problems.append(
                Problem(str(file), line_of(node, *where), f"unknown parameter {name!r}")
            )
            continue
        if spec.parse is not None and spec.parse not in (*PARSERS, "vendors"):
            problems.append(
                Problem(str(file), line_of(node, *where, "parse"), f"unknown parser {spec.parse!r}")
            )
            continue
        if spec.parse is None and spec.value is None:
            problems.append(
                Problem(str(file), line_of(node, *where), "a parameter needs a value or a parser")
            )
            continue
        if spec.parse not in (None, "vendors") and not spec.find:
            problems.append(
                Problem(str(file), line_of(node, *where), "a parser needs find patterns")
            )
            continue
        if spec.value is not None:
            try:
                Parameters.model_validate({name: spec.value})
            except ValidationError as exc:
                problems.extend(problems_from(exc, file, node, ("parameters", name, "value")))
        find = []
        for index, pattern in enumerate(spec.find):
            compiled = _compile(
                pattern,
                file,
                node,
                (*where, "find", index),
                problems,
                value_group=spec.parse is not None,
            )
            if compiled is not None:
                find.append(compiled)
        exclude = []
        for index, pattern in enumerate(spec.exclude):
            compiled = _compile(pattern, file, node, (*where, "exclude", index), problems)
            if compiled is not None:
                exclude.append(compiled)
        params.append(CompiledParam(name, spec, tuple(find), tuple(exclude)))
    for key in ("requires", "expects"):
        for name in getattr(doc, key):
            if name not in doc.parameters:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, key),
                        f"{key} names {name!r}, which the rule does not read",
                    )
                )
    if not (doc.when.any or doc.when.all):
        problems.append(Problem(str(file), line_of(node, "when"), "when needs any or all patterns"))
    if not any(e.match for e in doc.examples) or all(e.match for e in doc.examples):
        problems.append(
            Problem(
                str(file),
                line_of(node, "examples"),
                "examples need both sentences the rule hits and sentences it does not",
            )
        )
    for index, example in enumerate(doc.examples):
        if example.parameters:
            try:
                Parameters.model_validate(example.parameters)
            except ValidationError as exc:
                problems.extend(problems_from(exc, file, node, ("examples", index, "parameters")))
    return Rule(
        doc=doc,
        file=file,
        any=many("any", doc.when.any),
        all=many("all", doc.when.all),
        none=many("none", doc.when.none),
        context=many("context", doc.when.context),
        params=tuple(params),
    )


def load_rules(directory: Path | None = None, safeguards: set[str] | None = None) -> RuleSet:
    """Load and check every rule file; every mistake is reported as file:line (exit 2)."""
    root = directory or rules_dir()
    if not root.is_dir():
        raise InputError("rules directory not found", file=root)
    files = sorted(root.glob("*.yaml"))
    problems: list[Problem] = []
    rules: list[Rule] = []
    vendors: VendorsFile | None = None
    vague: VagueFile | None = None
    obligations: ObligationsFile | None = None
    vocab_nodes: dict[str, tuple[Path, Any]] = {}
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.name}\0{hashlib.sha256(file.read_bytes()).hexdigest()}\n".encode())
        node = _read(file)
        if not isinstance(node, dict):
            problems.append(Problem(str(file), 1, "a rule file must be a YAML mapping"))
            continue
        kind = node.get("kind")
        models: dict[str, type[ClosedModel]] = {
            "rule": RuleDoc,
            "vendors": VendorsFile,
            "vague": VagueFile,
            "obligations": ObligationsFile,
        }
        model = models.get(str(kind), RuleDoc)
        try:
            doc = model.model_validate(plain(node))
        except ValidationError as exc:
            problems.extend(problems_from(exc, file, node))
            continue
        if isinstance(doc, RuleDoc):
            if doc.id != file.stem:
                problems.append(
                    Problem(
                        str(file),
                        line_of(node, "id"),
                        f"rule id {doc.id!r} must match the file name",
                    )
                )
            for index, key in enumerate(doc.safeguards):
                if safeguards is not None and key not in safeguards:
                    problems.append(
                        Problem(
                            str(file),
                            line_of(node, "safeguards", index),
                            f"unknown safeguard {key!r}",
                        )
                    )
            rules.append(_compile_rule(doc, file, node, problems))
            continue
        if str(kind) in vocab_nodes:
            problems.append(
                Problem(
                    str(file),
                    line_of(node, "kind"),
                    f"a second {kind} file (first: {vocab_nodes[str(kind)][0].name})",
                )
            )
            continue
        vocab_nodes[str(kind)] = (file, node)
        if isinstance(doc, VendorsFile):
            vendors = doc
        elif isinstance(doc, VagueFile):
            vague = doc
        elif isinstance(doc, ObligationsFile):
            obligations = doc
    owner: dict[str, str] = {}
    for rule in rules:
        for param in rule.params:
            first = owner.setdefault(param.name, rule.doc.promise)
            if first != rule.doc.promise:
                problems.append(
                    Problem(
                        str(rule.file),
                        None,
                        f"parameter {param.name!r} belongs to promise {first!r}, not {rule.doc.promise!r}",
                    )
                )
    for kind, found in (("vendors", vendors), ("vague", vague), ("obligations", obligations)):
        if found is None:
            problems.append(Problem(str(root), None, f"no {kind} file (kind: {kind})"))
    if problems or vendors is None or vague is None or obligations is None:
        raise ValidationFailed(problems)

    def compiled_list(
        kind: str, keys: tuple[str | int, ...], pattern: str, ignore_case: bool = True
    ) -> re.Pattern[str] | None:
        file, node = vocab_nodes[kind]
        return _compile(pattern, file, node, keys, problems, ignore_case=ignore_case)

    vendor_patterns: list[tuple[str, re.Pattern[str]]] = []
    for vendor_id, vendor in vendors.vendors.items():
        for index, name in enumerate(vendor.names):
            compiled = compiled_list(
                "vendors",
                ("vendors", vendor_id, "names", index),
                rf"(?<![\w-]){re.escape(name)}(?![\w-])",
                ignore_case=False,
            )
            if compiled is not None:
                vendor_patterns.append((vendor_id, compiled))
    vague_patterns = []
    for index, phrase in enumerate(vague.phrases):
        compiled = compiled_list("vague", ("phrases", index, "pattern"), phrase.pattern)
        if compiled is not None:
            vague_patterns.append((phrase, compiled))
    modal = [
        c
        for i, p in enumerate(obligations.modal)
        if (c := compiled_list("obligations", ("modal", i), p))
    ]
    descriptive = [
        c
        for i, p in enumerate(obligations.descriptive)
        if (c := compiled_list("obligations", ("descriptive", i), p))
    ]
    if problems:
        raise ValidationFailed(problems)
    vocabulary = Vocabulary(
        vendors=vendors.vendors,
        vendor_patterns=tuple(vendor_patterns),
        vague=vague,
        vague_patterns=tuple(vague_patterns),
        modal=tuple(modal),
        descriptive=tuple(descriptive),
    )
    return RuleSet(rules=rules, vocabulary=vocabulary, sha256=digest.hexdigest(), files=files)


__all__ = [
    "Context",
    "Example",
    "ObligationsFile",
    "ParamResult",
    "Rule",
    "RuleDoc",
    "RuleSet",
    "VagueFile",
    "VendorsFile",
    "Vocabulary",
    "extract_param",
    "fold",
    "load_rules",
    "rules_dir",
]
