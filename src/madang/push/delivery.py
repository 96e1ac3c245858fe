"""Delivery jobs: a notification fans out to the recipient's subscriptions that want it,
then each subscription gets its own job, so one slow or failing push service retries
alone and never makes another phone hear twice.

``push.send`` makes its HTTP call inside the job's unit of work (the worker gives a handler
no other place to run): the call is bounded by ``push_timeout_seconds`` and is the only
thing the unit waits on; everything it needs is read before and only the outcome (a dead
subscription removed) is written after. See docs/decisions/0011-web-push.md.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.jobs import enqueue, handler
from madang.models import AccessToken, Account, Follow, Notification, Status, User
from madang.models.push import WebPushSubscription
from madang.push.config import config_of
from madang.push.keys import ensure_server_key
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


async def _drop_revoked(session: AsyncSession, subscriptions: list[WebPushSubscription]) -> list[WebPushSubscription]:
    """A revoked token's subscription goes with it (Mastodon deletes them together)."""
    ids = [s.access_token_id for s in subscriptions]
    live = set(await session.scalars(select(AccessToken.id).where(
        AccessToken.id.in_(ids), AccessToken.revoked_at.is_(None)))) if ids else set()
    dead = [s.id for s in subscriptions if s.access_token_id not in live]
    if dead:
        await session.execute(delete(WebPushSubscription).where(WebPushSubscription.id.in_(dead)))
    return [s for s in subscriptions if s.access_token_id in live]


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


@handler(SEND_JOB)
async def send_notification(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    subscription = await session.get(WebPushSubscription, int(payload["subscription_id"]))
    notification = await _live_notification(session, int(payload["notification_id"]))
    # Replaced, unsubscribed or dropped meanwhile; or the notification went: nothing to do.
    if subscription is None or notification is None or not await _drop_revoked(session, [subscription]):
        return
    if not await pushable(session, subscription, notification):  # changed its mind meanwhile
        return
    token = config.unseal(subscription.sealed_token)
    if token is None:
        # Sealed under an earlier secret key: no payload can name its login any more.
        log.warning("push subscription %s was sealed with another secret key; removed", subscription.id)
        await session.execute(delete(WebPushSubscription).where(WebPushSubscription.id == subscription.id))
        return
    context = await _context(session, notification, token)
    if context is None:
        return
    key = await ensure_server_key(session)
    target = Target(subscription.endpoint, subscription.key_p256dh, subscription.key_auth, subscription.standard)
    result = await deliver(target, push_payload(context, base_url=config.base_url), key, subject=config.subject,
                           timeout=config.timeout_seconds, allow_loopback=config.allow_loopback)
    if result.outcome is Outcome.GONE:
        log.info("push subscription %s is gone (%s %s); removed", subscription.id, result.status, result.detail)
        await session.execute(delete(WebPushSubscription).where(WebPushSubscription.id == subscription.id))
    elif result.outcome is Outcome.RETRY:
        raise PushFailed(f"push to subscription {subscription.id} failed: {result.status or ''} {result.detail}")
