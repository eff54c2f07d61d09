"""Google Workspace / Cloud Identity users, read through the Admin SDK Directory API.

Not in Cloud Asset Inventory: ``GET admin/directory/v1/users?customer=...&projection=full``
(``admin.directory_v1 users.list``). Field names follow the ``User`` schema of the
``admin.directory_v1`` discovery document.
"""

from __future__ import annotations

from auditor.core.model.base import Resource
from auditor.core.model.gcp.common import GcpApiResource


class DirectoryUser(GcpApiResource):
    """One user account. ``account`` is the Workspace customer id the listing ran under."""

    resource_type = "gcp.directory.user"

    primary_email: str | None = None
    is_enrolled_in_2sv: bool | None = None
    is_enforced_in_2sv: bool | None = None
    suspended: bool | None = None
    archived: bool | None = None
    is_admin: bool | None = None
    is_delegated_admin: bool | None = None
    last_login_time: str | None = None


DIRECTORY_TYPES: tuple[type[Resource], ...] = (DirectoryUser,)

__all__ = ["DIRECTORY_TYPES", "DirectoryUser"]
