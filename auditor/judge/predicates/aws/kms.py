"""KMS keys and the stores that use them: joins YAML cannot express.

A store names its key as a key id, key ARN, alias name or alias ARN; :func:`find_key` resolves
any of these among the collected keys of the store's account and region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.core.model.aws.kms import KmsKey
from auditor.core.model.base import Resource
from auditor.judge.policy.paths import read
from auditor.judge.predicates.base import (
    GapError,
    Predicate,
    PredicateContext,
    Verdict,
    legacy_related,
)

KEY_TYPE = "aws.kms.key"
#: documented default when rotation is on and RotationPeriodInDays is not reported
DEFAULT_ROTATION_DAYS = 365


@dataclass(frozen=True)
class Store:
    """Where a store type names its key, and whether it uses KMS at all."""

    resource_type: str
    key_field: str
    uses_kms: Callable[[Resource], bool]
    reads: tuple[str, ...]


def _s3_uses_kms(r: Resource) -> bool:
    return read(r, "sse_algorithm") in ("aws:kms", "aws:kms:dsse")


def _encrypted(r: Resource) -> bool:
    return read(r, "encrypted") is True


def _rds_uses_kms(r: Resource) -> bool:
    return read(r, "storage_encrypted") is True and read(r, "storage_encryption_type") != "sse-rds"


def _ddb_uses_kms(r: Resource) -> bool:
    return bool(read(r, "sse_type") == "KMS")


STORES: tuple[Store, ...] = (
    Store(
        "aws.s3.bucket", "kms_master_key_id", _s3_uses_kms, ("sse_algorithm", "kms_master_key_id")
    ),
    Store("aws.ec2.volume", "kms_key_id", _encrypted, ("encrypted", "kms_key_id")),
    Store("aws.ec2.snapshot", "kms_key_id", _encrypted, ("encrypted", "kms_key_id")),
    Store(
        "aws.rds.db_instance",
        "kms_key_id",
        _rds_uses_kms,
        ("storage_encrypted", "storage_encryption_type", "kms_key_id"),
    ),
    Store(
        "aws.rds.db_cluster",
        "kms_key_id",
        _rds_uses_kms,
        ("storage_encrypted", "storage_encryption_type", "kms_key_id"),
    ),
    Store(
        "aws.dynamodb.table",
        "kms_master_key_arn",
        _ddb_uses_kms,
        ("sse_type", "kms_master_key_arn"),
    ),
    Store("aws.efs.file_system", "kms_key_id", _encrypted, ("encrypted", "kms_key_id")),
)
STORE_TYPES: tuple[str, ...] = tuple(s.resource_type for s in STORES)


def _parse_ref(
    ref: str, default_account: str, default_region: str | None
) -> tuple[str, str | None, str, str]:
    """(account, region, kind 'key'|'alias', name) for any way of naming a key."""
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        region, account, rest = parts[3], parts[4], parts[5]
        if rest.startswith("alias/"):
            return account, region, "alias", rest
        return account, region, "key", rest.removeprefix("key/")
    if ref.startswith("alias/"):
        return default_account, default_region, "alias", ref
    return default_account, default_region, "key", ref


def refers_to(ref: str, key: KmsKey, store_account: str, store_region: str | None) -> bool:
    account, region, kind, name = _parse_ref(ref, store_account, store_region)
    if account != key.account or (
        region is not None and key.region is not None and region != key.region
    ):
        return False
    if kind == "alias":
        return name in key.aliases
    return name in (key.key_id, key.id)


def find_key(ref: str, store: Resource, ctx: PredicateContext) -> KmsKey | str | None:
    """The key ``ref`` names; ``None`` when not among the collected keys; the account id
    (a string) when the key lives in another account."""
    account, region, _, _ = _parse_ref(ref, store.account, store.region)
    if account != store.account:
        return account
    for key in legacy_related(ctx, KEY_TYPE, account=account, region=region or store.region):
        if isinstance(key, KmsKey) and refers_to(ref, key, store.account, store.region):
            return key
    return None


def stores_using(key: KmsKey, ctx: PredicateContext) -> list[Resource]:
    users: list[Resource] = []
    for store in STORES:
        for resource in legacy_related(
            ctx, store.resource_type, account=key.account, region=key.region
        ):
            gap = next((resource.gap_for(p) for p in store.reads if resource.gap_for(p)), None)
            if gap is not None:
                raise GapError(gap, f"{store.resource_type} {resource.name or resource.id}")
            ref = read(resource, store.key_field)
            if (
                store.uses_kms(resource)
                and isinstance(ref, str)
                and refers_to(ref, key, resource.account, resource.region)
            ):
                users.append(resource)
    return users


def _names(resources: list[Resource]) -> list[str]:
    return sorted(r.name or r.id for r in resources)[:10]


def _key_quality(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, KmsKey)
    users = stores_using(resource, ctx)
    if not users:
        return Verdict.not_applicable(
            f"Key {resource.name} is not used by any collected data store."
        )
    evidence = {"used_by": _names(users)}
    problems = []
    if resource.key_spec != "SYMMETRIC_DEFAULT":
        problems.append(
            f"key spec {resource.key_spec or 'none'} is not SYMMETRIC_DEFAULT (AES-256-GCM)"
        )
    if resource.key_state != "Enabled":
        problems.append(f"key state is {resource.key_state or 'none'}, not Enabled")
    if problems:
        return Verdict.fail(
            f"Key {resource.name} used by {len(users)} store(s): " + "; ".join(problems) + ".",
            evidence,
        )
    return Verdict.passed(
        f"Key {resource.name} is an enabled SYMMETRIC_DEFAULT (AES-256-GCM) key.", evidence
    )


def _key_rotation(resource: Resource, ctx: PredicateContext) -> Verdict:
    assert isinstance(resource, KmsKey)
    users = stores_using(resource, ctx)
    if not users:
        return Verdict.not_applicable(
            f"Key {resource.name} is not used by any collected data store."
        )
    evidence = {"used_by": _names(users)}
    limit = int(ctx.params.get("key_rotation_max_days") or DEFAULT_ROTATION_DAYS)
    if resource.origin not in (None, "AWS_KMS"):
        return Verdict.manual(
            f"Key {resource.name} has {resource.origin} key material, which KMS cannot rotate; "
            "attach the record of its manual rotation.",
            evidence,
        )
    if resource.rotation_enabled is not True:
        return Verdict.fail(f"Key {resource.name} does not rotate automatically.", evidence)
    period = resource.rotation_period_days or DEFAULT_ROTATION_DAYS
    if period > limit:
        return Verdict.fail(
            f"Key {resource.name} rotates every {period} days; the BAA allows {limit}.", evidence
        )
    return Verdict.passed(
        f"Key {resource.name} rotates every {period} days.", evidence | {"period_days": period}
    )


def _store_cmk(store: Store) -> Callable[[Resource, PredicateContext], Verdict]:
    def check(resource: Resource, ctx: PredicateContext) -> Verdict:
        label = resource.name or resource.id
        if not store.uses_kms(resource):
            return Verdict.fail(
                f"{label} is not encrypted with a KMS key, so not with a customer-managed key."
            )
        ref = read(resource, store.key_field)
        if not isinstance(ref, str) or not ref:
            return Verdict.fail(f"{label} uses the AWS managed key (no key named).")
        key = find_key(ref, resource, ctx)
        if isinstance(key, str):
            return Verdict.manual(
                f"{label} uses a key in account {key}; verify there that it is customer managed.",
                {"key": ref},
            )
        if key is None:
            return Verdict.manual(
                f"{label} names key {ref}, which is not among the collected keys; verify it is customer managed.",
                {"key": ref},
            )
        gap = key.gap_for("key_manager")
        if gap is not None:
            raise GapError(gap, f"KMS key {key.name}")
        # AWS reserves the alias/aws/ prefix for its managed keys, whatever a service reports
        reserved = [a for a in key.aliases if a.startswith("alias/aws/")]
        if reserved:
            return Verdict.fail(f"{label} uses {reserved[0]}, an AWS managed key.", {"key": key.id})
        if key.key_manager != "CUSTOMER":
            return Verdict.fail(
                f"{label} uses {key.name}, a key managed by {key.key_manager or 'unknown'}.",
                {"key": key.id},
            )
        return Verdict.passed(f"{label} uses customer-managed key {key.name}.", {"key": key.id})

    return check


KMS_PREDICATES: dict[str, Predicate] = {
    "kms_store_key_is_aes256": Predicate(
        name="kms_store_key_is_aes256",
        resource_type=KEY_TYPE,
        reads=("key_spec", "key_state", "aliases", "key_id"),
        related=STORE_TYPES,
        fn=_key_quality,
        description="Keys used by data stores are enabled SYMMETRIC_DEFAULT (AES-256-GCM) keys",
    ),
    "kms_store_key_rotated": Predicate(
        name="kms_store_key_rotated",
        resource_type=KEY_TYPE,
        reads=("rotation_enabled", "rotation_period_days", "origin", "aliases", "key_id"),
        params=("key_rotation_max_days",),
        related=STORE_TYPES,
        fn=_key_rotation,
        description="Keys used by data stores rotate at least as often as promised",
    ),
}
for _store in STORES:
    _name = f"{_store.resource_type.split('.', 1)[1].replace('.', '_')}_uses_customer_managed_key"
    KMS_PREDICATES[_name] = Predicate(
        name=_name,
        resource_type=_store.resource_type,
        reads=_store.reads,
        related=(KEY_TYPE,),
        fn=_store_cmk(_store),
        description=f"{_store.resource_type} is encrypted with a customer-managed KMS key",
    )

__all__ = ["KMS_PREDICATES", "STORES", "find_key", "refers_to", "stores_using"]
