"""The one generic test of the drafting rules: every example sentence in policies/baa-rules/
(positive and negative, beside the rule it tests) runs through the whole rule set, and the
sentences written for these tests cover every parameter a rule reads in several phrasings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.core.errors import ValidationFailed
from auditor.core.params import Parameters
from auditor.judge.baa_text import load_rules, match_sentence, rules_dir
from auditor.judge.baa_text.draft import obligation_reason
from auditor.judge.baa_text.rules import ObligationsFile, VagueFile, VendorsFile
from auditor.judge.baa_text.segment import Unit
from auditor.judge.catalog import load_catalog

CATALOG = load_catalog()
RULES = load_rules(safeguards=set(CATALOG.safeguards))
DATA = Path(__file__).parent / "data"
SENTENCES: list[dict[str, Any]] = yaml.safe_load((DATA / "sentences.yaml").read_text("utf-8"))

EXAMPLES = [
    pytest.param(rule, index, id=f"{rule.id}[{index}]")
    for rule in RULES.rules
    for index in range(len(rule.doc.examples))
]


@pytest.mark.parametrize(("rule", "index"), EXAMPLES)
def test_rule_example(rule: Any, index: int) -> None:
    example = rule.doc.examples[index]
    hits = match_sentence(RULES, example.text, example.section, example.lead)
    mine = [h for h in hits if h.rule.id == rule.id]
    others = [h.rule.id for h in hits]
    if not example.match:
        assert not mine, f"{rule.file.name}: {example.text!r} should not hit (hits: {others})"
        return
    assert mine, f"{rule.file.name}: {example.text!r} should hit {rule.id} (hits: {others})"
    hit = mine[0]
    assert hit.found() == example.parameters, f"{rule.file.name}: {example.text!r}"
    unparsed = sorted(n for n, r in hit.params.items() if r.unparsed and not r.found)
    assert unparsed == sorted(example.unparsed), f"{rule.file.name}: {example.text!r}"


def _vocab_files() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for file in sorted(rules_dir().glob("*.yaml")):
        doc = yaml.safe_load(file.read_text("utf-8"))
        if doc.get("kind") != "rule":
            out[doc["kind"]] = doc
    return out


def test_vendor_examples() -> None:
    doc = VendorsFile.model_validate(_vocab_files()["vendors"])
    for example in doc.examples:
        found = [vendor for _, vendor in RULES.vocabulary.find_vendors(example.text)]
        assert found == example.vendors, example.text


def test_vague_examples() -> None:
    doc = VagueFile.model_validate(_vocab_files()["vague"])
    for example in doc.examples:
        labels = [p.label for p in RULES.vocabulary.vague_phrases(example.text)]
        assert labels == example.vague, example.text


def test_obligation_examples() -> None:
    doc = ObligationsFile.model_validate(_vocab_files()["obligations"])
    for example in doc.examples:
        unit = Unit(
            index=0,
            start=0,
            end=len(example.text),
            text=example.text,
            kind="item" if example.lead else "sentence",
            section=example.section,
            lead=example.lead,
        )
        assert (obligation_reason(RULES, unit) is not None) == example.obligation, example.text


@pytest.mark.parametrize("sentence", SENTENCES, ids=lambda s: s["text"][:60])
def test_sentences_written_for_the_purpose(sentence: dict[str, Any]) -> None:
    hits = match_sentence(RULES, sentence["text"], sentence.get("section"), sentence.get("lead"))
    found: dict[str, Any] = {}
    for hit in hits:
        found.update(hit.found())
    assert found == sentence["parameters"]
    Parameters.model_validate(found)
    if "promises" in sentence:
        assert sorted({h.rule.doc.promise for h in hits}) == sorted(sentence["promises"])


def test_every_parameter_is_read_in_several_phrasings() -> None:
    """Each parameter some rule reads is stated by at least three different test sentences."""
    counts: Counter[str] = Counter()
    for sentence in SENTENCES:
        counts.update(list(sentence["parameters"]))
    for rule in RULES.rules:
        for example in rule.doc.examples:
            counts.update(list(example.parameters))
    thin = {name: counts[name] for name in RULES.text_parameters() if counts[name] < 3}
    assert not thin, f"parameters with fewer than three phrasings: {thin}"


def test_every_rule_parameter_and_safeguard_is_known() -> None:
    for rule in RULES.rules:
        assert set(rule.doc.safeguards) <= set(CATALOG.safeguards), rule.id
        for param in rule.params:
            assert param.name in Parameters.model_fields, (rule.id, param.name)


def _rule_file(directory: Path, text: str) -> None:
    for name in ("vendors.yaml", "vague-wording.yaml", "obligations.yaml"):
        (directory / name).write_bytes((rules_dir() / name).read_bytes())
    (directory / "bad-rule.yaml").write_text(text, encoding="utf-8")


BAD_RULE = """kind: rule
id: bad-rule
title: A rule with mistakes
promise: encryption-in-transit
safeguards: [transmission-security]
when:
  any: ['\\bTLS.*secure']
parameters:
  min_tls_versoin:
    parse: tls_version
    find: ['{{tls}}']
  session_idle_max_seconds:
    parse: duration_seconds
    find: ['{{weeks}}']
examples:
  - {text: "TLS 1.2 is secure", parameters: {}}
  - {text: "TLS 1.3 is secure", parameters: {}}
"""


def test_rule_mistakes_are_reported_with_file_and_line(tmp_path: Path) -> None:
    _rule_file(tmp_path, BAD_RULE)
    with pytest.raises(ValidationFailed) as caught:
        load_rules(tmp_path, safeguards=set(CATALOG.safeguards))
    messages = [str(p) for p in caught.value.problems]
    file = str(tmp_path / "bad-rule.yaml")
    assert any(m.startswith(f"{file}:7: unbounded gap") for m in messages), messages
    assert any(m.startswith(f"{file}:9: unknown parameter 'min_tls_versoin'") for m in messages)
    assert any(m.startswith(f"{file}:14: unknown fragment") for m in messages), messages
    assert any("both sentences the rule hits and sentences it does not" in m for m in messages)


def test_a_parser_pattern_needs_a_value_group(tmp_path: Path) -> None:
    _rule_file(
        tmp_path,
        BAD_RULE.replace("min_tls_versoin", "min_tls_version")
        .replace("\\bTLS.*secure", "\\bTLS")
        .replace("['{{weeks}}']", "['(?P<value>{{duration}})']")
        .replace('{text: "TLS 1.3 is secure", parameters: {}}', '{text: "no", match: false}'),
    )
    with pytest.raises(ValidationFailed) as caught:
        load_rules(tmp_path, safeguards=set(CATALOG.safeguards))
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{tmp_path / 'bad-rule.yaml'}:11: pattern '{{{{tls}}}}' has no group named value"
    ]
