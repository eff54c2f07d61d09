"""The attested documents a result names, and whether a bundle carries exactly those bytes.

A run with ``--attestations`` copies the attestations file and every document it found into
``attestations/`` of its output directory (``attestations/<digest>/<name>``), and the result
records the SHA-256 of each (``inputs.attestations`` and ``attestations[].sha256``). The bundle
carries them like any other file; :func:`document_problems` checks them against the result
itself, so a document that was swapped together with the manifest, or left out of both, is still
caught by ``verify``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from auditor.judge.attestations import FILE_IN_BUNDLE

RESULT_MEMBER = "result.json"


def expected_documents(result: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """``{member: (sha256, what)}`` for every document the result (as JSON data) names."""
    expected: dict[str, tuple[str, str]] = {}
    inputs = result.get("inputs")
    if isinstance(inputs, dict) and isinstance(inputs.get("attestations"), str):
        expected[FILE_IN_BUNDLE] = (inputs["attestations"], "the attestations file")
    records = result.get("attestations")
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict):
            continue
        place, digest = record.get("bundle_path"), record.get("sha256")
        if isinstance(place, str) and isinstance(digest, str):
            expected.setdefault(place, (digest, f"attestation {record.get('id')}"))
    return expected


def document_problems(
    expected: Mapping[str, tuple[str, str]], contents: Mapping[str, bytes]
) -> list[tuple[str, str, str]]:
    """``(kind, member, detail)`` for each expected document missing or changed in ``contents``."""
    problems: list[tuple[str, str, str]] = []
    for member, (digest, what) in sorted(expected.items()):
        data = contents.get(member)
        if data is None:
            problems.append(("missing", member, f"{what}, named in {RESULT_MEMBER}"))
        elif hashlib.sha256(data).hexdigest() != digest:
            problems.append(
                ("changed", member, f"{what}: SHA-256 differs from the one {RESULT_MEMBER} records")
            )
    return problems


def bundle_document_problems(contents: Mapping[str, bytes]) -> list[tuple[str, str, str]]:
    """The documents ``result.json`` inside a bundle names, checked against the bundle."""
    raw = contents.get(RESULT_MEMBER)
    if raw is None:
        return []
    try:
        result = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return []  # the manifest check names a damaged result.json
    if not isinstance(result, dict):
        return []
    return document_problems(expected_documents(result), contents)


__all__ = ["bundle_document_problems", "document_problems", "expected_documents"]
