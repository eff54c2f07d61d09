"""AWS Artifact (global): agreements the account accepted, such as the Business Associate Addendum.

Calls: ``artifact:ListCustomerAgreements`` (in the run's home region).
"""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext, picked
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.artifact import ArtifactCustomerAgreement

TYPES: tuple[str, ...] = ("aws.artifact.customer_agreement",)

#: ArtifactCustomerAgreement fields read as ListCustomerAgreements reports them
_AGREEMENT_FIELDS = {
    "agreement_arn": "agreementArn",
    "state": "state",
    "agreement_type": "type",
    "organization_arn": "organizationArn",
    "effective_start": "effectiveStart",
    "effective_end": "effectiveEnd",
}


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
                **picked(item, _AGREEMENT_FIELDS),
            )
        )
    ctx.covered(TYPES[0], len(agreements))
