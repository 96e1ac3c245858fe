"""Reblogs, favourites, bookmarks and pins: idempotent marks with counters kept in SQL."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.jobs import enqueue
from madang.models import Account, Bookmark, Favourite, Notification, Status, StatusPin
from madang.models.timelines import HomeFeedEntry
from madang.statuses.create import Site, check_visibility
from madang.statuses.policies import can_reblog
from madang.statuses.queries import get_visible_status

MAX_PINS = 5


async def original_of(session: AsyncSession, status: Status, viewer_id: int) -> Status:
    if status.reblog_of_id is None:
        return status
    return await get_visible_status(session, status.reblog_of_id, viewer_id)


async def reblog_status(
    session: AsyncSession, *, site: Site, account: Account, status: Status, visibility: str | None = None
) -> Status:
    """Returns the boost (its own id; ``reblog`` is the original), creating it once."""
    original = await original_of(session, status, account.id)
    existing = await session.scalar(
        select(Status).where(Status.account_id == account.id, Status.reblog_of_id == original.id)
    )
    if existing is not None:
        return existing
    if not can_reblog(original, account.id):
        raise Forbidden("This action is not allowed")
    visibility = check_visibility(visibility, "public")
    if visibility == "direct":
        raise Invalid("A boost cannot be direct", field="visibility")
    now = utcnow()
    boost_id = new_id()
    boost = Status(
        id=boost_id, account_id=account.id, local=True, text="", content="", visibility=visibility,
        reblog_of_id=original.id, created_at=now, language=None,
        uri=f"{site.base_url}/users/{account.username}/statuses/{boost_id}/activity",
        url=f"{site.base_url}/@{account.username}/{boost_id}",
    )
    session.add(boost)
    await session.flush()
    session.add(HomeFeedEntry(account_id=account.id, status_id=boost.id, author_id=original.account_id))
    await session.execute(update(Status).where(Status.id == original.id)
                          .values(reblogs_count=Status.reblogs_count + 1))
    await session.execute(update(Account).where(Account.id == account.id)
                          .values(statuses_count=Account.statuses_count + 1, last_status_at=now.date()))
    await enqueue(session, "timelines.fan_out", {"status_id": boost.id})
    await enqueue(session, "notifications.reblogged", {"status_id": boost.id})
    await session.flush()
    return boost


async def unreblog_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id)
    boost = await session.scalar(
        select(Status).where(Status.account_id == account.id, Status.reblog_of_id == original.id)
    )
    if boost is not None:
        await session.execute(delete(Notification).where(Notification.activity_id == boost.id))
        await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.status_id == boost.id))
        await session.execute(delete(Status).where(Status.id == boost.id))
        await session.execute(update(Status).where(Status.id == original.id, Status.reblogs_count > 0)
                              .values(reblogs_count=Status.reblogs_count - 1))
        await session.execute(update(Account).where(Account.id == account.id, Account.statuses_count > 0)
                              .values(statuses_count=Account.statuses_count - 1))
        await session.flush()
        await session.refresh(original)
    return original


async def favourite_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id)
    exists = await session.scalar(
        select(Favourite.id).where(Favourite.account_id == account.id, Favourite.status_id == original.id)
    )
    if exists is None:
        fav = Favourite(id=new_id(), account_id=account.id, status_id=original.id, created_at=utcnow())
        session.add(fav)
        await session.execute(update(Status).where(Status.id == original.id)
                              .values(favourites_count=Status.favourites_count + 1))
        await enqueue(session, "notifications.favourited", {"favourite_id": fav.id})
        await session.flush()
        await session.refresh(original)
    return original


async def unfavourite_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id)
    fav_id = await session.scalar(
        select(Favourite.id).where(Favourite.account_id == account.id, Favourite.status_id == original.id)
    )
    if fav_id is not None:
        await session.execute(delete(Favourite).where(Favourite.id == fav_id))
        await session.execute(delete(Notification).where(Notification.activity_id == fav_id))
        await session.execute(update(Status).where(Status.id == original.id, Status.favourites_count > 0)
                              .values(favourites_count=Status.favourites_count - 1))
        await session.flush()
        await session.refresh(original)
    return original


async def bookmark_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id)
    if await session.scalar(select(Bookmark.id).where(Bookmark.account_id == account.id,
                                                      Bookmark.status_id == original.id)) is None:
        session.add(Bookmark(account_id=account.id, status_id=original.id, created_at=utcnow()))
        await session.flush()
    return original


async def unbookmark_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id)
    await session.execute(delete(Bookmark).where(Bookmark.account_id == account.id,
                                                 Bookmark.status_id == original.id))
    return original


async def pin_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    if status.account_id != account.id or status.reblog_of_id is not None:
        raise Invalid("You can only pin your own posts", field="status")
    if status.visibility == "direct":
        raise Invalid("Direct posts cannot be pinned", field="status")
    if await session.scalar(select(StatusPin.id).where(StatusPin.account_id == account.id,
                                                       StatusPin.status_id == status.id)) is None:
        pins = await session.scalar(select(func.count()).select_from(StatusPin)
                                    .where(StatusPin.account_id == account.id))
        if (pins or 0) >= MAX_PINS:
            raise Invalid(f"You can pin at most {MAX_PINS} posts", field="status")
        session.add(StatusPin(account_id=account.id, status_id=status.id, created_at=utcnow()))
        await session.flush()
    return status


async def unpin_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    if status.account_id != account.id:
        raise NotFound("Record not found")
    await session.execute(delete(StatusPin).where(StatusPin.account_id == account.id,
                                                  StatusPin.status_id == status.id))
    return status
