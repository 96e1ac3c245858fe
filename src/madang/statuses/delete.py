"""Deleting a status: hidden from everyone, the record and its revisions kept."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, NotFound
from madang.models import Account, Notification, Status
from madang.models.timelines import HomeFeedEntry


async def delete_status(session: AsyncSession, *, actor: Account, status: Status) -> Status:
    if status.deleted_at is not None:
        raise NotFound("Record not found")
    if status.account_id != actor.id:
        raise Forbidden("This action is not allowed")
    if status.reblog_of_id is not None:
        raise NotFound("Record not found")  # boosts are undone with /unreblog, as on Mastodon
    status.deleted_at = utcnow()
    await session.execute(
        update(Account).where(Account.id == actor.id, Account.statuses_count > 0)
        .values(statuses_count=Account.statuses_count - 1)
    )
    if status.in_reply_to_id is not None and status.visibility != "direct":
        await session.execute(
            update(Status).where(Status.id == status.in_reply_to_id, Status.replies_count > 0)
            .values(replies_count=Status.replies_count - 1)
        )
    # Boosts of a deleted post go with it; their authors' counts follow.
    boosts = list(await session.execute(
        select(Status.id, Status.account_id).where(Status.reblog_of_id == status.id)
    ))
    for boost_id, booster_id in boosts:
        await session.execute(
            update(Account).where(Account.id == booster_id, Account.statuses_count > 0)
            .values(statuses_count=Account.statuses_count - 1)
        )
    affected = [status.id] + [b[0] for b in boosts]
    await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.status_id.in_(affected)))
    await session.execute(delete(Notification).where(Notification.status_id == status.id))
    if boosts:
        await session.execute(delete(Status).where(Status.id.in_([b[0] for b in boosts])))
    await session.flush()
    return status
