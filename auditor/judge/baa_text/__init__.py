"""From a BAA's text to a profile draft, clause by clause.

Deterministic: phrase patterns and number/unit parsing from the rule files in
``policies/baa-rules/`` (no model, no network). The text is read from plain text, Markdown or HTML
with a map back to the source, so every quoted clause carries its offsets in the file.
"""

from auditor.judge.baa_text.draft import (
    FROM_BASE,
    Draft,
    DraftStats,
    NoPromise,
    draft_profile,
    match_sentence,
    obligation_reason,
)
from auditor.judge.baa_text.emit import profile_yaml
from auditor.judge.baa_text.extract import (
    FORMATS,
    Extracted,
    SourceError,
    SourceFormat,
    detect_format,
    extract,
)
from auditor.judge.baa_text.rules import RuleSet, load_rules, rules_dir

__all__ = [
    "FORMATS",
    "FROM_BASE",
    "Draft",
    "DraftStats",
    "Extracted",
    "NoPromise",
    "RuleSet",
    "SourceError",
    "SourceFormat",
    "detect_format",
    "draft_profile",
    "extract",
    "load_rules",
    "match_sentence",
    "obligation_reason",
    "profile_yaml",
    "rules_dir",
]
