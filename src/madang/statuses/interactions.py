"""Reblogs, favourites, bookmarks and pins: idempotent marks with counters kept in SQL."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.remote_followers import has_remote_followers
from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.events import DELETED, publish, status_event
from madang.jobs import enqueue
from madang.models import Account, Bookmark, Favourite, Notification, Status, StatusPin
from madang.models.timelines import HomeFeedEntry
from madang.statuses.create import Site, check_not_suspended, check_visibility
from madang.statuses.policies import can_reblog
from madang.statuses.counters import adjust_statuses_count
from madang.statuses.queries import get_status, get_visible_status

MAX_PINS = 5


async def original_of(session: AsyncSession, status: Status, viewer_id: int, *, check: bool = True) -> Status:
    """The post an action applies to (a boost stands for its original). With ``check``,
    NotFound unless the viewer may see it: the rule lives here, not only in each surface.
    Undoing (unfavourite, unbookmark, unreblog) skips the check, so a post that became
    hidden can still be let go of."""
    target_id = status.reblog_of_id or status.id
    if not check:
        return await get_status(session, target_id)
    return await get_visible_status(session, target_id, viewer_id)


async def reblog_status(
    session: AsyncSession, *, site: Site, account: Account, status: Status, visibility: str | None = None
) -> Status:
    """Returns the boost (its own id; ``reblog`` is the original), creating it once."""
    await check_not_suspended(session, account.id)  # at once in every process, not after the token cache
    original = await original_of(session, status, account.id)
    existing = await find_boost(session, account.id, original.id)
    if existing is not None:
        return existing
    if not can_reblog(original, account.id):
        raise Forbidden("This action is not allowed")
    visibility = boost_visibility(original, check_visibility(visibility, "public"))
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
    await adjust_statuses_count(session, account.id, 1, last_status=now, time_zone=site.time_zone)
    await enqueue(session, "timelines.fan_out", {"status_id": boost.id})
    await enqueue(session, "notifications.reblogged", {"status_id": boost.id})
    if site.federation and account.domain is None and (
            not original.local or await has_remote_followers(session, account.id)):
        await enqueue(session, "federation.status_created", {"status_id": boost.id})
    await session.flush()
    # The response shows the original inside the boost: its count must be the new one.
    await session.refresh(original)
    return boost


def boost_visibility(original: Status, asked: str) -> str:
    """A boost of a followers-only post stays followers-only, as on Mastodon; a public
    boost of it would show the post to everyone who can see the booster's profile."""
    if original.visibility == "private":
        return "private"
    if asked == "direct":
        raise Invalid("A boost cannot be direct", field="visibility")
    return asked


async def find_boost(session: AsyncSession, account_id: int, original_id: int) -> Status | None:
    return await session.scalar(
        select(Status).where(Status.account_id == account_id, Status.reblog_of_id == original_id)
    )


async def unreblog_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id, check=False)
    boost = await find_boost(session, account.id, original.id)
    if boost is not None:
        if boost.local and account.domain is None and (
                not original.local or await has_remote_followers(session, account.id)):
            # The row goes now: the job carries what the Undo names.
            await enqueue(session, "federation.unboosted", {"account_id": account.id, "boost_uri": boost.uri,
                                                            "original_id": original.id})
        await session.execute(delete(Notification).where(Notification.activity_id == boost.id))
        await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.status_id == boost.id))
        await session.execute(delete(Status).where(Status.id == boost.id))
        await session.execute(update(Status).where(Status.id == original.id, Status.reblogs_count > 0)
                              .values(reblogs_count=Status.reblogs_count - 1))
        await adjust_statuses_count(session, account.id, -1)
        # Streams drop the boost, as they drop a deleted post.
        publish(session, status_event(DELETED, boost))
        await session.flush()
        await session.refresh(original)
    return original


async def favourite_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    await check_not_suspended(session, account.id)
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
        if not original.local and account.domain is None:  # the author's server hears of it
            await enqueue(session, "federation.favourited",
                          {"account_id": account.id, "status_id": original.id, "favourite_id": fav.id})
        await session.flush()
        await session.refresh(original)
    return original


async def unfavourite_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    original = await original_of(session, status, account.id, check=False)
    fav_id = await session.scalar(
        select(Favourite.id).where(Favourite.account_id == account.id, Favourite.status_id == original.id)
    )
    if fav_id is not None:
        await session.execute(delete(Favourite).where(Favourite.id == fav_id))
        if not original.local and account.domain is None:
            await enqueue(session, "federation.favourited",
                          {"account_id": account.id, "status_id": original.id, "favourite_id": fav_id, "undo": True})
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
    original = await original_of(session, status, account.id, check=False)
    await session.execute(delete(Bookmark).where(Bookmark.account_id == account.id,
                                                 Bookmark.status_id == original.id))
    return original


async def pin_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    if status.deleted_at is not None:
        raise NotFound("Record not found")
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
        await _pin_goes_out(session, account, status, undo=False)
    return status


async def _pin_goes_out(session: AsyncSession, account: Account, status: Status, *, undo: bool) -> None:
    """A pin of a public or unlisted post is an Add (an unpin a Remove) to the account's
    featured collection, for its remote followers' servers (decision 0042)."""
    if account.domain is None and status.visibility in ("public", "unlisted") \
            and await has_remote_followers(session, account.id):
        await enqueue(session, "federation.pinned", {"account_id": account.id, "status_id": status.id, "undo": undo})


async def unpin_status(session: AsyncSession, *, account: Account, status: Status) -> Status:
    if status.account_id != account.id:
        raise NotFound("Record not found")
    removed = await session.execute(delete(StatusPin).where(StatusPin.account_id == account.id,
                                                            StatusPin.status_id == status.id))
    if removed.rowcount:
        await _pin_goes_out(session, account, status, undo=True)
    return status
