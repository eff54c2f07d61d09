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
    expected: Mapping[str, tuple[str, str]], digests: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """``(kind, member, detail)`` for each expected document missing from ``digests`` (member ->
    SHA-256 of its bytes) or whose digest differs."""
    problems: list[tuple[str, str, str]] = []
    for member, (digest, what) in sorted(expected.items()):
        found = digests.get(member)
        if found is None:
            problems.append(("missing", member, f"{what}, named in {RESULT_MEMBER}"))
        elif found != digest:
            problems.append(
                ("changed", member, f"{what}: SHA-256 differs from the one {RESULT_MEMBER} records")
            )
    return problems


def digests_of(contents: Mapping[str, bytes]) -> dict[str, str]:
    """SHA-256 of each file's bytes, as :func:`document_problems` takes them."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}


def bundle_document_problems(
    result_json: bytes | None, digests: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """The documents ``result.json`` inside a bundle names, checked against the bundle's members
    (``digests``: member -> SHA-256, as verify streamed them)."""
    if result_json is None:
        return []
    try:
        result = json.loads(result_json)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return []  # the manifest check names a damaged result.json
    if not isinstance(result, dict):
        return []
    return document_problems(expected_documents(result), digests)


__all__ = ["bundle_document_problems", "digests_of", "document_problems", "expected_documents"]
