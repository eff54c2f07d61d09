"""Identity-Aware Proxy settings: reauthentication age of IAP-protected apps.

``GET v1/{name}:iapSettings`` for each name in ``gcp_iap_resources`` or, by default,
``projects/NUMBER/iap_web`` for each project in scope (permission ``iap.web.getSettings`` or the
settings permission of the narrower resource type; no predefined viewer role holds it, so grant a
custom role). Optional: read only when ``gcp_sources`` names ``iap``.
"""

from __future__ import annotations

from typing import Any

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.rest_source import (
    SourceError,
    SourceSpec,
    Targets,
    as_extra_source,
    open_per_item_source,
    parse_duration,
    read_each,
    record_coverage,
    record_failure,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Gap
from auditor.core.model.gcp.iap import IapSettings
from auditor.core.progress import Progress

OPERATION = "iap.getIapSettings"
TYPES = (IapSettings.resource_type,)
HOW_TO_ENABLE = (
    "The IAP source (reauthentication age of IAP-protected apps) is not enabled. Enable it with "
    "--gcp-source iap (reads projects/NUMBER/iap_web of every project in scope) or name settings "
    "with --gcp-iap-resource projects/NUMBER/iap_web/compute/services/ID; the caller needs "
    "iap.web.getSettings (a custom role)."
)

SOURCE = SourceSpec("iap", TYPES, OPERATION, HOW_TO_ENABLE)


def settings_from_api(payload: dict[str, Any], name: str, project: str) -> IapSettings:
    reauth = (payload.get("accessSettings") or {}).get("reauthSettings") or {}
    gaps: list[Gap] = []
    max_age: float | None = None
    try:
        max_age = parse_duration(reauth.get("maxAge"))
    except ValueError as exc:
        gaps.append(
            Gap(
                operation=OPERATION,
                error_code="InvalidValue",
                message=str(exc),
                fields=("reauth_max_age_seconds",),
            )
        )
    canonical = str(payload.get("name") or name)  # the API answers with the project number
    return IapSettings(
        id=canonical,
        name=canonical,
        account=project,
        reauth_max_age_seconds=max_age,
        reauth_method=reauth.get("method"),
        reauth_policy_type=reauth.get("policyType"),
        gaps=gaps,
    )


def _names(options: CollectOptions, targets: Targets) -> list[tuple[str, str]]:
    """(settings name, project id for the finding)."""
    if options.gcp_iap_resources:
        by_number = {number: pid for pid, number in targets.projects if number}
        names = []
        for name in options.gcp_iap_resources:
            ref = name.split("/")[1] if name.startswith("projects/") and "/" in name else name
            names.append((name, by_number.get(ref, ref)))
        return names
    return [(f"projects/{number or pid}/iap_web", pid) for pid, number in targets.projects]


def collect_iap(
    options: CollectOptions, sink: InventorySink, progress: Progress, targets: Targets
) -> None:
    names = _names(options, targets)
    opened = open_per_item_source(
        options, sink, progress, SOURCE, targets, names, api="iap", label="gcp iap settings"
    )
    if opened is None:
        return
    client, task = opened

    def read(item: tuple[str, str]) -> IapSettings:
        name, project = item
        return settings_from_api(client.get(f"v1/{name}:iapSettings", OPERATION), name, project)

    counts: dict[str, int] = {}
    for (name, project), result in zip(names, read_each(names, read, options.workers), strict=True):
        progress.advance(task)
        if isinstance(result, SourceError):
            result.message = f"{name}: {result.message}".strip(": ")
            record_failure(sink, TYPES, project, result)
            continue
        sink.add_resource(result)
        counts[project] = counts.get(project, 0) + 1
    for project, count in counts.items():
        record_coverage(sink, IapSettings.resource_type, project, count)
    progress.done(task)


EXTRA_SOURCE = as_extra_source(
    SOURCE,
    collect_iap,
    description="IAP settings: reauthentication age",
    permissions=("iap.web.getSettings",),
)


__all__ = ["EXTRA_SOURCE", "HOW_TO_ENABLE", "collect_iap", "settings_from_api"]
