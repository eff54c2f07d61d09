"""AWS Organizations fan-out: scan every member account through a read-only role.

The caller (the management account, or a delegated administrator) lists the organization once:
its id, its accounts, and, when OU filters are given, the accounts under those OUs
(``ListChildren`` walked down from each OU). The selection is then narrowed by the include and
exclude lists and by ``--shard K/N`` (a stable hash of the account id, see :mod:`auditor.core.shard`).

Each selected account is collected by :func:`auditor.collect.aws.run.collect_aws` with clients
built from credentials of ``sts:AssumeRole`` on ``arn:<partition>:iam::<account>:role/<name>``
(with the external id when one is given); the caller's own account uses the caller's credentials,
so the management account's organization-level evidence is read once, by its own collectors.
Accounts run in parallel on a bounded thread pool (``--workers``); every client gets adaptive
retries and per-service request rate limits; everything observed streams to the sink through one
lock, so memory does not grow with the number of accounts.

An account whose role cannot be assumed, or whose scan cannot start, becomes a
:class:`~auditor.core.model.base.ListingGap` for every resource type the AWS collector emits (so every
policy reports ERROR for it), and the rest of the organization completes.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from auditor.collect.aws.calls import CallFailed, call
from auditor.collect.aws.context import LockedSink
from auditor.collect.base import CollectOptions
from auditor.core.errors import CollectionError
from auditor.core.inventory import InventorySink
from auditor.core.progress import NullProgress, Progress
from auditor.core.scope import Scope
from auditor.core.shard import Shard

#: Requests per second per account and service, unless ``options.rate_limits`` says otherwise.
#: AWS Organizations throttles hard and all of its calls land on the management account.
DEFAULT_RATE_LIMITS: dict[str, float] = {"organizations": 5.0}
ROLE_SESSION_NAME = "baa-audit"
ASSUME_ROLE_SECONDS = 3600

#: ``(service, region, botocore config) -> boto3 client``, as CollectOptions.client_factory.
ClientFactory = Callable[[str, str, Any], Any]


# -- rate limits and call accounting ----------------------------------------------------------
class RateLimiter:
    """Spaces requests per key (account, service) at ``rate`` per second; thread-safe."""

    def __init__(
        self, rates: dict[str, float], sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.rates = {k: v for k, v in rates.items() if v > 0}
        self._next: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._sleep = sleep

    def acquire(self, account: str, service: str) -> float:
        """Wait for this request's slot; returns the seconds waited."""
        rate = self.rates.get(service)
        if rate is None:
            return 0.0
        key = (account, service)
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + 1.0 / rate
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(0.0, wait)


class CallStats:
    """HTTP requests sent, per account and per service (retries and pages included)."""

    def __init__(self) -> None:
        self.by_account: Counter[str] = Counter()
        self.by_service: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, account: str, service: str) -> None:
        with self._lock:
            self.by_account[account] += 1
            self.by_service[service] += 1

    @property
    def total(self) -> int:
        return sum(self.by_account.values())


def instrument(client: Any, account: str, limiter: RateLimiter, stats: CallStats | None) -> Any:
    """Hook the rate limiter (and the counter) into every HTTP request ``client`` sends."""
    service = str(client.meta.service_model.service_name)

    def before_send(**_: Any) -> None:
        limiter.acquire(account, service)
        if stats is not None:
            stats.count(account, service)
        # returning None lets botocore send the request

    client.meta.events.register("before-send", before_send)
    return client


def adaptive(config: Any) -> Any:
    """``config`` with botocore's adaptive retry mode, unless AWS_RETRY_MODE chose otherwise."""
    if os.environ.get("AWS_RETRY_MODE") or config is None:
        return config
    from botocore.config import Config

    retries = dict(getattr(config, "retries", None) or {})
    retries["mode"] = "adaptive"
    return config.merge(Config(retries=retries))


# -- the organization ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    status: str


@dataclass(frozen=True)
class Organization:
    id: str
    management_account: str
    accounts: tuple[OrgAccount, ...]


def _org_error(what: str, failure: CallFailed) -> CollectionError:
    return CollectionError(
        f"cannot {what} ({failure.operation} {failure.error_code}); run from the management "
        "account or a delegated administrator with organizations:Describe*/List* permissions"
    )


def read_organization(org: Any) -> Organization:
    """The organization and all of its accounts, from the caller's ``organizations`` client."""
    try:
        described = call(org, "describe_organization")["Organization"]
        listed = call(org, "list_accounts").get("Accounts", [])
    except CallFailed as failure:
        raise _org_error("read the organization", failure) from None
    accounts = tuple(
        sorted(
            (
                OrgAccount(
                    id=str(a["Id"]),
                    name=str(a.get("Name", "")),
                    status=str(a.get("State") or a.get("Status") or "ACTIVE").upper(),
                )
                for a in listed
            ),
            key=lambda a: a.id,
        )
    )
    return Organization(
        id=str(described["Id"]),
        management_account=str(described.get("MasterAccountId", "")),
        accounts=accounts,
    )


def accounts_under(org: Any, parents: Iterable[str]) -> set[str]:
    """Every account below the given OUs or root (``ListChildren`` walked depth-first)."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = list(parents)
    for parent in stack:
        if not parent.startswith(("ou-", "r-")):
            raise CollectionError(
                f"--ou {parent!r}: expected an OU id (ou-...) or a root id (r-...)"
            )
    while stack:
        parent = stack.pop()
        if parent in seen:
            continue
        seen.add(parent)
        try:
            children = call(org, "list_children", ParentId=parent, ChildType="ACCOUNT")
            ous = call(org, "list_children", ParentId=parent, ChildType="ORGANIZATIONAL_UNIT")
        except CallFailed as failure:
            raise _org_error(f"list the accounts under {parent}", failure) from None
        found.update(str(c["Id"]) for c in children.get("Children", []))
        stack.extend(str(c["Id"]) for c in ous.get("Children", []))
    return found


@dataclass(frozen=True)
class Selection:
    accounts: tuple[str, ...]
    skipped_inactive: tuple[str, ...]
    unknown_included: tuple[str, ...]


def select_accounts(
    organization: Organization,
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    under_ous: set[str] | None = None,
    shard: Shard | None = None,
) -> Selection:
    """Which accounts this run scans, in account-id order."""
    wanted = set(include)
    unwanted = set(exclude)
    known = {a.id for a in organization.accounts}
    chosen: list[str] = []
    inactive: list[str] = []
    for account in organization.accounts:
        if wanted and account.id not in wanted:
            continue
        if account.id in unwanted:
            continue
        if under_ous is not None and account.id not in under_ous:
            continue
        if shard is not None and not shard.owns(account.id):
            continue
        if account.status not in ("ACTIVE",):
            inactive.append(account.id)
            continue
        chosen.append(account.id)
    return Selection(tuple(chosen), tuple(inactive), tuple(sorted(wanted - known)))


# -- one account ------------------------------------------------------------------------------
def role_arn(partition: str, account: str, role_name: str) -> str:
    name = role_name.strip("/")
    if name.startswith("arn:"):
        raise CollectionError("--org-role-name takes the role's name (or path/name), not an ARN")
    return f"arn:{partition}:iam::{account}:role/{name}"


def assume_role(sts: Any, arn: str, external_id: str | None) -> dict[str, str]:
    """Temporary credentials for ``arn`` in botocore's refresh-metadata form
    (``access_key``, ``secret_key``, ``token``, ``expiry_time``); raises CallFailed when the role
    cannot be assumed."""
    kwargs: dict[str, Any] = {
        "RoleArn": arn,
        "RoleSessionName": ROLE_SESSION_NAME,
        "DurationSeconds": ASSUME_ROLE_SECONDS,
    }
    if external_id:
        kwargs["ExternalId"] = external_id
    creds = call(sts, "assume_role", **kwargs)["Credentials"]
    expiry = creds["Expiration"]
    return {
        "access_key": str(creds["AccessKeyId"]),
        "secret_key": str(creds["SecretAccessKey"]),
        "token": str(creds["SessionToken"]),
        "expiry_time": expiry.isoformat() if hasattr(expiry, "isoformat") else str(expiry),
    }


def role_credentials(
    sts: Any,
    arn: str,
    external_id: str | None,
    *,
    refresh_before_seconds: int | None = None,
) -> Any:
    """Credentials of ``arn`` that assume the role again before they expire.

    The first AssumeRole happens now, so a role that cannot be assumed fails here (CallFailed),
    before any client is built. A scan of a large account can outlast the session (one hour);
    botocore then calls AssumeRole again, ``refresh_before_seconds`` before expiry (default:
    botocore's 15 minutes advisory, 10 minutes mandatory), under its own lock, so the account's
    threads share one refresh. A refresh that fails surfaces as CallFailed on the call that
    needed it, which records a gap like any other failed call.
    """
    from botocore.credentials import RefreshableCredentials

    def fetch() -> dict[str, str]:
        return assume_role(sts, arn, external_id)

    timeouts: dict[str, int] = {}
    if refresh_before_seconds is not None:
        timeouts = {
            "advisory_timeout": refresh_before_seconds,
            "mandatory_timeout": refresh_before_seconds,
        }
    return RefreshableCredentials.create_from_metadata(
        fetch(), refresh_using=fetch, method="assume-role", **timeouts
    )


def collected_types() -> tuple[str, ...]:
    """Every resource type the per-account AWS collector emits (for gaps of unread accounts)."""
    from auditor.collect.aws.services import SERVICE_COLLECTORS

    return tuple(sorted({t for entry in SERVICE_COLLECTORS.values() for t in entry.resource_types}))


def account_unread(sink: InventorySink, account: str, failure: CallFailed) -> None:
    """An account that could not be read at all: a gap for every type it would have held."""
    for rtype in collected_types():
        sink.add_listing_gap(failure.listing_gap(account, None, rtype))


class _SafeProgress:
    """Serializes progress updates coming from worker threads."""

    def __init__(self, inner: Progress) -> None:
        self._inner = inner
        self._lock = threading.Lock()

    def task(self, description: str, total: int | None = None) -> int:
        with self._lock:
            return self._inner.task(description, total)

    def advance(self, task_id: int, amount: int = 1) -> None:
        with self._lock:
            self._inner.advance(task_id, amount)

    def done(self, task_id: int) -> None:
        with self._lock:
            self._inner.done(task_id)

    def note(self, message: str) -> None:
        with self._lock:
            self._inner.note(message)


# -- the fan-out ------------------------------------------------------------------------------
def _base_factory(options: CollectOptions) -> ClientFactory:
    if options.client_factory is not None:
        factory: ClientFactory = options.client_factory
        return factory
    import boto3

    try:
        session = boto3.Session(profile_name=options.aws_profile)
    except Exception as exc:  # ProfileNotFound and friends
        raise CollectionError(
            f"cannot open AWS profile {options.aws_profile!r}: {type(exc).__name__}"
        ) from None
    return lambda service, region, config: session.client(
        service, region_name=region, config=config
    )


def session_factory(credentials: Any) -> ClientFactory:
    """Clients signed with ``credentials`` (refreshable ones stay refreshable)."""
    import boto3
    import botocore.session
    from botocore.credentials import CredentialProvider, CredentialResolver

    class _Given(CredentialProvider):  # type: ignore[misc]
        METHOD = "baa-audit-assume-role"

        def load(self) -> Any:
            return credentials

    core = botocore.session.Session()
    core.register_component("credential_provider", CredentialResolver([_Given()]))
    session = boto3.Session(botocore_session=core)
    return lambda service, region, config: session.client(
        service, region_name=region, config=config
    )


def _home_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def collect_aws_organization(
    options: CollectOptions,
    sink: InventorySink,
    progress: Progress,
    *,
    stats: CallStats | None = None,
) -> Scope:
    """Collect every selected account of the caller's organization into ``sink``."""
    from auditor.collect.aws.run import botocore_config, collect_aws

    if not options.org_role_name:
        raise CollectionError(
            "organization scan needs the name of the role to assume (--org-role-name)"
        )
    workers = max(1, options.workers)
    limiter = RateLimiter({**DEFAULT_RATE_LIMITS, **options.rate_limits})
    base = _base_factory(options)
    home = _home_region()
    config = adaptive(botocore_config(workers))

    def caller_client(service: str, account: str) -> Any:
        return instrument(base(service, home, config), account, limiter, stats)

    try:
        ident = call(caller_client("sts", "caller"), "get_caller_identity")
    except CallFailed as failure:
        raise CollectionError(
            f"cannot identify the AWS caller ({failure.operation} {failure.error_code}); "
            "check credentials"
        ) from None
    caller = str(ident["Account"])
    arn_parts = str(ident.get("Arn", "")).split(":")
    partition = arn_parts[1] if len(arn_parts) > 2 and arn_parts[1] else "aws"

    org_client = caller_client("organizations", caller)
    organization = read_organization(org_client)
    under = accounts_under(org_client, options.ous) if options.ous else None
    shard = Shard(*options.shard) if options.shard else None
    selection = select_accounts(
        organization,
        include=options.accounts_include,
        exclude=options.accounts_exclude,
        under_ous=under,
        shard=shard,
    )
    if selection.unknown_included:
        raise CollectionError(
            f"accounts not in organization {organization.id}: "
            + ", ".join(selection.unknown_included)
        )

    shared_sink = LockedSink(sink)
    shown = _SafeProgress(progress)
    for account in selection.skipped_inactive:
        shown.note(f"aws organization: account {account} is not ACTIVE; skipped")
    accounts = selection.accounts
    parallel = max(1, min(workers, len(accounts)))
    per_account_workers = max(1, workers // parallel)
    sts = caller_client("sts", caller)
    regions: set[str] = set()
    regions_lock = threading.Lock()
    unread: list[str] = []

    def scan(account: str) -> None:
        if account == caller:
            make = base
        else:
            arn = role_arn(partition, account, options.org_role_name or "")
            try:
                make = session_factory(role_credentials(sts, arn, options.external_id))
            except CallFailed as failure:
                why = f"role {options.org_role_name} could not be assumed ({failure.message})"
                account_unread(
                    shared_sink,
                    account,
                    CallFailed(failure.operation, failure.error_code, why),
                )
                unread.append(account)
                shown.note(
                    f"aws organization: account {account}: "
                    f"cannot assume role ({failure.error_code})"
                )
                return

        def factory(service: str, region: str, cfg: Any) -> Any:
            return instrument(make(service, region, adaptive(cfg)), account, limiter, stats)

        member_options = dataclasses.replace(
            options, client_factory=factory, shard=None, workers=per_account_workers
        )
        try:
            scope = collect_aws(member_options, shared_sink, NullProgress())
        except CollectionError as exc:
            failed = CallFailed("baa-audit:collect", "CollectionFailed", str(exc))
            account_unread(shared_sink, account, failed)
            unread.append(account)
            shown.note(f"aws organization: account {account}: scan could not start")
            return
        with regions_lock:
            regions.update(scope.aws_regions)

    task = shown.task(
        f"aws organization {organization.id}: {len(accounts)} accounts", total=len(accounts)
    )
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="baa-org") as pool:
        futures = [pool.submit(scan, account) for account in accounts]
        for future in as_completed(futures):
            future.result()  # scan() records failures itself; anything else is a bug: raise it
            shown.advance(task)
    shown.done(task)
    if unread:
        shown.note(f"aws organization: {len(unread)} of {len(accounts)} accounts could not be read")
    return Scope(
        providers=["aws"],
        aws_accounts=list(accounts),
        aws_regions=sorted(regions or set(options.regions or [])),
        aws_organization=organization.id,
        shard=shard.label if shard else None,
    )


def collect_aws_or_organization(
    options: CollectOptions, sink: InventorySink, progress: Progress
) -> Scope:
    """The registered AWS collector: the whole organization when --org-role-name is given."""
    if options.org_role_name:
        return collect_aws_organization(options, sink, progress)
    from auditor.collect.aws.run import collect_aws

    return collect_aws(options, sink, progress)


__all__ = [
    "DEFAULT_RATE_LIMITS",
    "CallStats",
    "OrgAccount",
    "Organization",
    "RateLimiter",
    "Selection",
    "accounts_under",
    "adaptive",
    "assume_role",
    "collect_aws_or_organization",
    "collect_aws_organization",
    "instrument",
    "read_organization",
    "role_arn",
    "role_credentials",
    "select_accounts",
    "session_factory",
]
