"""Writing notifications. Idempotent by (recipient, type, sender, activity); muted and
blocked senders, and senders on a server the recipient blocked, are skipped, as on Mastodon."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.events import notification_event, publish
from madang.accounts.policies import on_blocked_domain
from madang.models import Account, Block, Mute, Notification
from madang.models.account_domain_blocks import AccountDomainBlock
from madang.jobs import enqueue
from madang.models.push import WebPushSubscription


async def _silenced(session: AsyncSession, recipient_id: int, sender_id: int) -> bool:
    now = utcnow()
    muted = exists().where(Mute.account_id == recipient_id, Mute.target_account_id == sender_id,
                           Mute.hide_notifications.is_(True),
                           or_(Mute.expires_at.is_(None), Mute.expires_at > now))
    blocked = exists().where(or_(
        and_(Block.account_id == recipient_id, Block.target_account_id == sender_id),
        and_(Block.account_id == sender_id, Block.target_account_id == recipient_id)))
    # Starts from the recipient's domain blocks: one empty index probe for most recipients.
    domain_blocked = exists().where(AccountDomainBlock.account_id == recipient_id, Account.id == sender_id,
                                    on_blocked_domain(AccountDomainBlock.domain, Account.domain))
    return bool(await session.scalar(select(or_(muted, blocked, domain_blocked))))


async def notify(
    session: AsyncSession, *, recipient_id: int, sender_id: int, type: str, activity_id: int,
    status_id: int | None = None, to_self: bool = False,
) -> bool:
    """True when a new notification was written. ``to_self``: the one kind an account
    sends itself (its own poll has ended)."""
    if (recipient_id == sender_id and not to_self) or await _silenced(session, recipient_id, sender_id):
        return False
    notification_id = new_id()
    result = await session.execute(insert_ignore(session, Notification.__table__).values(
        id=notification_id, account_id=recipient_id, from_account_id=sender_id, type=type, activity_id=activity_id,
        status_id=status_id, created_at=utcnow(),
    ))
    if result.rowcount:
        publish(session, notification_event(notification_id, recipient_id))
    if result.rowcount and await _has_push_subscription(session, recipient_id):
        # Delivered by madang.push, above this package: named, never imported.
        await enqueue(session, "push.deliver", {"notification_id": notification_id})
    return bool(result.rowcount)


async def _has_push_subscription(session: AsyncSession, account_id: int) -> bool:
    """One indexed probe, so notifying someone without a phone subscribed stays cheap."""
    return bool(await session.scalar(select(exists().where(WebPushSubscription.account_id == account_id))))
