"""Identity-Aware Proxy settings: the reauthentication policy of IAP-protected apps.

Not in Cloud Asset Inventory: ``GET v1/{name}:iapSettings`` (``iap.v1 getIapSettings``) for names
such as ``projects/NUMBER/iap_web`` or ``projects/NUMBER/iap_web/compute/services/ID``. Field
names follow the ``IapSettings``, ``AccessSettings`` and ``ReauthSettings`` schemas.
"""

from __future__ import annotations

from auditor.core.model.base import Resource
from auditor.core.model.gcp.common import GcpApiResource


class IapSettings(GcpApiResource):
    """The IAP settings of one resource. ``id`` is the settings name; ``account`` the project."""

    resource_type = "gcp.iap.settings"

    reauth_max_age_seconds: int | None = None
    reauth_method: str | None = None
    reauth_policy_type: str | None = None


IAP_TYPES: tuple[type[Resource], ...] = (IapSettings,)

__all__ = ["IAP_TYPES", "IapSettings"]
