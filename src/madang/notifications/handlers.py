"""Job handlers that turn events (a post, a boost, a favourite, a follow) into notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.ids import lowest_id_at
from madang.jobs import handler
from madang.models import Favourite, Follow, FollowRequest, Mention, Status
from madang.notifications.create import notify


@handler("notifications.status_posted")
async def status_posted(session: AsyncSession, payload: dict) -> None:
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.deleted_at is not None:
        return
    mentioned = set(await session.scalars(select(Mention.account_id).where(Mention.status_id == status.id)))
    for account_id in mentioned:
        await notify(session, recipient_id=account_id, sender_id=status.account_id, type="mention",
                     activity_id=status.id, status_id=status.id)
    # Only a new post rings followers' bells; an edit that adds a mention does not.
    if payload.get("new", True) and rings_bell(status):
        subscribers = await session.scalars(select(Follow.account_id).where(
            Follow.target_account_id == status.account_id, Follow.notify.is_(True)))
        for account_id in subscribers:
            if account_id not in mentioned:
                await notify(session, recipient_id=account_id, sender_id=status.account_id, type="status",
                             activity_id=status.id, status_id=status.id)


def rings_bell(status: Status) -> bool:
    """Followers who rang the bell ("notify") hear of every new post they would see in
    their home timeline, as on Mastodon: not direct messages, not replies to others."""
    if status.visibility == "direct":
        return False
    return status.in_reply_to_account_id in (None, status.account_id)


@handler("notifications.reblogged")
async def reblogged(session: AsyncSession, payload: dict) -> None:
    boost = await session.get(Status, int(payload["status_id"]))
    if boost is None or boost.reblog_of_id is None:
        return
    original = await session.get(Status, boost.reblog_of_id)
    if original is None or original.deleted_at is not None:
        return
    await notify(session, recipient_id=original.account_id, sender_id=boost.account_id, type="reblog",
                 activity_id=boost.id, status_id=original.id)


@handler("notifications.favourited")
async def favourited(session: AsyncSession, payload: dict) -> None:
    fav = await session.get(Favourite, int(payload["favourite_id"]))
    if fav is None:
        return
    status = await session.get(Status, fav.status_id)
    if status is None or status.deleted_at is not None:
        return
    await notify(session, recipient_id=status.account_id, sender_id=fav.account_id, type="favourite",
                 activity_id=fav.id, status_id=status.id)


@handler("notifications.status_edited")
async def status_edited(session: AsyncSession, payload: dict) -> None:
    """Those who boosted a post hear when it changes (Mastodon's `update`); one per edit."""
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.deleted_at is not None or status.edited_at is None:
        return
    boosters = await session.scalars(select(Status.account_id).where(Status.reblog_of_id == status.id))
    for account_id in boosters:
        await notify(session, recipient_id=account_id, sender_id=status.account_id, type="update",
                     activity_id=_edit_activity(payload), status_id=status.id)


def _edit_activity(payload: dict) -> int:
    """The revision's id names the edit. Jobs queued before revisions were named carry only
    the edit's time; an id made from it would clash for two posts edited in one millisecond."""
    if "edit_id" in payload:
        return int(payload["edit_id"])
    return lowest_id_at(datetime.fromisoformat(payload["edited_at"]))


@handler("notifications.followed")
async def followed(session: AsyncSession, payload: dict) -> None:
    follow = await session.get(Follow, int(payload["follow_id"]))
    if follow is not None:
        await notify(session, recipient_id=follow.target_account_id, sender_id=follow.account_id,
                     type="follow", activity_id=follow.id)


@handler("notifications.follow_requested")
async def follow_requested(session: AsyncSession, payload: dict) -> None:
    request = await session.get(FollowRequest, int(payload["follow_request_id"]))
    if request is not None:
        await notify(session, recipient_id=request.target_account_id, sender_id=request.account_id,
                     type="follow_request", activity_id=request.id)
