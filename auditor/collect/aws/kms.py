"""KMS keys with their spec, state, manager, aliases and rotation."""

from __future__ import annotations

from collections import defaultdict

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.kms import KmsKey

TYPES: tuple[str, ...] = (KmsKey.resource_type,)


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    listed = ctx.listing(TYPES, "kms", "list_keys")
    if listed is None:
        return
    alias_listing = ctx.listing(TYPES, "kms", "list_aliases")
    if alias_listing is None:
        return
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias in alias_listing.get("Aliases", []):
        if alias.get("TargetKeyId"):
            aliases[str(alias["TargetKeyId"])].append(str(alias["AliasName"]))
    keys = listed.get("Keys", [])
    for entry in keys:
        key_id = str(entry["KeyId"])
        key = KmsKey(
            id=str(entry.get("KeyArn") or ctx.arn("kms", f"key/{key_id}")),
            name=(sorted(aliases[key_id]) or [key_id])[0],
            account=ctx.account,
            region=ctx.region,
            key_id=key_id,
            aliases=sorted(aliases[key_id]),
        )
        described = ctx.read(
            "kms",
            "describe_key",
            fields=[
                "key_manager",
                "key_spec",
                "key_usage",
                "key_state",
                "enabled",
                "origin",
                "multi_region",
            ],
            gaps=key.gaps,
            KeyId=key_id,
        )
        if described is not None:
            meta = described.get("KeyMetadata", {})
            key.key_manager = meta.get("KeyManager")
            key.key_spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
            key.key_usage = meta.get("KeyUsage")
            key.key_state = meta.get("KeyState")
            key.enabled = meta.get("Enabled")
            key.origin = meta.get("Origin")
            key.multi_region = meta.get("MultiRegion")
        # rotation exists only for symmetric keys with AWS-made material in an enabled state
        if (
            key.key_spec == "SYMMETRIC_DEFAULT"
            and key.origin in (None, "AWS_KMS")
            and key.key_state != "PendingDeletion"
        ):
            rotation = ctx.read(
                "kms",
                "get_key_rotation_status",
                fields=["rotation_enabled", "rotation_period_days"],
                gaps=key.gaps,
                KeyId=key_id,
            )
            if rotation is not None:
                key.rotation_enabled = rotation.get("KeyRotationEnabled")
                key.rotation_period_days = rotation.get("RotationPeriodInDays")
        sink.add_resource(key)
    ctx.covered(KmsKey.resource_type, len(keys))
