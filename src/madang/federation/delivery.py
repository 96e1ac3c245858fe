"""Delivering activities to remote inboxes (decision 0036; federation.md §5).

``enqueue_delivery`` runs in the caller's write transaction: the activity is stored once
(``outgoing_activities``) and ``federation.deliver`` jobs of up to 50 inboxes each point at it,
so a post to 1,000 servers is one row and ~20 jobs, written with the post or not at all.

The job is unit-free: it reads the activity and the signing key in a short read unit, POSTs to
its inboxes (16 at once, 4 per host) with no unit open, then records in one short write unit
each host's success or failure (``federated_domains``: the UTC days it failed, cleared by a
success, unavailable after 7 such days, as Mastodon) and a retry job for each inbox that failed
in a way worth retrying, on Mastodon's schedule (n⁴ + 15 s + random(0…0.5·n⁴), 16 retries).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core import metrics
from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.core.settings import Settings
from madang.db.dialect import insert_ignore
from madang.federation.keys import account_key_id, find_actor_key, get_or_create_actor_key, instance_key_id
from madang.federation.transport import Transport, federation_policy
from madang.jobs import enqueue, handler
from madang.models.accounts import Account
from madang.models.federation import DomainBlock, FederatedDomain
from madang.models.federation_delivery import OutgoingActivity
from madang.models.jobs import Job
from madang.net import OutboundError, OutboundPolicy, Refused

log = logging.getLogger(__name__)

DELIVER_JOB = "federation.deliver"
CONFIG_KEY = "madang.federation.delivery"
INBOXES_PER_JOB = 50
CONCURRENCY = 16
MAX_RETRIES = 16
FAILURE_DAYS_THRESHOLD = 7
# The last retry runs ≈ 3.1 days after the first try at most (§5.3): the payload is kept longer.
KEEP_ACTIVITIES = timedelta(days=4)
PRUNE_JOB = "federation.prune_outgoing"
PRUNE_EVERY = timedelta(days=1)


class DeliveryNotConfigured(RuntimeError):
    """A worker ran a delivery job without ``madang.federation.delivery.attach`` having been called."""


@dataclass(frozen=True)
class DeliveryConfig:
    base_url: str
    policy: OutboundPolicy
    allow_http: bool = False  # the suite's loopback inboxes only
    concurrency: int = CONCURRENCY

    @classmethod
    def from_settings(cls, settings: Settings, *, allow_http: bool = False) -> DeliveryConfig:
        return cls(base_url=settings.base_url, policy=federation_policy(settings), allow_http=allow_http)


def attach(db: Any, settings: Settings, *, allow_http: bool = False) -> None:
    """Make delivery jobs runnable on ``db`` (once per process, where the worker starts)."""
    db.session_info[CONFIG_KEY] = DeliveryConfig.from_settings(settings, allow_http=allow_http)


def _config(db: Any) -> DeliveryConfig:
    config = db.session_info.get(CONFIG_KEY)
    if not isinstance(config, DeliveryConfig):
        raise DeliveryNotConfigured("federation delivery is not configured in this process: call "
                                    "madang.federation.delivery.attach(db, settings) where the worker starts")
    return config


# ---------------------------------------------------------------------------------------------
# Followers synchronisation (FEP-8fcf)


def followers_digest(follower_uris: Iterable[str]) -> str:
    """Hex of the XOR of SHA-256 over each follower id (UTF-8): the same set gives the same digest
    in any order."""
    acc = 0
    for uri in follower_uris:
        acc ^= int.from_bytes(hashlib.sha256(uri.encode("utf-8")).digest(), "big")
    return acc.to_bytes(32, "big").hex()


def followers_sync_headers(*, collection_id: str, url: str, follower_uris: Iterable[str],
                           inboxes: Iterable[str]) -> dict[str, str]:
    """``Collection-Synchronization`` values for each target host (the ``followers_sync`` of
    ``enqueue_delivery``): the digest of the followers whose ids are on that host."""
    by_host: dict[str, list[str]] = {}
    for uri in follower_uris:
        by_host.setdefault(domain_of(uri) or "", []).append(uri)
    hosts = {host for host in map(domain_of, inboxes) if host is not None}
    return {host: f'collectionId="{collection_id}", url="{url}", digest="{followers_digest(by_host.get(host, []))}"'
            for host in hosts}


# ---------------------------------------------------------------------------------------------
# Enqueuing (in the caller's transaction)


def domain_of(url: str) -> str | None:
    """The host an inbox URL is on, lower-case and without port; None for no usable URL."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not host:
        return None
    return host.lower().rstrip(".")


def _parents(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


async def skipped_domains(session: AsyncSession, domains: Iterable[str]) -> set[str]:
    """Of these hosts, those not to deliver to: marked unavailable, suspended by a domain block
    (on the host or a parent domain), or in allow-list mode not allowed."""
    domains = set(domains)
    if not domains:
        return set()
    unavailable = set(await session.scalars(
        select(FederatedDomain.domain).where(FederatedDomain.domain.in_(domains),
                                             FederatedDomain.unavailable_at.is_not(None))))
    candidates = {parent for host in domains for parent in _parents(host)}
    suspended = set(await session.scalars(
        select(DomainBlock.domain).where(DomainBlock.domain.in_(candidates), DomainBlock.severity == "suspend")))
    from madang.federation.domain_policy import not_allowed  # allow-list mode (decision 0040)

    refused = await not_allowed(session, domains)
    return unavailable | refused | {host for host in domains if suspended.intersection(_parents(host))}


async def enqueue_delivery(session: AsyncSession, *, activity: dict, account_id: int | None, inboxes: Iterable[str],
                           local_prefix: str, followers_sync: dict | None = None) -> None:
    """Deliver ``activity`` (signed as ``account_id``, None = the instance actor) to ``inboxes``,
    by jobs written in the caller's transaction. Inbox URLs are deduplicated; local ones (under
    ``local_prefix``, the base URL), unusable ones and those on unavailable or suspended hosts are
    left out. ``followers_sync`` maps a target host to its Collection-Synchronization value
    (``followers_sync_headers``)."""
    prefix = local_prefix.rstrip("/")
    targets: dict[str, str] = {}
    for inbox in inboxes:
        if not inbox or inbox in targets or inbox == prefix or inbox.startswith(prefix + "/"):
            continue
        host = domain_of(inbox)
        if host is not None:
            targets[inbox] = host
    skipped = await skipped_domains(session, set(targets.values()))
    chosen = sorted(inbox for inbox, host in targets.items() if host not in skipped)
    if not chosen:
        return
    row = OutgoingActivity(id=new_id(), body=orjson.dumps(activity).decode(), created_at=utcnow())
    session.add(row)
    sync = followers_sync or {}
    for start in range(0, len(chosen), INBOXES_PER_JOB):
        chunk = chosen[start:start + INBOXES_PER_JOB]
        await enqueue(session, DELIVER_JOB, _payload(row.id, account_id, chunk, 0, sync))


def _payload(activity_id: int, account_id: int | None, inboxes: list[str], retries: int, sync: dict) -> dict:
    hosts = {domain_of(inbox) for inbox in inboxes}
    return {"activity_id": activity_id, "account_id": account_id, "inboxes": inboxes, "retries": retries,
            "sync": {host: value for host, value in sync.items() if host in hosts}}


def retry_delay(n: int) -> float:
    """Seconds before retry ``n`` (0-based), as Mastodon's DeliveryWorker: n⁴ + 15 + random(0…0.5·n⁴)."""
    return n ** 4 + 15 + random.uniform(0, 0.5 * n ** 4)


# ---------------------------------------------------------------------------------------------
# The job


class Outcome(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # worth trying again; counts as a failure of the host
    GIVE_UP = "give up"  # the remote refused for good (or we may not reach it): no retry, no count


def classify(status: int) -> Outcome:
    """Mastodon's classes: 2xx delivered; 4xx other than 401/408/429, and 501, are final."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (401, 408, 429):
        return Outcome.RETRY
    if 400 <= status < 500 or status == 501:
        return Outcome.GIVE_UP
    return Outcome.RETRY


@dataclass(frozen=True)
class Signer:
    key_id: str
    private_pem: str


async def _signer(db: Any, config: DeliveryConfig, account_id: int | None) -> Signer | None:
    async with db.read() as session:
        uri = None
        if account_id is not None:
            account = (await session.execute(select(Account.uri, Account.username, Account.domain)
                                             .where(Account.id == account_id))).first()
            if account is None or account.domain is not None:
                return None
            uri = account.uri or f"{config.base_url}/users/{account.username}"
        key = await find_actor_key(session, account_id)
    if key is None:  # the first delivery before the key job reached this account
        async with db.write() as session:
            key = await get_or_create_actor_key(session, account_id)
    key_id = account_key_id(uri) if uri is not None else instance_key_id(config.base_url)
    return Signer(key_id, key.private_pem)


async def _post_all(config: DeliveryConfig, signer: Signer, body: bytes, inboxes: list[str],
                    sync: dict) -> dict[str, tuple[Outcome, str]]:
    gate = asyncio.Semaphore(config.concurrency)
    results: dict[str, tuple[Outcome, str]] = {}
    async with Transport(config.policy, allow_http=config.allow_http) as transport:
        async def post(inbox: str) -> None:
            extra = {}
            header = sync.get(domain_of(inbox) or "")
            if header:
                extra["Collection-Synchronization"] = header
            async with gate:
                try:
                    status = await transport.post_activity(inbox, body, key_id=signer.key_id,
                                                           private_pem=signer.private_pem, extra_headers=extra)
                except Refused as exc:
                    results[inbox] = (Outcome.GIVE_UP, str(exc))
                except OutboundError as exc:  # timeouts, DNS, connection, TLS
                    results[inbox] = (Outcome.RETRY, str(exc))
                else:
                    results[inbox] = (classify(status), str(status))

        await asyncio.gather(*(post(inbox) for inbox in inboxes))
    return results


@handler(DELIVER_JOB, max_attempts=3, unit=False)
async def deliver(db: Any, payload: dict) -> None:
    config = _config(db)
    inboxes = list(payload.get("inboxes") or [])
    retries = int(payload.get("retries", 0))
    account_id = payload.get("account_id")
    async with db.read() as session:
        body = await session.scalar(select(OutgoingActivity.body).where(OutgoingActivity.id == payload["activity_id"]))
        skipped = await skipped_domains(session, {d for d in map(domain_of, inboxes) if d})
    if body is None:
        log.warning("delivery of activity %s dropped: it is no longer stored", payload["activity_id"])
        return
    inboxes = [inbox for inbox in inboxes if domain_of(inbox) not in skipped]
    if not inboxes:
        return
    signer = await _signer(db, config, account_id)
    if signer is None:
        log.warning("delivery of activity %s dropped: account %s is not a local account any more",
                    payload["activity_id"], account_id)
        return
    # No unit is open here: slow or dead servers hold no lock.
    results = await _post_all(config, signer, body.encode(), inboxes, payload.get("sync") or {})
    for inbox, (outcome, _detail) in results.items():  # per remote domain, for /metrics (decision 0055)
        metrics.delivered(domain_of(inbox) or "-", outcome.value)
    async with db.write() as session:
        await record_outcomes(session, results)
        for inbox, (outcome, detail) in sorted(results.items()):
            if outcome is Outcome.RETRY and retries < MAX_RETRIES:
                await enqueue(session, DELIVER_JOB,
                              _payload(payload["activity_id"], account_id, [inbox], retries + 1, payload.get("sync") or {}),
                              delay=retry_delay(retries))
            elif outcome is not Outcome.DELIVERED:
                log.info("delivery of activity %s to %s given up (%s, after %d retries)",
                         payload["activity_id"], inbox, detail, retries)


async def record_outcomes(session: AsyncSession, results: dict[str, tuple[Outcome, str]]) -> None:
    """Per host: a delivery clears its failure days (and its unavailability); a retryable failure
    with no delivery to that host adds today (UTC); 7 distinct days mark it unavailable. Only
    hosts with a row or a failure are written, so a healthy fan-out writes nothing."""
    delivered: set[str] = set()
    failed: set[str] = set()
    for inbox, (outcome, _detail) in results.items():
        host = domain_of(inbox)
        if host is None:
            continue
        if outcome is Outcome.DELIVERED:
            delivered.add(host)
        elif outcome is Outcome.RETRY:
            failed.add(host)
    failed -= delivered
    if not delivered and not failed:
        return
    now = utcnow()
    if failed:
        await session.execute(insert_ignore(session, FederatedDomain.__table__).values(
            [{"id": new_id(), "domain": host, "failure_days": [], "created_at": now} for host in sorted(failed)]))
    rows = await session.scalars(select(FederatedDomain).where(FederatedDomain.domain.in_(delivered | failed)))
    today = now.date().isoformat()
    for row in rows:
        if row.domain in delivered:
            if row.failure_days or row.unavailable_at is not None:
                row.failure_days, row.unavailable_at, row.last_success_at = [], None, now
        elif today not in row.failure_days:
            row.failure_days = sorted({*row.failure_days, today})
            if len(row.failure_days) >= FAILURE_DAYS_THRESHOLD and row.unavailable_at is None:
                row.unavailable_at = now
                log.warning("%s failed deliveries on %d days: marked unavailable", row.domain,
                            len(row.failure_days))


async def mark_domain_reachable(session: AsyncSession, domain: str) -> None:
    """A verified signed POST came from ``domain``: it is evidently up, so its failure days and
    unavailability go (Mastodon resets them the same way). Writes only when there is something
    to clear."""
    row = await session.scalar(select(FederatedDomain).where(FederatedDomain.domain == domain.lower().rstrip(".")))
    if row is not None and (row.failure_days or row.unavailable_at is not None):
        row.failure_days, row.unavailable_at = [], None


async def prune_outgoing_activities(session: AsyncSession, *, keep: timedelta = KEEP_ACTIVITIES) -> int:
    """Remove stored activities older than any retry of theirs can be; how many went."""
    result = await session.execute(delete(OutgoingActivity).where(OutgoingActivity.created_at < utcnow() - keep))
    return result.rowcount or 0


async def schedule_outgoing_pruning(session: AsyncSession) -> None:
    """Start the daily pruning of stored activities unless it is already queued (at start-up)."""
    queued = await session.scalar(select(Job.id).where(Job.name == PRUNE_JOB, Job.state.in_(("pending", "running")))
                                  .limit(1))
    if queued is None:
        await enqueue(session, PRUNE_JOB, {})


@handler(PRUNE_JOB)
async def prune_outgoing(session: AsyncSession, payload: dict) -> None:
    gone = await prune_outgoing_activities(session)
    if gone:
        log.info("pruned %d delivered activities", gone)
    await enqueue(session, PRUNE_JOB, {}, delay=PRUNE_EVERY.total_seconds())


__all__ = ["DELIVER_JOB", "DeliveryConfig", "Outcome", "attach", "classify", "deliver", "domain_of",
           "enqueue_delivery", "followers_digest", "mark_domain_reachable", "followers_sync_headers", "prune_outgoing_activities",
           "record_outcomes", "retry_delay", "schedule_outgoing_pruning", "skipped_domains"]
