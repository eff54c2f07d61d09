"""Turn Cloud Asset records into models, coverage and gaps: shared by the API and export paths.

Records arrive in any order and content (RESOURCE, IAM_POLICY, ORG_POLICY), as plain dicts in
the REST JSON shape (``name``, ``assetType``, ``ancestors``, ``resource.data``, ``iamPolicy``,
``orgPolicy``). :meth:`Assembler.finish` joins them and puts everything into the sink.

Rules that keep a partial read from looking like a clean one:

* a listing that failed (at any page) is discarded whole: its asset types get a
  :class:`ListingGap` at the scope, and nothing half-read is judged;
* when the IAM_POLICY listing failed, every model's IAM fields are gaps; an asset type that
  always has an IAM policy (organization, folder, project, bucket) but got none has a gap too;
* a project seen in one listing but not in another, or gone from the closing census of
  projects, changed during the scan (API path only): its resources carry a whole-resource gap
  and every type has a listing gap in that project;
* an export file is one snapshot, so nothing in it changed during a scan: a project, folder or
  organization that assets name as an ancestor but that has no RESOURCE line (an export
  filtered by asset type) is a listing gap of its own type only, naming the export to add, and
  everything else is judged. A node with a RESOURCE line but no IAM_POLICY line has its IAM
  fields unread, naming ``--content-type=iam-policy``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from auditor.collect.gcp.mapping import (
    ASSET_KINDS,
    CRM_PREFIX,
    audit_configs,
    dig,
    iam_bindings,
    org_policy,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Coverage, Gap, ListingGap
from auditor.core.model.gcp.common import GcpResource
from auditor.core.model.gcp.orgpolicy import OrgPolicy
from auditor.core.model.gcp.resourcemanager import Project

IAM_FIELDS = ("iam_bindings", "audit_configs")
_PROJECT_IN_NAME = re.compile(r"^//[^/]+/projects/([^/]+)/")
PROJECT_ASSET = "cloudresourcemanager.googleapis.com/Project"
#: hierarchy nodes by the prefix of their path: (asset type, resource type)
NODE_KINDS = {
    "organizations": (
        "cloudresourcemanager.googleapis.com/Organization",
        "gcp.resourcemanager.organization",
    ),
    "folders": ("cloudresourcemanager.googleapis.com/Folder", "gcp.resourcemanager.folder"),
    "projects": (PROJECT_ASSET, "gcp.resourcemanager.project"),
}


def export_command(content: str, asset_type: str) -> str:
    return f"gcloud asset export --content-type={content} --asset-types={asset_type} --organization=ORG_ID --output-path=gs://BUCKET/FILE"


@dataclass(frozen=True)
class Failure:
    """Why a listing (or a part of an export file) could not be read."""

    operation: str
    error_code: str
    message: str = ""


def project_ref(ancestors: Iterable[str]) -> str | None:
    for ancestor in ancestors:
        if ancestor.startswith("projects/"):
            return ancestor
    return None


def _labels(data: Mapping[str, Any]) -> dict[str, str]:
    labels = data.get("labels")
    if not isinstance(labels, Mapping):
        labels = dig(data, "settings.userLabels")
    if not isinstance(labels, Mapping):
        return {}
    return {str(k): str(v) for k, v in labels.items()}


class Assembler:
    """Collects asset records, then emits models, coverage and gaps in a stable order."""

    def __init__(self, scope: str, *, export: str | None = None) -> None:
        #: where scope-wide gaps and coverage are recorded: the project id for a project scan
        self.scope = scope.split("/", 1)[1] if scope.startswith("projects/") else scope
        #: the export file the records come from ("export file assets.json"); None: the API
        self.export = export
        self.resources: dict[str, dict[str, Any]] = {}
        self.iam: dict[str, dict[str, Any]] = {}
        self.org_policies: dict[str, dict[str, Any]] = {}
        self.group_failures: dict[str, Failure] = {}
        self.iam_failure: Failure | None = None
        self.org_failure: Failure | None = None
        self.census: set[str] | None = None

    # -- intake -----------------------------------------------------------------------------
    def add(self, record: Mapping[str, Any]) -> None:
        """Take one asset record (any mix of resource, IAM and org-policy content)."""
        name = str(record.get("name", ""))
        asset_type = str(record.get("assetType", ""))
        if not name or asset_type not in ASSET_KINDS:
            return
        if record.get("resource"):
            self.resources[name] = {
                "assetType": asset_type,
                "ancestors": list(record.get("ancestors", [])),
                "resource": record["resource"],
            }
        if record.get("iamPolicy") is not None and "iamPolicy" in record:
            self.iam[name] = {
                "ancestors": list(record.get("ancestors", [])),
                "policy": record["iamPolicy"],
            }
        if record.get("orgPolicy"):
            self.org_policies[name] = {
                "assetType": asset_type,
                "ancestors": list(record.get("ancestors", [])),
                "policies": record["orgPolicy"],
            }

    def fail_group(self, group: str, failure: Failure) -> None:
        self.group_failures[group] = failure
        for name in [
            n for n, r in self.resources.items() if ASSET_KINDS[r["assetType"]].group == group
        ]:
            del self.resources[name]

    def fail_iam(self, failure: Failure) -> None:
        self.iam_failure = failure
        self.iam.clear()

    def fail_org_policy(self, failure: Failure) -> None:
        self.org_failure = failure
        self.org_policies.clear()

    # -- output -----------------------------------------------------------------------------
    def _project_ids(self) -> dict[str, str]:
        ids: dict[str, str] = {}
        for name, record in self.resources.items():
            if record["assetType"] == PROJECT_ASSET:
                data = record["resource"].get("data", {})
                number = str(data.get("projectNumber") or name.rsplit("/", 1)[-1]).split(".")[0]
                ids[f"projects/{number}"] = str(data.get("projectId") or number)
        # an export without project lines: the project id still shows in the assets' own names
        # (//compute.googleapis.com/projects/<id>/...), their project number in their ancestors
        for name, record in self.resources.items():
            ref = project_ref(record["ancestors"])
            if ref is None or ref in ids:
                continue
            found = _PROJECT_IN_NAME.search(name)
            if found is not None and not found.group(1).isdigit():
                ids[ref] = found.group(1)
        return ids

    def _changed_projects(self, project_ids: Mapping[str, str]) -> dict[str, str]:
        """projects/N -> why it changed during the scan."""
        changed: dict[str, str] = {}
        if "resourcemanager" in self.group_failures or self.export is not None:
            return changed  # an export file is one snapshot: nothing in it changed mid-scan
        seen = set(project_ids)
        if self.iam_failure is None:
            with_iam = {
                n.removeprefix(CRM_PREFIX)
                for n in self.iam
                if n.startswith(CRM_PREFIX + "projects/")
            }
            for ref in sorted(with_iam - seen):
                changed[ref] = "its IAM policy was listed but the project itself was not"
            for ref in sorted(seen - with_iam):
                changed[ref] = "the project was listed but its IAM policy was not"
        if self.census is not None:
            for ref in sorted(seen - self.census):
                changed.setdefault(
                    ref, "the project was gone from the listing at the end of the scan"
                )
        return changed

    def _account(self, ancestors: list[str], project_ids: Mapping[str, str], name: str) -> str:
        ref = project_ref(ancestors)
        if ref is not None:
            return project_ids.get(ref, ref)
        if name.startswith(CRM_PREFIX):
            return name.removeprefix(CRM_PREFIX)
        return ancestors[0] if ancestors else self.scope

    def _gap(self, failure: Failure, fields: tuple[str, ...] = ("*",)) -> Gap:
        return Gap(
            operation=failure.operation,
            error_code=failure.error_code,
            message=failure.message,
            fields=fields,
        )

    def _build(
        self, name: str, record: Mapping[str, Any], project_ids: Mapping[str, str]
    ) -> GcpResource:
        kind = ASSET_KINDS[record["assetType"]]
        resource = record["resource"]
        data = resource.get("data") or {}
        ancestors: list[str] = record["ancestors"]
        location = resource.get("location")
        base: dict[str, Any] = {
            "id": name,
            "name": name.rsplit("/", 1)[-1],
            "account": self._account(ancestors, project_ids, name),
            "region": None if location in (None, "", "global") else str(location),
            "tags": _labels(data),
            "ancestors": ancestors,
        }
        model = kind.build(data, base)
        if kind.has_iam_policy:
            if self.iam_failure is not None:
                model.gaps.append(self._gap(self.iam_failure, IAM_FIELDS))
            elif name in self.iam:
                policy = self.iam[name]["policy"]
                if hasattr(model, "iam_bindings"):
                    model.iam_bindings = iam_bindings(policy)
                if hasattr(model, "audit_configs"):
                    model.audit_configs = audit_configs(policy)
            elif self.export is not None:
                model.gaps.append(
                    Gap(
                        operation=export_command("iam-policy", record["assetType"]),
                        error_code="NotInExportFile",
                        message=f"{self.export} holds no IAM_POLICY line for {name}: add its "
                        f"IAM policy to the export (--content-type=iam-policy, asset type "
                        f"{record['assetType']})",
                        fields=IAM_FIELDS,
                    )
                )
            else:
                model.gaps.append(
                    Gap(
                        operation="cloudasset.ListAssets(IAM_POLICY)",
                        error_code="NotReturned",
                        message="the IAM_POLICY listing returned no policy for this asset; "
                        "its IAM bindings and audit configs are unknown",
                        fields=IAM_FIELDS,
                    )
                )
        return model

    def finish(self, sink: InventorySink) -> list[str]:
        """Emit everything into ``sink``; returns the project ids covered."""
        project_ids = self._project_ids()
        changed = self._changed_projects(project_ids)
        models: list[GcpResource] = []
        broken: list[ListingGap] = []
        for name, record in self.resources.items():
            try:
                model = self._build(name, record, project_ids)
            except (ValidationError, TypeError, ValueError, AttributeError) as exc:
                kind = ASSET_KINDS[record["assetType"]]
                broken.append(
                    ListingGap(
                        provider="gcp",
                        account=self._account(record["ancestors"], project_ids, name),
                        resource_type=kind.model.resource_type,
                        operation="cloudasset.ListAssets(RESOURCE)",
                        error_code="MalformedAsset",
                        message=f"an asset of type {record['assetType']} could not be read "
                        f"({type(exc).__name__})",
                    )
                )
                continue
            ref = project_ref(record["ancestors"])
            if record["assetType"] == PROJECT_ASSET and isinstance(model, Project):
                ref = model.path
            if ref in changed:
                model.gaps.append(
                    Gap(
                        operation="cloudasset.ListAssets",
                        error_code="ProjectChangedDuringScan",
                        message=f"{ref}: {changed[ref]}; deleted or access lost mid-scan",
                    )
                )
            models.append(model)
        if self.org_failure is None:
            for name, record in self.org_policies.items():
                attached = name.removeprefix(CRM_PREFIX)
                base = {
                    "id": name,
                    "name": attached,
                    "account": self._account(record["ancestors"], project_ids, name),
                    "region": None,
                    "tags": {},
                    "ancestors": record["ancestors"],
                }
                for policy in record["policies"]:
                    models.append(org_policy(base, attached, policy))

        models.sort(key=lambda m: (m.resource_type, m.id))
        for model in models:
            sink.add_resource(model)
        for gap in broken:
            sink.add_listing_gap(gap)
        self._emit_listing_state(sink, models, project_ids, changed)
        return sorted(pid for ref, pid in project_ids.items() if ref not in changed)

    def missing_nodes(self) -> dict[str, int]:
        """Hierarchy nodes that assets name as ancestors but that have no RESOURCE line in an
        export file: path -> how many records name it (empty for the API path, and when the
        resource-manager listing itself failed)."""
        if self.export is None or "resourcemanager" in self.group_failures:
            return {}
        present = {
            name.removeprefix(CRM_PREFIX)
            for name, record in self.resources.items()
            if record["assetType"] in {kind for kind, _ in NODE_KINDS.values()}
        }
        named: Counter[str] = Counter()
        for records in (self.resources, self.iam, self.org_policies):
            for record in records.values():
                for ancestor in record.get("ancestors", []):
                    if ancestor.split("/", 1)[0] in NODE_KINDS:
                        named[ancestor] += 1
        return {path: n for path, n in sorted(named.items()) if path not in present}

    def _emit_listing_state(
        self,
        sink: InventorySink,
        models: list[GcpResource],
        project_ids: Mapping[str, str],
        changed: Mapping[str, str],
    ) -> None:
        """Coverage where listings succeeded (per project and location, zero counts included),
        listing gaps where they failed or where a project changed during the scan."""
        places: Counter[tuple[str, str, str | None]] = Counter(
            (m.resource_type, m.account, m.region) for m in models
        )
        rm_failed = "resourcemanager" in self.group_failures
        live_projects = sorted(pid for ref, pid in project_ids.items() if ref not in changed)
        missing = self.missing_nodes()
        unlined = {NODE_KINDS[path.split("/", 1)[0]][1] for path in missing}
        for path, count in missing.items():
            asset_type, rtype = NODE_KINDS[path.split("/", 1)[0]]
            sink.add_listing_gap(
                ListingGap(
                    provider="gcp",
                    account=project_ids.get(path, path),
                    resource_type=rtype,
                    operation=export_command("resource", asset_type),
                    error_code="NotInExportFile",
                    message=f"{self.export} holds no RESOURCE line for {path}, which {count} "
                    f"line(s) name as an ancestor: add its resource line (asset type "
                    f"{asset_type}) and its IAM-policy line (--content-type=iam-policy) to the "
                    "export",
                )
            )

        def cover(rtype: str, in_projects: bool) -> None:
            seen = {(a, r): n for (t, a, r), n in places.items() if t == rtype}
            for (account, region), count in sorted(
                seen.items(), key=lambda i: (i[0][0], i[0][1] or "")
            ):
                sink.add_coverage(
                    Coverage(
                        provider="gcp",
                        account=account,
                        region=region,
                        resource_type=rtype,
                        count=count,
                    )
                )
            accounts = {a for a, _r in seen}
            if in_projects and not rm_failed:
                for pid in live_projects:
                    if pid not in accounts:
                        sink.add_coverage(
                            Coverage(provider="gcp", account=pid, resource_type=rtype, count=0)
                        )
            elif not seen and rtype not in unlined:
                # (a node type with lines missing from an export is a gap, not "none here")
                sink.add_coverage(
                    Coverage(provider="gcp", account=self.scope, resource_type=rtype, count=0)
                )

        for group in sorted({k.group for k in ASSET_KINDS.values()}):
            types = sorted(
                {k.model.resource_type for k in ASSET_KINDS.values() if k.group == group}
            )
            failure = self.group_failures.get(group)
            for rtype in types:
                if failure is not None:
                    sink.add_listing_gap(self._listing_gap(rtype, self.scope, failure))
                else:
                    cover(rtype, in_projects=group != "resourcemanager")
        policy_type = OrgPolicy.resource_type
        if self.org_failure is not None:
            sink.add_listing_gap(self._listing_gap(policy_type, self.scope, self.org_failure))
        else:
            cover(policy_type, in_projects=False)
        for ref, why in changed.items():
            account = project_ids.get(ref, ref)
            failure = Failure("cloudasset.ListAssets", "ProjectChangedDuringScan", f"{ref}: {why}")
            for kind in ASSET_KINDS.values():
                if kind.group != "resourcemanager":
                    sink.add_listing_gap(
                        self._listing_gap(kind.model.resource_type, account, failure)
                    )

    def _listing_gap(self, resource_type: str, account: str, failure: Failure) -> ListingGap:
        return ListingGap.of(failure, provider="gcp", account=account, resource_type=resource_type)


__all__ = ["IAM_FIELDS", "NODE_KINDS", "Assembler", "Failure", "export_command", "project_ref"]
