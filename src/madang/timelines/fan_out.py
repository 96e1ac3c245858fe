"""Fan-out on write: the job that puts a status in its audience's home feeds, for boosts and
for posts by authors too followed to deliver inline (``statuses.delivery``)."""

from __future__ import annotations

from sqlalchemy import exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.dialect import insert_ignore
from madang.events import CREATED, publish, status_event
from madang.jobs import handler
from madang.models import Follow, HomeFeedEntry, Status
from madang.statuses.delivery import (
    ENTRY_COLUMNS,
    TAG_FAN_OUT_JOB,
    boost_recipients,
    deliver_post,
    deliver_to_tag_followers,
    insert_in_slices,
)
from madang.statuses.policies import visible_to


async def fan_out_status(session: AsyncSession, status_id: int) -> int:
    """Idempotent (ON CONFLICT DO NOTHING), so a retried job adds nothing twice."""
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        return 0
    if status.reblog_of_id is not None:
        original = await session.get(Status, status.reblog_of_id)
        if original is None or original.deleted_at is not None:
            return 0
        # Boosts reach live home streams from here (the job starts at once after the
        # boost commits); posts are published by create_status itself.
        publish(session, status_event(CREATED, status))
        return await insert_in_slices(session, boost_recipients(status, original), status.account_id)
    return await deliver_post(session, status)


@handler("timelines.fan_out")
async def fan_out_job(session: AsyncSession, payload: dict) -> None:
    await fan_out_status(session, int(payload["status_id"]))


@handler(TAG_FAN_OUT_JOB)
async def fan_out_tags_job(session: AsyncSession, payload: dict) -> None:
    """A post whose hashtags have many followers (``statuses.delivery``). Idempotent."""
    status = await session.get(Status, int(payload["status_id"]))
    if status is not None and status.deleted_at is None:
        await deliver_to_tag_followers(session, status)


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
