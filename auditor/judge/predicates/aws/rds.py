"""Whether an RDS database refuses connections without TLS, and below the promised version.

The parameters differ by engine (PostgreSQL: rds.force_ssl, ssl_min_protocol_version; MySQL and
MariaDB: require_secure_transport, tls_version; SQL Server: rds.force_ssl); Oracle and Db2 set
TLS in option groups, which a parameter check cannot see.
"""

from __future__ import annotations

from auditor.core.model.aws.rds import RdsTlsParameters
from auditor.core.model.base import Resource
from auditor.judge.predicates.aws.tls import label, promised, version_number
from auditor.judge.predicates.base import Predicate, PredicateContext, Verdict

_ON = ("1", "on", "true")


def _family(engine: str) -> str:
    engine = engine.lower()
    if engine in ("postgres", "aurora-postgresql"):
        return "postgres"
    if engine in ("mysql", "mariadb", "aurora-mysql", "aurora"):
        return "mysql"
    if engine.startswith("sqlserver"):
        return "sqlserver"
    return "other"


def _requires_tls(resource: Resource, ctx: PredicateContext) -> Verdict:
    engine = str(getattr(resource, "engine", None) or "")
    params = getattr(resource, "tls_parameters", None) or RdsTlsParameters()
    want = promised(ctx.params.get("min_tls_version"))
    group = params.parameter_group or "none"
    evidence = {"parameter_group": group, "sources": params.sources}
    family = _family(engine)
    if family == "other":
        return Verdict.manual(
            f"{resource.name} runs {engine or 'an unknown engine'}, whose TLS is set in an option group; "
            "attach the option group's SSL settings.",
            evidence,
        )
    if family in ("postgres", "sqlserver"):
        if str(params.force_ssl or "").lower() not in _ON:
            return Verdict.fail(
                f"{resource.name} ({engine}) accepts connections without TLS: rds.force_ssl={params.force_ssl} "
                f"in {group}.",
                evidence,
            )
        if family == "sqlserver":
            return Verdict.manual(
                f"{resource.name} requires TLS (rds.force_ssl=1); SQL Server's minimum TLS version is set by "
                "rds.tls10/rds.tls11 and the host; attach a TLS scan of the endpoint.",
                evidence,
            )
        floor = version_number(params.ssl_min_protocol_version)
    else:
        if str(params.require_secure_transport or "").lower() not in _ON:
            return Verdict.fail(
                f"{resource.name} ({engine}) accepts connections without TLS: "
                f"require_secure_transport={params.require_secure_transport} in {group}.",
                evidence,
            )
        versions = [version_number(v) for v in (params.tls_version or "").split(",") if v.strip()]
        known = [v for v in versions if v is not None]
        if not known:
            return Verdict.manual(
                f"{resource.name} requires TLS, but this engine version reports no tls_version parameter; "
                "attach a TLS scan of the endpoint showing the versions it accepts.",
                evidence,
            )
        floor = min(known)
    if want is None:
        return Verdict.passed(f"{resource.name} requires TLS.", evidence)
    if floor is None:
        return Verdict.fail(
            f"{resource.name} requires TLS but sets no minimum TLS version; the BAA promises {label(want)}.",
            evidence,
        )
    if floor < want:
        return Verdict.fail(
            f"{resource.name} requires TLS but accepts {label(floor)}; the BAA promises {label(want)}.",
            evidence,
        )
    return Verdict.passed(f"{resource.name} requires {label(floor)} or newer.", evidence)


def _predicate(name: str, resource_type: str) -> Predicate:
    return Predicate(
        name=name,
        resource_type=resource_type,
        reads=("engine", "tls_parameters"),
        params=("min_tls_version",),
        fn=_requires_tls,
        description="Database parameters refuse connections without TLS and below the promised version",
    )


RDS_PREDICATES: dict[str, Predicate] = {
    "rds_instance_requires_tls": _predicate("rds_instance_requires_tls", "aws.rds.db_instance"),
    "rds_cluster_requires_tls": _predicate("rds_cluster_requires_tls", "aws.rds.db_cluster"),
}

__all__ = ["RDS_PREDICATES"]
