"""Fan-out on write: one set-based INSERT … SELECT puts a post in every follower's home feed."""

from __future__ import annotations

from sqlalchemy import and_, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.db.dialect import insert_ignore
from madang.jobs import handler
from madang.models import Block, Follow, HomeFeedEntry, Mention, Mute, Status
from madang.core.clock import utcnow


def _not_muting(account_col, author_id: int):  # type: ignore[no-untyped-def]
    now = utcnow()
    return ~exists().where(
        Mute.account_id == account_col, Mute.target_account_id == author_id,
        or_(Mute.expires_at.is_(None), Mute.expires_at > now),
    )


def _not_blocking(account_col, author_id: int):  # type: ignore[no-untyped-def]
    return ~exists().where(
        or_(and_(Block.account_id == account_col, Block.target_account_id == author_id),
            and_(Block.account_id == author_id, Block.target_account_id == account_col))
    )


async def fan_out_status(session: AsyncSession, status_id: int) -> int:
    """Idempotent (ON CONFLICT DO NOTHING), so a retried job adds nothing twice."""
    status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        return 0
    entry_cols = ["account_id", "status_id", "author_id"]
    if status.reblog_of_id is not None:
        original = await session.get(Status, status.reblog_of_id)
        if original is None or original.deleted_at is not None:
            return 0
        follower = Follow.account_id
        query = select(follower, literal(status.id), literal(original.account_id)).where(
            Follow.target_account_id == status.account_id,
            Follow.show_reblogs.is_(True),
            follower != original.account_id,
            _not_muting(follower, original.account_id),
            _not_blocking(follower, original.account_id),
            # Whoever already has the original in their feed is not shown it again.
            ~exists().where(HomeFeedEntry.account_id == follower, HomeFeedEntry.status_id == original.id),
        )
    elif status.visibility == "direct":
        query = select(Mention.account_id, literal(status.id), literal(status.account_id)).where(
            Mention.status_id == status.id, Mention.account_id != status.account_id,
            _not_blocking(Mention.account_id, status.account_id),
        )
    else:
        follower = Follow.account_id
        also = aliased(Follow)
        conditions = [Follow.target_account_id == status.account_id, _not_muting(follower, status.account_id)]
        if status.in_reply_to_account_id not in (None, status.account_id):
            # A reply reaches only those who follow both sides of the conversation.
            conditions.append(or_(
                follower == status.in_reply_to_account_id,
                exists().where(also.account_id == follower,
                               also.target_account_id == status.in_reply_to_account_id),
            ))
        query = select(follower, literal(status.id), literal(status.account_id)).where(*conditions)
    result = await session.execute(insert_ignore(session, HomeFeedEntry.__table__).from_select(entry_cols, query))
    return result.rowcount or 0


@handler("timelines.fan_out")
async def fan_out_job(session: AsyncSession, payload: dict) -> None:
    await fan_out_status(session, int(payload["status_id"]))


MERGE_LIMIT = 40


@handler("timelines.merge_account")
async def merge_account_job(session: AsyncSession, payload: dict) -> None:
    """After a follow, the followee's recent posts appear in the follower's home timeline,
    as on Mastodon. Idempotent; skips what the follower could not see."""
    from madang.statuses.policies import visible_to

    account_id, target_id = int(payload["account_id"]), int(payload["target_id"])
    recent = (
        select(literal(account_id), Status.id, Status.account_id)
        .where(Status.account_id == target_id, Status.reblog_of_id.is_(None), visible_to(account_id),
               or_(Status.in_reply_to_account_id.is_(None), Status.in_reply_to_account_id == target_id))
        .order_by(Status.id.desc()).limit(MERGE_LIMIT)
    )
    await session.execute(insert_ignore(session, HomeFeedEntry.__table__)
                          .from_select(["account_id", "status_id", "author_id"], recent))
