"""The AWS collector: one account, every enabled region (or those asked for), global services once.

Credentials and endpoints come from boto3's standard chain (``options.aws_profile`` picks a named
profile; ``AWS_ENDPOINT_URL`` points every client at an emulator, honoured by boto3 itself).
Retries are botocore's ``standard`` mode (``AWS_RETRY_MODE=adaptive`` switches to client-side
rate limiting) with ``AWS_MAX_ATTEMPTS`` honoured when set. ``BAA_AUDIT_AWS_READ_TIMEOUT`` and
``BAA_AUDIT_AWS_CONNECT_TIMEOUT`` (seconds) bound each HTTP request.

Tests and the benchmark may pass ``options.client_factory``: a callable
``(service, region, config) -> boto3 client`` used instead of the session's own ``client()``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from auditor.collect.aws.calls import DENIED_CODES, CallFailed, call, cause
from auditor.collect.aws.context import AwsContext, ClientCache, LockedSink
from auditor.collect.aws.services import SERVICE_COLLECTORS, ServiceCollector
from auditor.collect.base import CollectOptions
from auditor.core.errors import CollectionError
from auditor.core.inventory import InventorySink
from auditor.core.progress import Progress
from auditor.core.scope import Scope

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise CollectionError(f"{name} must be a number of seconds, not {raw!r}") from None


def botocore_config(workers: int) -> Any:
    """Retries (standard or adaptive), timeouts and a connection pool sized to the workers."""
    from botocore.config import Config

    mode = os.environ.get("AWS_RETRY_MODE", "standard")
    if mode not in ("standard", "adaptive"):
        mode = "standard"
    retries: dict[str, Any] = {"mode": mode}
    if not os.environ.get("AWS_MAX_ATTEMPTS"):
        retries["max_attempts"] = DEFAULT_MAX_ATTEMPTS  # else botocore reads the variable itself
    return Config(
        retries=retries,
        read_timeout=_float_env("BAA_AUDIT_AWS_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
        connect_timeout=_float_env("BAA_AUDIT_AWS_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
        max_pool_connections=max(10, workers * 2),
        user_agent_extra="baa-audit",
    )


def _client_maker(options: CollectOptions, config: Any) -> Callable[[str, str], Any]:
    factory = options.client_factory
    if factory is not None:
        return lambda service, region: factory(service, region, config)
    import boto3

    try:
        session = boto3.Session(profile_name=options.aws_profile)
    except Exception as exc:  # botocore ProfileNotFound and friends
        raise CollectionError(
            f"cannot open AWS profile {options.aws_profile!r}: {type(exc).__name__}"
        ) from None
    return lambda service, region: session.client(service, region_name=region, config=config)


def _home_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _identity(clients: ClientCache, home: str) -> tuple[str, str]:
    try:
        ident = call(clients.get("sts", home), "get_caller_identity")
    except CallFailed as failure:
        raise CollectionError(f"cannot identify the AWS account: {cause(failure)}") from None
    except Exception as exc:  # NoCredentialsError is raised before any request is made
        if type(exc).__name__ == "NoCredentialsError":
            raise CollectionError(
                "cannot identify the AWS account: no AWS credentials found (set them in the "
                "environment or ~/.aws, or name a profile with --aws-profile)"
            ) from None
        raise CollectionError(f"cannot identify the AWS account: {type(exc).__name__}") from None
    arn = str(ident.get("Arn", ""))
    partition = arn.split(":")[1] if arn.count(":") >= 2 else "aws"
    return str(ident["Account"]), partition or "aws"


def _regions(clients: ClientCache, home: str, wanted: list[str] | None) -> list[str]:
    """Enabled regions (opt-in regions not opted in are left out), narrowed to ``wanted``."""
    try:
        found = call(clients.get("ec2", home), "describe_regions")
    except CallFailed as failure:
        if wanted:
            return sorted(set(wanted))
        hint = "; or name the regions with --regions" if failure.error_code in DENIED_CODES else ""
        raise CollectionError(f"cannot list enabled regions: {cause(failure)}{hint}") from None
    enabled = sorted(
        r["RegionName"]
        for r in found.get("Regions", [])
        if r.get("OptInStatus", "opt-in-not-required") in ("opt-in-not-required", "opted-in")
    )
    if not wanted:
        return enabled
    unknown = sorted(set(wanted) - set(enabled))
    if unknown:
        raise CollectionError(f"regions not enabled in this account: {', '.join(unknown)}")
    return sorted(set(wanted))


def _run_one(name: str, entry: ServiceCollector, ctx: AwsContext) -> None:
    try:
        entry.fn(ctx, ctx.sink)
    except CallFailed as failure:  # a collector let a failure escape: the whole listing is unknown
        ctx.listing_failed(entry.resource_types, failure)
    except Exception as exc:  # a bug must not end the scan, nor pass for "nothing there"
        ctx.listing_failed(
            entry.resource_types,
            CallFailed(f"{name}:collector", type(exc).__name__, "collector failed; see logs"),
        )


def collect_aws(options: CollectOptions, sink: InventorySink, progress: Progress) -> Scope:
    """Collect one AWS account into ``sink`` and return the scope covered."""
    config = botocore_config(options.workers)
    clients = ClientCache(_client_maker(options, config))
    home = _home_region()
    account, partition = _identity(clients, home)
    all_regions = _regions(clients, home, options.regions)
    regions = all_regions
    run_global = True
    if options.shard is not None:
        # regional services: every Nth region; the account-wide services (which also walk the
        # regions: S3 placement, CloudTrail, service usage) and log sampling: shard 1, over all
        k, n = options.shard
        regions = all_regions[k - 1 :: n]
        run_global = k == 1

    locked = LockedSink(sink)
    registry = SERVICE_COLLECTORS

    def context(region: str | None) -> AwsContext:
        return AwsContext(
            account=account,
            region=region,
            partition=partition,
            home_region=home,
            params=options.params,
            clients=clients,
            sink=locked,
            regions=tuple(all_regions if region is None else regions),
        )

    jobs: list[tuple[str, ServiceCollector, str | None]] = []
    for name, entry in registry.items():
        if entry.global_:
            if run_global:
                jobs.append((name, entry, None))
        else:
            jobs.extend((name, entry, region) for region in regions)

    task = progress.task(f"aws {account}: {len(regions)} regions", total=len(jobs))

    def work(job: tuple[str, ServiceCollector, str | None]) -> None:
        name, entry, region = job
        _run_one(name, entry, context(region))
        progress.advance(task)

    with ThreadPoolExecutor(
        max_workers=max(1, options.workers), thread_name_prefix="baa-aws"
    ) as pool:
        list(pool.map(work, jobs))
    progress.done(task)
    if run_global:
        _sample_logs(options, clients, locked, progress, account, all_regions)
    return Scope(providers=["aws"], aws_accounts=[account], aws_regions=regions)


def _sample_logs(
    options: CollectOptions,
    clients: ClientCache,
    sink: InventorySink,
    progress: Progress,
    account: str,
    regions: list[str],
) -> None:
    """Log content sampling for PHI is opt-in; when it is off, say so as a gap, never as a pass."""
    from auditor.collect.phi.sample import record_not_enabled
    from auditor.collect.phi.sampler_aws import OP_FILTER, RESOURCE_TYPE, sample_cloudwatch

    if not options.sample_logs:
        record_not_enabled(
            sink,
            "aws",
            [account],
            resource_type=RESOURCE_TYPE,
            operation=OP_FILTER,
            permission="logs:FilterLogEvents",
        )
        return
    sample_cloudwatch(clients.get, options, sink, progress, account=account, regions=regions)


__all__ = ["botocore_config", "collect_aws"]
