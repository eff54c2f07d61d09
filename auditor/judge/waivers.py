"""Waivers: accepted risk with a reason, an approver, an expiry and a resource pattern.

A waiver turns a matching FAIL into WAIVED while it is in force. An expired waiver turns back into
FAIL, and the run carries a warning. Waived findings stay visible in every report.
"""

from __future__ import annotations

import fnmatch
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.core.errors import InputError, ValidationFailed
from auditor.core.fileio import sha256_file
from auditor.core.result import WaiverRef
from auditor.core.validation import problems_from
from auditor.core.yamlio import YamlError, plain, read_yaml


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    policy: str = Field(min_length=1, description="policy id, or a glob such as AWS-ELB-*")
    resource: str = Field(default="*", description="glob over the resource id (ARN, resource name)")
    account: str = Field(default="*", description="glob over the account or project")
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: date

    def matches(self, policy_id: str, resource_id: str, account: str) -> bool:
        return (
            fnmatch.fnmatchcase(policy_id, self.policy)
            and fnmatch.fnmatchcase(resource_id, self.resource)
            and fnmatch.fnmatchcase(account, self.account)
        )

    def expired_on(self, today: date) -> bool:
        return today > self.expires

    def ref(self, today: date) -> WaiverRef:
        return WaiverRef(
            id=self.id,
            reason=self.reason,
            approver=self.approver,
            expires=self.expires,
            policy=self.policy,
            resource=self.resource,
            expired=self.expired_on(today),
        )


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(path: Path) -> tuple[list[Waiver], str]:
    """Load a waivers file; returns the waivers and the file's SHA-256."""
    if not path.is_file():
        raise InputError("waivers file not found", file=path)
    try:
        node = read_yaml(path)
    except YamlError as exc:
        raise InputError(exc.message, file=path, line=exc.line) from None
    if node is None:
        return [], sha256_file(path)
    try:
        parsed = WaiverFile.model_validate(plain(node))
    except ValidationError as exc:
        raise ValidationFailed(problems_from(exc, path, node)) from None
    ids = [w.id for w in parsed.waivers]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"duplicate waiver ids: {', '.join(dupes)}", file=path)
    return parsed.waivers, sha256_file(path)


__all__ = ["Waiver", "WaiverFile", "load_waivers"]
