"""Encryption at rest of the PHI stores: customer-managed keys, or Google's default encryption.

When the profile promises customer-managed keys, a store on Google-managed keys FAILs.

Google encrypts all customer content at rest with AES-256 by default; that is Google's
documented statement, not something a control plane shows. So a store with a customer-managed
(or customer-supplied) key passes (the key's algorithm and rotation are judged on the key
itself), and a store on Google-managed keys is MANUAL with the documentation to attach.
"""

from __future__ import annotations

from auditor.core.model.base import Resource
from auditor.judge.predicates.base import Predicate, PredicateContext, PredicateFn, Verdict

GOOGLE_DEFAULT_EVIDENCE = (
    "Google-managed encryption: attach Google's 'Default encryption at rest' documentation "
    "(AES-256) dated for the audit period."
)

#: resource type -> the field holding the customer-managed key
STORE_KEY_FIELDS: dict[str, str] = {
    "gcp.sql.instance": "kms_key_name",
    "gcp.storage.bucket": "default_kms_key_name",
    "gcp.bigquery.dataset": "default_kms_key_name",
    "gcp.compute.disk": "kms_key_name",
    "gcp.alloydb.cluster": "kms_key_name",
}


def _store_encryption(key_field: str) -> PredicateFn:
    def check(resource: Resource, ctx: PredicateContext) -> Verdict:
        key = getattr(resource, key_field, None)
        if key:
            return Verdict.passed(
                f"Encrypted at rest with customer-managed key {key}.", {key_field: key}
            )
        if getattr(resource, "customer_supplied_key", False):
            return Verdict.passed(
                "Encrypted at rest with a customer-supplied AES-256 key (CSEK).",
                {"customer_supplied_key": True},
            )
        if ctx.params.get("customer_managed_keys"):
            return Verdict.fail(
                "Encrypted at rest by Google-managed keys; the BAA promises customer-managed keys.",
                {key_field: None, "customer_managed_keys_promised": True},
            )
        return Verdict.manual(
            "Encrypted at rest by Google-managed keys (Google's default, documented as AES-256); "
            "the algorithm is not observable from the control plane.",
            {key_field: None},
        )

    return check


def _name(rtype: str) -> str:
    return "gcp_" + rtype.removeprefix("gcp.").replace(".", "_") + "_encryption_at_rest"


ENCRYPTION_PREDICATES: dict[str, Predicate] = {
    _name(rtype): Predicate(
        name=_name(rtype),
        resource_type=rtype,
        reads=(key_field, "customer_supplied_key") if rtype == "gcp.compute.disk" else (key_field,),
        params=("customer_managed_keys",),
        fn=_store_encryption(key_field),
        description="Customer-managed key, or Google default encryption (MANUAL)",
    )
    for rtype, key_field in STORE_KEY_FIELDS.items()
}

__all__ = ["ENCRYPTION_PREDICATES", "GOOGLE_DEFAULT_EVIDENCE", "STORE_KEY_FIELDS"]
