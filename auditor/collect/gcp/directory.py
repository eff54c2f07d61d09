"""Admin SDK Directory users: 2-Step Verification enrolment and enforcement per user.

``GET admin/directory/v1/users?customer=C&projection=full&maxResults=500`` (scope
``admin.directory.user.readonly``; a super admin, a delegated admin with user read rights, or a
service account with domain-wide delegation impersonating one). Optional: read only when
``gcp_sources`` names ``directory``.
"""

from __future__ import annotations

from typing import Any

from auditor.collect.base import CollectOptions
from auditor.collect.gcp.rest_source import (
    DIRECTORY_USER_SCOPE,
    SourceError,
    SourceSpec,
    Targets,
    as_extra_source,
    enabled,
    make_client,
    record_coverage,
    record_failure,
)
from auditor.core.inventory import InventorySink
from auditor.core.model.base import Gap
from auditor.core.model.gcp.directory import DirectoryUser
from auditor.core.progress import Progress

OPERATION = "admin.directory.users.list"
TYPES = (DirectoryUser.resource_type,)
DEFAULT_CUSTOMER = "my_customer"
HOW_TO_ENABLE = (
    "The Admin SDK Directory source (2-Step Verification per user) is not enabled. Enable it with "
    "--gcp-source directory [--gcp-directory-customer CUSTOMER_ID] and run as a Workspace or "
    "Cloud Identity admin, or as a service account with domain-wide delegation of "
    f"{DIRECTORY_USER_SCOPE} impersonating an admin (--gcp-directory-subject ADMIN_EMAIL)."
)

SOURCE = SourceSpec("directory", TYPES, OPERATION, HOW_TO_ENABLE)

#: Model field -> User field; the 2SV fields are required for the MFA policies.
_FLAGS = {
    "is_enrolled_in_2sv": "isEnrolledIn2Sv",
    "is_enforced_in_2sv": "isEnforcedIn2Sv",
    "suspended": "suspended",
    "archived": "archived",
    "is_admin": "isAdmin",
    "is_delegated_admin": "isDelegatedAdmin",
}
_REQUIRED = ("is_enrolled_in_2sv", "is_enforced_in_2sv")


def user_from_api(item: dict[str, Any], customer: str) -> DirectoryUser:
    """A :class:`DirectoryUser` from one ``users[]`` item; a missing 2SV field is a gap."""
    values: dict[str, Any] = {}
    gaps: list[Gap] = []
    for field, key in _FLAGS.items():
        raw = item.get(key)
        if isinstance(raw, bool):
            values[field] = raw
        elif field in _REQUIRED:
            gaps.append(
                Gap(
                    operation=OPERATION,
                    error_code="FieldMissing",
                    message=f"the Directory API answered without {key}",
                    fields=(field,),
                )
            )
    email = item.get("primaryEmail")
    return DirectoryUser(
        id=str(item.get("id") or email or "unknown"),
        name=str(email) if email else None,
        account=customer,
        primary_email=str(email) if email else None,
        last_login_time=item.get("lastLoginTime"),
        gaps=gaps,
        **values,
    )


def collect_directory(
    options: CollectOptions, sink: InventorySink, progress: Progress, targets: Targets
) -> None:
    customer = options.gcp_directory_customer or targets.directory_customer or DEFAULT_CUSTOMER
    if not enabled(options, SOURCE.name):
        SOURCE.not_configured(sink, customer)
        return
    task = progress.task("gcp directory users")
    count = 0
    try:
        client = make_client(
            options, "admin", scopes=(DIRECTORY_USER_SCOPE,), subject=options.gcp_directory_subject
        )
        for page in client.pages(
            "admin/directory/v1/users",
            OPERATION,
            "users",
            params={"customer": customer, "projection": "full"},
            page_size_param="maxResults",
        ):
            for item in page:
                sink.add_resource(user_from_api(item, customer))
                count += 1
            progress.advance(task, len(page))
    except SourceError as error:
        record_failure(sink, TYPES, customer, error)
        progress.done(task)
        return
    record_coverage(sink, DirectoryUser.resource_type, customer, count)
    progress.done(task)


EXTRA_SOURCE = as_extra_source(
    SOURCE,
    collect_directory,
    description="Admin SDK Directory users: 2-Step Verification enrolment and enforcement",
    permissions=(
        "admin.directory.user.readonly (OAuth scope, domain-wide delegation or an admin)",
    ),
)


__all__ = ["EXTRA_SOURCE", "HOW_TO_ENABLE", "collect_directory", "user_from_api"]
