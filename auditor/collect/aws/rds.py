"""RDS DB instances and DB clusters: storage encryption and the TLS parameters in force.

A parameter group lists only what it was asked for on some emulators and for some engine
versions; a TLS parameter the group does not report is looked up among the engine defaults of the
group's family (``DescribeEngineDefaultParameters`` / ``...ClusterParameters``), and ``sources``
records where each value came from. When the engine defaults cannot be read, the provider's
documented default (``policies/data/provider_defaults.yaml``, the table the Terraform mapper uses
too) stands in, cited in ``sources``; a parameter it does not document is a gap of its own.
"""

from __future__ import annotations

from typing import Any, TypeVar

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import AwsContext, key_value_tags, picked
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.rds import RdsDbCluster, RdsDbInstance, RdsTlsParameters
from auditor.core.model.base import Gap
from auditor.core.provider_defaults import documented_parameter, documented_source, family_of

TYPES: tuple[str, ...] = (RdsDbInstance.resource_type, RdsDbCluster.resource_type)

#: the fields RdsDbInstance and RdsDbCluster read alike from DescribeDBInstances/DBClusters
_STORE_FIELDS = {
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "storage_encrypted": "StorageEncrypted",
    "storage_encryption_type": "StorageEncryptionType",
    "kms_key_id": "KmsKeyId",
}

_FIELD_OF = {
    "rds.force_ssl": "force_ssl",
    "ssl_min_protocol_version": "ssl_min_protocol_version",
    "require_secure_transport": "require_secure_transport",
    "tls_version": "tls_version",
}


def tls_parameter_names(engine: str | None) -> tuple[str, ...]:
    """The parameters that govern TLS for an engine; () for engines configured elsewhere."""
    engine = (engine or "").lower()
    if engine in ("postgres", "aurora-postgresql"):
        return ("rds.force_ssl", "ssl_min_protocol_version")
    if engine in ("mysql", "mariadb", "aurora-mysql", "aurora"):
        return ("require_secure_transport", "tls_version")
    if engine.startswith("sqlserver"):
        return ("rds.force_ssl",)
    return ()


class _Parameters:
    """Resolves TLS parameters of groups, caching groups and engine defaults per region."""

    def __init__(self, ctx: AwsContext, cluster: bool) -> None:
        self.ctx = ctx
        self.cluster = cluster
        self._groups: dict[str, tuple[dict[str, dict[str, Any]] | None, CallFailed | None]] = {}
        self._defaults: dict[str, tuple[dict[str, dict[str, Any]], CallFailed | None]] = {}
        self._families: dict[str, str | None] = {}

    def _client(self) -> Any:
        return self.ctx.client("rds")

    def _group(self, name: str) -> tuple[dict[str, dict[str, Any]] | None, CallFailed | None]:
        if name not in self._groups:
            method, arg = (
                ("describe_db_cluster_parameters", "DBClusterParameterGroupName")
                if self.cluster
                else ("describe_db_parameters", "DBParameterGroupName")
            )
            try:
                found = call(self._client(), method, **{arg: name})
                self._groups[name] = (
                    {p["ParameterName"]: p for p in found.get("Parameters", [])},
                    None,
                )
            except CallFailed as failure:
                not_found = failure.error_code in (
                    "DBParameterGroupNotFound",
                    "DBParameterGroupNotFoundFault",
                )
                self._groups[name] = (None, None if not_found else failure)
        return self._groups[name]

    def _family(self, name: str) -> str | None:
        if name not in self._families:
            family: str | None = None
            method, arg, key, fam = (
                (
                    "describe_db_cluster_parameter_groups",
                    "DBClusterParameterGroupName",
                    "DBClusterParameterGroups",
                    "DBParameterGroupFamily",
                )
                if self.cluster
                else (
                    "describe_db_parameter_groups",
                    "DBParameterGroupName",
                    "DBParameterGroups",
                    "DBParameterGroupFamily",
                )
            )
            try:
                groups = call(self._client(), method, **{arg: name}).get(key, [])
                family = groups[0].get(fam) if groups else None
            except CallFailed:
                family = None
            if family is None and name.startswith("default."):
                family = name.removeprefix(
                    "default."
                )  # AWS names default groups after their family
            self._families[name] = family
        return self._families[name]

    def _engine_defaults(self, family: str) -> tuple[dict[str, dict[str, Any]], CallFailed | None]:
        if family not in self._defaults:
            method = (
                "describe_engine_default_cluster_parameters"
                if self.cluster
                else "describe_engine_default_parameters"
            )
            try:
                found = call(self._client(), method, DBParameterGroupFamily=family)
                params = found.get("EngineDefaults", {}).get("Parameters", [])
                self._defaults[family] = ({p["ParameterName"]: p for p in params}, None)
            except CallFailed as failure:
                self._defaults[family] = ({}, failure)
        return self._defaults[family]

    def resolve(
        self, group: str | None, engine: str | None, engine_version: str | None, gaps: list[Gap]
    ) -> RdsTlsParameters | None:
        wanted = tls_parameter_names(engine)
        if group is None:
            return RdsTlsParameters()
        result = RdsTlsParameters(parameter_group=group)
        if not wanted:
            return result
        listed, failure = self._group(group)
        if failure is not None:
            gaps.append(failure.gap(["tls_parameters"]))
            return None
        listed = listed or {}
        missing = [name for name in wanted if name not in listed]
        defaults: dict[str, dict[str, Any]] = {}
        # why the engine defaults are not known: each parameter they would have given is then
        # the provider's documented default (policies/data/provider_defaults.yaml) or a gap of
        # its own, so what the group itself says is still judged
        unread: Gap | None = None
        if missing:
            result.family = self._family(group) or family_of(engine, engine_version)
            if result.family is None:
                unread = Gap(
                    operation="rds:DescribeDBParameterGroups",
                    error_code="FamilyUnknown",
                    message="parameter group family could not be read",
                )
            else:
                defaults, failure = self._engine_defaults(result.family)
                unread = failure.gap([]) if failure is not None else None
        for name in wanted:
            field = _FIELD_OF[name]
            param = listed.get(name) or defaults.get(name)
            if param is not None:
                setattr(result, field, param.get("ParameterValue"))
                result.sources[name] = str(
                    param.get("Source") or ("engine-default" if name in defaults else "user")
                )
            elif unread is not None:
                documented = documented_parameter(engine, engine_version, result.family, name)
                if documented is not None:
                    setattr(result, field, documented.value)
                    result.sources[name] = documented_source(documented, result.family)
                else:
                    gaps.append(unread.model_copy(update={"fields": (f"tls_parameters.{field}",)}))
        return result


_Store = TypeVar("_Store", RdsDbInstance, RdsDbCluster)


def _store(
    ctx: AwsContext, model: type[_Store], raw: dict[str, Any], kind: str, **fields: Any
) -> _Store:
    """An instance or a cluster (``kind``: ``DBInstance`` or ``DBCluster``, as the API names its
    keys): name, ARN, tags, engine and storage encryption are read alike for both."""
    name = raw[f"{kind}Identifier"]
    arn_kind = "db" if kind == "DBInstance" else "cluster"
    return model(
        id=str(raw.get(f"{kind}Arn") or ctx.arn("rds", f"{arn_kind}:{name}")),
        name=name,
        account=ctx.account,
        region=ctx.region,
        tags=key_value_tags(raw.get("TagList")),
        **picked(raw, _STORE_FIELDS),
        **fields,
    )


def _instances(ctx: AwsContext, sink: InventorySink) -> None:
    items = ctx.items(RdsDbInstance.resource_type, "rds", "describe_db_instances", "DBInstances")
    resolver = _Parameters(ctx, cluster=False)
    for raw in items:
        instance = _store(
            ctx,
            RdsDbInstance,
            raw,
            "DBInstance",
            db_cluster_identifier=raw.get("DBClusterIdentifier"),
        )
        if instance.db_cluster_identifier is None:
            groups = raw.get("DBParameterGroups") or []
            group = groups[0].get("DBParameterGroupName") if groups else None
            instance.tls_parameters = resolver.resolve(
                group, instance.engine, instance.engine_version, instance.gaps
            )
        sink.add_resource(instance)
    ctx.covered(RdsDbInstance.resource_type, len(items))


def _clusters(ctx: AwsContext, sink: InventorySink) -> None:
    items = ctx.items(RdsDbCluster.resource_type, "rds", "describe_db_clusters", "DBClusters")
    resolver = _Parameters(ctx, cluster=True)
    for raw in items:
        cluster = _store(ctx, RdsDbCluster, raw, "DBCluster")
        cluster.tls_parameters = resolver.resolve(
            raw.get("DBClusterParameterGroup"), cluster.engine, cluster.engine_version, cluster.gaps
        )
        sink.add_resource(cluster)
    ctx.covered(RdsDbCluster.resource_type, len(items))


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    _instances(ctx, sink)
    _clusters(ctx, sink)
