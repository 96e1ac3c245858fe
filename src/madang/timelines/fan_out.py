"""Fan-out on write: one set-based INSERT … SELECT puts a post in every follower's home feed.

Mutes are not applied here but when a home timeline is read (``timelines.queries``): a
mute that lapses, or is lifted, brings back what was posted meanwhile, as
``accounts.mutes`` promises. Blocks end follows, so followers are never blocked; the
check stays as a guard against a block racing the job.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import ColumnElement, Select, and_, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.db.dialect import insert_ignore
from madang.jobs import handler
from madang.models import Block, Follow, HomeFeedEntry, Mention, Status
from madang.statuses.policies import visible_to

ENTRY_COLUMNS = ["account_id", "status_id", "author_id"]


def _not_blocking(account_col, author_id: int) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    return ~exists().where(
        or_(and_(Block.account_id == account_col, Block.target_account_id == author_id),
            and_(Block.account_id == author_id, Block.target_account_id == account_col))
    )


def _already_has(account_col, original_id: int) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """The original, or another boost of it, is in the feed: one copy of a post is enough."""
    boost = aliased(Status)
    return or_(
        exists().where(HomeFeedEntry.account_id == account_col, HomeFeedEntry.status_id == original_id),
        exists().where(HomeFeedEntry.account_id == account_col, HomeFeedEntry.status_id == boost.id,
                       boost.reblog_of_id == original_id),
    )


def _boost_recipients(boost: Status, original: Status) -> Select:
    follower = Follow.account_id
    return select(follower, literal(boost.id), literal(original.account_id)).where(
        Follow.target_account_id == boost.account_id,
        Follow.show_reblogs.is_(True),
        follower != original.account_id,
        _not_blocking(follower, original.account_id),
        ~_already_has(follower, original.id),
    )


def _direct_recipients(status: Status) -> Select:
    return select(Mention.account_id, literal(status.id), literal(status.account_id)).where(
        Mention.status_id == status.id, Mention.account_id != status.account_id,
        _not_blocking(Mention.account_id, status.account_id),
    )


def _follower_recipients(status: Status) -> Select:
    follower = Follow.account_id
    conditions = [Follow.target_account_id == status.account_id, _not_blocking(follower, status.account_id)]
    if status.in_reply_to_account_id not in (None, status.account_id):
        # A reply reaches only those who follow both sides of the conversation (or the
        # one replied to, if they follow the replier), as on Mastodon.
        also = aliased(Follow)
        conditions.append(or_(
            follower == status.in_reply_to_account_id,
            exists().where(also.account_id == follower, also.target_account_id == status.in_reply_to_account_id),
        ))
    return select(follower, literal(status.id), literal(status.account_id)).where(*conditions)


# Followers per INSERT … SELECT: a city account's 100,000 followers go in slices, with the
# event loop free between them (SQLite runs inline, so one huge statement would stall reads).
CHUNK = 5_000


async def _insert_in_slices(session: AsyncSession, query: Select, followee_id: int) -> int:
    table = HomeFeedEntry.__table__
    written, last = 0, 0
    while True:
        bound = await session.scalar(
            select(Follow.id).where(Follow.target_account_id == followee_id, Follow.id > last)
            .order_by(Follow.id).offset(CHUNK - 1).limit(1))
        sliced = query.where(Follow.id > last) if bound is None else query.where(Follow.id > last, Follow.id <= bound)
        result = await session.execute(insert_ignore(session, table).from_select(ENTRY_COLUMNS, sliced))
        written += result.rowcount or 0
        if bound is None:
            return written
        last = bound
        await asyncio.sleep(0)


async def fan_out_status(session: AsyncSession, status_id: int) -> int:
    """Idempotent (ON CONFLICT DO NOTHING), so a retried job adds nothing twice."""
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        return 0
    if status.reblog_of_id is not None:
        original = await session.get(Status, status.reblog_of_id)
        if original is None or original.deleted_at is not None:
            return 0
        return await _insert_in_slices(session, _boost_recipients(status, original), status.account_id)
    if status.visibility == "direct":
        result = await session.execute(insert_ignore(session, HomeFeedEntry.__table__)
                                       .from_select(ENTRY_COLUMNS, _direct_recipients(status)))
        return result.rowcount or 0
    return await _insert_in_slices(session, _follower_recipients(status), status.account_id)


@handler("timelines.fan_out")
async def fan_out_job(session: AsyncSession, payload: dict) -> None:
    await fan_out_status(session, int(payload["status_id"]))


MERGE_LIMIT = 40


@handler("timelines.merge_account")
async def merge_account_job(session: AsyncSession, payload: dict) -> None:
    """After a follow, the followee's recent posts appear in the follower's home timeline,
    as on Mastodon. Idempotent; skips what the follower could not see, and does nothing
    when the follow was undone (or ended by a block) before the job ran."""
    account_id, target_id = int(payload["account_id"]), int(payload["target_id"])
    still_following = await session.scalar(select(exists().where(
        Follow.account_id == account_id, Follow.target_account_id == target_id)))
    if not still_following:
        return
    recent = (
        select(literal(account_id), Status.id, Status.account_id)
        .where(Status.account_id == target_id, Status.reblog_of_id.is_(None), visible_to(account_id),
               or_(Status.in_reply_to_account_id.is_(None), Status.in_reply_to_account_id == target_id))
        .order_by(Status.id.desc()).limit(MERGE_LIMIT)
    )
    await session.execute(insert_ignore(session, HomeFeedEntry.__table__).from_select(ENTRY_COLUMNS, recent))
