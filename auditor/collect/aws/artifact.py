"""AWS Artifact (global): agreements the account accepted, such as the Business Associate Addendum.

Calls: ``artifact:ListCustomerAgreements`` (in the run's home region).
"""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.artifact import ArtifactCustomerAgreement

TYPES: tuple[str, ...] = ("aws.artifact.customer_agreement",)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(TYPES, "artifact", "list_customer_agreements")
    if listed is None:
        return
    agreements = listed.get("customerAgreements", []) or []
    for item in agreements:
        ctx.emit(
            ArtifactCustomerAgreement(
                id=str(item.get("arn") or item.get("id")),
                name=item.get("name"),
                account=str(item.get("awsAccountId") or ctx.account),
                agreement_arn=item.get("agreementArn"),
                state=item.get("state"),
                agreement_type=item.get("type"),
                organization_arn=item.get("organizationArn"),
                effective_start=item.get("effectiveStart"),
                effective_end=item.get("effectiveEnd"),
            )
        )
    ctx.covered(TYPES[0], len(agreements))
