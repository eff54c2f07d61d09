"""The Cloud Asset inventory from a ``gcloud asset export`` output file, for offline audits.

``gcloud asset export --output-path=gs://.../assets.json --content-type=resource`` (and
``iam-policy``, ``org-policy``) writes one JSON asset per line. Concatenate the content types you
exported into one file (``cat resource.json iam.json org.json > assets.json``) and pass it as
``options.gcp_export_file``. Each line goes through the same protobuf ``Asset`` the API client
decodes, so snake_case (export) and camelCase (API) keys give the same records, and the same
:class:`~auditor.collect.gcp.assemble.Assembler` builds the same models as the API path.

A content type absent from the file is a gap (it was not exported), never "nothing there".
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.assemble import Assembler, Failure
from auditor.collect.gcp.mapping import ASSET_KINDS
from auditor.core.errors import InputError
from auditor.core.inventory import InventorySink
from auditor.core.progress import Progress
from auditor.core.safe_load import EXPORT, parse_json


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    """One export line as the API returns it (camelCase keys, Struct-typed ``resource.data``)."""
    asset_v1: Any = importlib.import_module("google.cloud.asset_v1")  # stubs vary by release
    message = asset_v1.Asset.pb()()
    json_format.ParseDict(raw, message, ignore_unknown_fields=True)
    result: dict[str, Any] = json_format.MessageToDict(message, preserving_proto_field_name=False)
    return result


def iter_export(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, normalized record) for every asset line of the export file."""
    if not path.is_file():
        raise InputError("Cloud Asset export file not found", file=path)
    limit = EXPORT.max_line or EXPORT.max_bytes
    with path.open("rb") as handle:
        for lineno, raw in enumerate(iter(lambda: handle.readline(limit + 2), b""), start=1):
            if len(raw) > limit + 1:
                raise InputError(f"line too long (limit {limit:,} bytes)", file=path, line=lineno)
            if not raw.strip():
                continue
            # strict JSON: UTF-8, no duplicate keys, bounded numbers and depth
            record = parse_json(raw, path, EXPORT, line=lineno)
            try:
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                yield lineno, normalize(record)
            except (ValueError, json_format.ParseError) as exc:
                raise InputError(
                    f"not a Cloud Asset export line: {str(exc)[:120]}", file=path, line=lineno
                ) from None


def _scope_of(records_scope: set[str]) -> str:
    for prefix in ("organizations/", "folders/", "projects/"):
        tops = sorted(s for s in records_scope if s.startswith(prefix))
        if tops:
            return tops[0]
    return "unknown"


def collect_export(
    options: CollectOptions, sink: InventorySink, progress: Progress
) -> tuple[str, list[str]]:
    """Read ``options.gcp_export_file`` into ``sink``; returns (scope, project ids)."""
    assert options.gcp_export_file is not None
    path = Path(options.gcp_export_file)
    task = progress.task("gcp export file")
    seen_content = {"resource": False, "iam": False, "org": False}
    tops: set[str] = set()
    records: list[dict[str, Any]] = []
    for _lineno, record in iter_export(path):
        progress.advance(task)
        if record.get("assetType") not in ASSET_KINDS:
            continue
        seen_content["resource"] |= "resource" in record
        seen_content["iam"] |= "iamPolicy" in record
        seen_content["org"] |= bool(record.get("orgPolicy"))
        if record.get("ancestors"):
            tops.add(str(record["ancestors"][-1]))
        records.append(record)
    progress.done(task)
    scope = options.gcp_scope or _scope_of(tops)
    wanted = _scope_ref(scope, records)
    assembler = Assembler(scope, export=f"export file {path.name}")
    for record in records:
        if _in_scope(record, wanted):
            assembler.add(record)
    where = f"export file {path.name}"
    if not seen_content["resource"]:
        for group in {k.group for k in ASSET_KINDS.values()}:
            assembler.fail_group(
                group,
                Failure(
                    "gcloud asset export --content-type=resource",
                    "NotInExportFile",
                    f"{where} holds no RESOURCE content",
                ),
            )
    if not seen_content["iam"]:
        assembler.fail_iam(
            Failure(
                "gcloud asset export --content-type=iam-policy",
                "NotInExportFile",
                f"{where} holds no IAM_POLICY content",
            )
        )
    if not seen_content["org"]:
        assembler.fail_org_policy(
            Failure(
                "gcloud asset export --content-type=org-policy",
                "NotInExportFile",
                f"{where} holds no ORG_POLICY content",
            )
        )
    projects = assembler.finish(sink)
    return scope, projects


def _scope_ref(scope: str, records: list[dict[str, Any]]) -> str:
    """``projects/ID`` as the ``projects/NUMBER`` that ancestors hold."""
    if not scope.startswith("projects/") or scope.split("/", 1)[1].isdigit():
        return scope
    wanted = scope.split("/", 1)[1]
    for record in records:
        data = record.get("resource", {}).get("data", {})
        if (
            record.get("assetType") == "cloudresourcemanager.googleapis.com/Project"
            and data.get("projectId") == wanted
        ):
            return f"projects/{str(data.get('projectNumber', '')).split('.')[0]}"
    return scope


def _in_scope(record: dict[str, Any], scope: str) -> bool:
    if scope == "unknown":
        return True
    return scope in record.get("ancestors", [])


__all__ = ["collect_export", "iter_export", "normalize"]
