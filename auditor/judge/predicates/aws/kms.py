"""KMS keys used by data stores: AES-256 and enabled, and rotated as often as promised.

Why Python: these policies judge a key only when some data store uses it, and "some store uses
this key" is a reverse join across seven store types (S3 buckets, EBS volumes and snapshots, RDS
instances and clusters, DynamoDB tables, EFS file systems), each naming its key in its own field
and in any of four ways (key id, key ARN, alias name, alias ARN), each using KMS only under its
own condition. The condition language joins from a resource to what it names; it does not search
every other type for what names the resource. The stores that name a key in the same account and
region are indexed once per run, so the walk stays linear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.core.model.aws.kms import KmsKey
from auditor.core.model.base import Resource
from auditor.judge.policy.paths import read
from auditor.judge.policy.related import arn_place, normalize_ref, not_listed
from auditor.judge.policy.truth import Missing, Truth, all_of, known, unknown
from auditor.judge.predicates.base import PredicateContext, Verdict, predicate, registry

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
_MEMO = "aws.kms.key-users"
_MEMO_USING = "aws.kms.stores-using"


@dataclass
class _Users:
    """Stores by the key they name, and stores whose key could not be read, per place."""

    by_ref: dict[tuple[str, str], list[tuple[str | None, Resource]]] = field(default_factory=dict)
    unread: dict[tuple[str, str | None], list[Missing]] = field(default_factory=dict)


def _place_key(account: str, region: str | None, ref: str) -> tuple[str, str | None, str]:
    """Where a reference points: an ARN names its own account and region."""
    ref = normalize_ref(ref)
    arn = arn_place(ref)
    if arn is not None:
        acct, reg, part = arn
        return acct, reg, part.removeprefix("key/")
    return account, region, ref.removeprefix("key/")


def _index(ctx: PredicateContext) -> _Users:
    users = ctx.memo.get(_MEMO)
    if isinstance(users, _Users):
        return users
    users = _Users()
    for store in STORES:
        for resource in ctx.index.all_of_type(store.resource_type):
            unread = ctx.unread(resource, store.reads)
            if unread:
                users.unread.setdefault((resource.account, resource.region), []).extend(unread)
                continue
            ref = read(resource, store.key_field)
            if store.uses_kms(resource) and isinstance(ref, str) and ref:
                account, region, name = _place_key(resource.account, resource.region, ref)
                users.by_ref.setdefault((account, name), []).append((region, resource))
    ctx.memo[_MEMO] = users
    return users


def stores_using(key: KmsKey, ctx: PredicateContext) -> tuple[list[Resource], Truth]:
    """The stores known to use ``key``, and whether it is used at all (three-valued: unknown
    when no store is known to use it but some store or listing there could not be read).

    Worked out once per key and run (both key policies ask it); the key is kept beside the
    answer so that its identity cannot be reused while the memo lives."""
    memo_key = (_MEMO_USING, id(key))
    seen = ctx.memo.get(memo_key)
    if seen is not None and seen[0] is key:
        return seen[1], seen[2]
    found, used = _stores_using(key, ctx)
    ctx.memo[memo_key] = (key, found, used)
    return found, used


def _stores_using(key: KmsKey, ctx: PredicateContext) -> tuple[list[Resource], Truth]:
    users = _index(ctx)
    names = {key.key_id or "", *key.aliases, _place_key(key.account, key.region, key.id)[2]}
    found: list[Resource] = []
    seen: set[int] = set()  # by identity: one key may serve a hundred thousand stores
    for name in names:
        for region, user in users.by_ref.get((key.account, name), []):
            same_region = region is None or key.region is None or region == key.region
            if same_region and id(user) not in seen:
                seen.add(id(user))
                found.append(user)
    if found:
        return found, known(True)
    missing = list(users.unread.get((key.account, key.region), []))
    missing.extend(ctx.unread(key, ("key_id", "aliases")))
    for kind in STORES:
        rtype = kind.resource_type
        failed = ctx.index.listing_gaps(rtype, key.account, key.region)
        missing.extend(failed)
        if not failed and not ctx.index.listed(rtype, key.account, key.region):
            missing.append(not_listed(rtype, key.account, key.region))
    return [], unknown(*missing) if missing else known(False)


def _names(resources: list[Resource]) -> list[str]:
    return sorted(r.name or r.id for r in resources)[:10]


@predicate(KEY_TYPE, reads=("key_spec", "key_state", "aliases", "key_id"), related=STORE_TYPES)
def kms_store_key_is_aes256(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Keys used by data stores are enabled SYMMETRIC_DEFAULT (AES-256-GCM) keys

    Applies to keys some store uses; holds when the key is an enabled SYMMETRIC_DEFAULT
    (AES-256-GCM) key."""
    assert isinstance(resource, KmsKey)
    users, used = stores_using(resource, ctx)
    evidence = {"used_by": _names(users)}
    if used.is_false:
        return Verdict.not_applicable(
            f"Key {resource.name} is not used by any collected data store.", evidence
        )
    spec = ctx.check(resource, "key_spec", lambda v: v == "SYMMETRIC_DEFAULT")
    state = ctx.check(resource, "key_state", lambda v: v == "Enabled")
    holds = all_of([spec, state])
    if used.is_unknown:
        return Verdict.unknown((*holds.gaps, *used.gaps), evidence=evidence)
    if holds.is_unknown:
        return Verdict.unknown(holds.gaps, evidence=evidence)
    if holds.is_false:
        problems = []
        if spec.is_false:
            problems.append(
                f"key spec {resource.key_spec or 'none'} is not SYMMETRIC_DEFAULT (AES-256-GCM)"
            )
        if state.is_false:
            problems.append(f"key state is {resource.key_state or 'none'}, not Enabled")
        return Verdict.fail(
            f"Key {resource.name} used by {len(users)} store(s): " + "; ".join(problems) + ".",
            evidence,
            holds.gaps,
        )
    return Verdict.passed(
        f"Key {resource.name} is an enabled SYMMETRIC_DEFAULT (AES-256-GCM) key.", evidence
    )


@predicate(
    KEY_TYPE,
    reads=("rotation_enabled", "rotation_period_days", "origin", "aliases", "key_id"),
    params=("key_rotation_max_days",),
    related=STORE_TYPES,
)
def kms_store_key_rotated(resource: Resource, ctx: PredicateContext) -> Verdict:
    """Keys used by data stores rotate at least as often as promised

    Applies to keys some store uses. Key material KMS cannot rotate (imported, custom key
    store) is MANUAL; otherwise automatic rotation must be on, at most every promised days."""
    assert isinstance(resource, KmsKey)
    users, used = stores_using(resource, ctx)
    evidence: dict[str, object] = {"used_by": _names(users)}
    if used.is_false:
        return Verdict.not_applicable(
            f"Key {resource.name} is not used by any collected data store.", evidence
        )
    own = ctx.unread(resource, ("origin", "rotation_enabled", "rotation_period_days"))
    if used.is_unknown:
        return Verdict.unknown((*own, *used.gaps), evidence=evidence)
    limit = int(ctx.params.get("key_rotation_max_days") or DEFAULT_ROTATION_DAYS)
    unread = ctx.unread(resource, ("origin", "rotation_enabled", "rotation_period_days"))
    origin_unread = ctx.unread(resource, ("origin",))
    if origin_unread:
        return Verdict.unknown(origin_unread, evidence=evidence)
    if resource.origin not in (None, "AWS_KMS"):
        return Verdict.manual(
            f"Key {resource.name} has {resource.origin} key material, which KMS cannot rotate; "
            "attach the record of its manual rotation.",
            evidence,
        )
    if ctx.unread(resource, ("rotation_enabled",)):
        return Verdict.unknown(unread, evidence=evidence)
    if resource.rotation_enabled is not True:
        return Verdict.fail(f"Key {resource.name} does not rotate automatically.", evidence, unread)
    if unread:
        return Verdict.unknown(unread, evidence=evidence)
    period = resource.rotation_period_days or DEFAULT_ROTATION_DAYS
    if period > limit:
        return Verdict.fail(
            f"Key {resource.name} rotates every {period} days; the BAA allows {limit}.", evidence
        )
    return Verdict.passed(
        f"Key {resource.name} rotates every {period} days.", evidence | {"period_days": period}
    )


KMS_PREDICATES = registry(
    kms_store_key_is_aes256,
    kms_store_key_rotated,
)

__all__ = ["KMS_PREDICATES", "STORES", "stores_using"]
