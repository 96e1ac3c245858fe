"""Deleting a status: hidden from everyone, the record and its revisions kept."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.remote_followers import has_remote_followers
from madang.core.clock import utcnow
from madang.jobs import enqueue
from madang.core.errors import Forbidden, NotFound
from madang.events import DELETED, publish, status_event
from madang.models import Account, Notification, Status, StatusPin
from madang.models.timelines import HomeFeedEntry
from madang.statuses.counters import adjust_statuses_count, count_post
from madang.statuses.search_index import unindex_status


async def delete_status(session: AsyncSession, *, actor: Account, status: Status) -> Status:
    if status.deleted_at is not None:
        raise NotFound("Record not found")
    if status.account_id != actor.id:
        raise Forbidden("This action is not allowed")
    if status.reblog_of_id is not None:
        raise NotFound("Record not found")  # boosts are undone with /unreblog, as on Mastodon
    status.deleted_at = utcnow()
    await unindex_status(session, status)
    await count_post(session, status, delta=-1)
    booster_ids = list(await session.scalars(select(Status.account_id).where(Status.reblog_of_id == status.id)))
    boost_ids = await _remove_boosts(session, status)
    await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.status_id.in_([status.id, *boost_ids])))
    await session.execute(delete(Notification).where(Notification.status_id == status.id))
    # A pin of a deleted post would hold one of the few pin places for ever.
    await session.execute(delete(StatusPin).where(StatusPin.status_id == status.id))
    await session.flush()
    if status.local and (await has_remote_followers(session, status.account_id)
                         or await reaches_remote(session, status, booster_ids)):
        # The boosts are gone with this unit: the job is told who made them, so the Delete
        # reaches their servers and their followers' (decision 0042).
        await enqueue(session, "federation.status_deleted", {"status_id": status.id, "booster_ids": booster_ids})
    publish(session, status_event(DELETED, status))
    return status


async def reaches_remote(session: AsyncSession, status: Status, booster_ids: list[int]) -> bool:
    """Accounts on other servers saw the post too: mentioned, replied to, or (federation's
    reach) boosting, favouriting or replying to it, or following a local account that boosted it."""
    from madang.models import Account, Favourite, Mention

    remote = Account.domain.is_not(None)
    mentioned = await session.scalar(select(Mention.id).join(Account, Account.id == Mention.account_id)
                                     .where(Mention.status_id == status.id, remote).limit(1))
    if mentioned is not None:
        return True
    if status.in_reply_to_account_id is not None and await session.scalar(
            select(Account.domain).where(Account.id == status.in_reply_to_account_id)) is not None:
        return True
    boosters = {*booster_ids, *await session.scalars(select(Status.account_id).where(Status.reblog_of_id == status.id))}
    for account_id in sorted(boosters):
        if await session.scalar(select(Account.domain).where(Account.id == account_id)) is not None \
                or await has_remote_followers(session, account_id):
            return True
    faved = await session.scalar(select(Favourite.id).join(Account, Account.id == Favourite.account_id)
                                 .where(Favourite.status_id == status.id, remote).limit(1))
    replied = await session.scalar(select(Status.id).join(Account, Account.id == Status.account_id)
                                   .where(Status.in_reply_to_id == status.id, remote).limit(1))
    return faved is not None or replied is not None


async def _remove_boosts(session: AsyncSession, status: Status) -> list[int]:
    """Boosts of a deleted post go with it (they are pointers, not records of their own);
    their authors' counts follow."""
    boosts = list(await session.execute(select(Status.id, Status.account_id).where(Status.reblog_of_id == status.id)))
    for _, booster_id in boosts:
        await adjust_statuses_count(session, booster_id, -1)
    ids = [boost_id for boost_id, _ in boosts]
    if ids:
        await session.execute(delete(Notification).where(Notification.activity_id.in_(ids)))
        await session.execute(delete(Status).where(Status.id.in_(ids)))
    return ids
