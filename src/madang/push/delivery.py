"""Delivery jobs: a notification fans out to the recipient's subscriptions that want it,
then each subscription gets its own job, so one slow or failing push service retries
alone and never makes another phone hear twice.

``push.send`` is a unit-free job (DESIGN.md: no network I/O inside a write transaction):
it reads what the push needs in a read unit, makes the HTTP call with no unit open, and
records the outcome (a dead subscription removed) in a short write unit of its own; the
worker then marks the job done, or retries it when the handler raised. See
docs/decisions/0011-web-push.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db import Database
from madang.jobs import enqueue, handler
from madang.models import AccessToken, Account, Follow, Notification, Status, User
from madang.models.push import WebPushSubscription
from madang.push.config import CONFIG_KEY, PushConfig, PushNotConfigured
from madang.push.keys import ServerKey, ensure_server_key, find_server_key
from madang.push.payloads import DEFAULT_LOCALE, PushContext, push_payload
from madang.push.rules import alert_enabled
from madang.push.sending import Outcome, Target, deliver

log = logging.getLogger(__name__)

DELIVER_JOB = "push.deliver"
SEND_JOB = "push.send"


class PushFailed(Exception):
    """The push service could not take the push now; the job queue retries with backoff."""


async def _follows(session: AsyncSession, follower_id: int, target_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(
        Follow.account_id == follower_id, Follow.target_account_id == target_id))))


async def policy_allows(session: AsyncSession, policy: str, notification: Notification) -> bool:
    """Mastodon's policies: from everyone, from those I follow, from my followers, or none."""
    if policy == "all":
        return True
    if policy == "followed":
        return await _follows(session, notification.account_id, notification.from_account_id)
    if policy == "follower":
        return await _follows(session, notification.from_account_id, notification.account_id)
    return False


async def pushable(session: AsyncSession, subscription: WebPushSubscription, notification: Notification) -> bool:
    return (alert_enabled(subscription.alerts, notification.type)
            and await policy_allows(session, subscription.policy, notification))


async def _live_notification(session: AsyncSession, notification_id: int) -> Notification | None:
    """The notification, unless it or the post it is about has gone meanwhile."""
    notification = await session.get(Notification, notification_id)
    if notification is None or notification.status_id is None:
        return notification
    status = await session.get(Status, notification.status_id)
    return notification if status is not None and status.deleted_at is None else None


async def _revoked(session: AsyncSession, subscriptions: list[WebPushSubscription]) -> list[int]:
    """The ids of the subscriptions whose access token was revoked (or is gone)."""
    ids = [s.access_token_id for s in subscriptions]
    live = set(await session.scalars(select(AccessToken.id).where(
        AccessToken.id.in_(ids), AccessToken.revoked_at.is_(None)))) if ids else set()
    return [s.id for s in subscriptions if s.access_token_id not in live]


async def _drop_revoked(session: AsyncSession, subscriptions: list[WebPushSubscription]) -> list[WebPushSubscription]:
    """A revoked token's subscription goes with it (Mastodon deletes them together)."""
    dead = await _revoked(session, subscriptions)
    if dead:
        await session.execute(delete(WebPushSubscription).where(WebPushSubscription.id.in_(dead)))
    return [s for s in subscriptions if s.id not in dead]


@handler(DELIVER_JOB)
async def deliver_notification(session: AsyncSession, payload: dict) -> None:
    notification = await _live_notification(session, int(payload["notification_id"]))
    if notification is None:
        return
    subscriptions = list(await session.scalars(select(WebPushSubscription).where(
        WebPushSubscription.account_id == notification.account_id).order_by(WebPushSubscription.id)))
    for subscription in await _drop_revoked(session, subscriptions):
        if await pushable(session, subscription, notification):
            await enqueue(session, SEND_JOB, {"subscription_id": subscription.id,
                                              "notification_id": notification.id})


async def _context(session: AsyncSession, notification: Notification, access_token: str) -> PushContext | None:
    sender = await session.get(Account, notification.from_account_id)
    if sender is None:
        return None
    status = await session.get(Status, notification.status_id) if notification.status_id else None
    locale = await session.scalar(select(User.locale).where(User.account_id == notification.account_id))
    return PushContext(notification=notification, sender=sender, status=status,
                       locale=locale or DEFAULT_LOCALE, access_token=access_token)


@dataclass(frozen=True)
class Prepared:
    """One push as read in a read unit: plain data that outlives the unit. ``target`` is
    None when the subscription is to be dropped instead (for ``reason``)."""

    subscription_id: int
    target: Target | None
    message: dict
    reason: str = ""


def _config(db: Database) -> PushConfig:
    # attach() leaves the config where write units find it; this handler holds the Database.
    config = db.session_info.get(CONFIG_KEY)
    if not isinstance(config, PushConfig):
        raise PushNotConfigured("push delivery is not configured in this process: call "
                                "madang.push.attach(db, settings) where the worker starts")
    return config


def _drop(subscription_id: int, reason: str) -> Prepared:
    return Prepared(subscription_id, None, {}, reason)


async def prepare_send(session: AsyncSession, config: PushConfig, payload: dict) -> Prepared | None:
    """What ``push.send`` should do, read without writing: None when there is nothing to
    send (the subscription, notification or sender went, or the alert was turned off)."""
    subscription = await session.get(WebPushSubscription, int(payload["subscription_id"]))
    notification = await _live_notification(session, int(payload["notification_id"]))
    # Replaced, unsubscribed or dropped meanwhile; or the notification went: nothing to do.
    if subscription is None or notification is None:
        return None
    if await _revoked(session, [subscription]):
        return _drop(subscription.id, "its access token was revoked")
    if not await pushable(session, subscription, notification):  # changed its mind meanwhile
        return None
    token = config.unseal(subscription.sealed_token)
    if token is None:
        # Sealed under an earlier secret key: no payload can name its login any more.
        log.warning("push subscription %s was sealed with another secret key; removed", subscription.id)
        return _drop(subscription.id, "sealed with another secret key")
    context = await _context(session, notification, token)
    if context is None:
        return None
    target = Target(subscription.endpoint, subscription.key_p256dh, subscription.key_auth, subscription.standard)
    return Prepared(subscription.id, target, push_payload(context, base_url=config.base_url))


async def _server_key(db: Database) -> ServerKey:
    async with db.read() as session:
        key = await find_server_key(session)
    if key is not None:
        return key
    async with db.write() as session:  # the first push before anyone asked for the key
        return await ensure_server_key(session)


async def _remove(db: Database, subscription_id: int) -> None:
    # Idempotent: a repeated run deletes nothing. Subscriptions are replaced with a new id,
    # never rewritten in place, so this never removes a newer subscription of the token.
    async with db.write() as session:
        await session.execute(delete(WebPushSubscription).where(WebPushSubscription.id == subscription_id))


@handler(SEND_JOB, unit=False)
async def send_notification(db: Database, payload: dict) -> None:
    config = _config(db)
    async with db.read() as session:
        prepared = await prepare_send(session, config, payload)
    if prepared is None:
        return
    if prepared.target is None:
        await _remove(db, prepared.subscription_id)
        return
    key = await _server_key(db)
    # No unit is open here: a slow push service holds no lock (at most the timeout).
    result = await deliver(prepared.target, prepared.message, key, subject=config.subject,
                           timeout=config.timeout_seconds, allow=config.outbound_allow)
    if result.outcome is Outcome.GONE:
        log.info("push subscription %s is gone (%s %s); removed", prepared.subscription_id, result.status,
                 result.detail)
        await _remove(db, prepared.subscription_id)
    elif result.outcome is Outcome.RETRY:
        raise PushFailed(f"push to subscription {prepared.subscription_id} failed: {result.status or ''} "
                         f"{result.detail}")
