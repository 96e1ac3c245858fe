"""Blocking: it ends follows and requests both ways and forbids new ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follows import remove_follow
from madang.accounts.pagination import list_linked_accounts
from madang.accounts.rows import feed_entries_posted_by, find_pair, insert_pair, pair_of
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.jobs import enqueue
from madang.models import Account, Block, FollowRequest, HomeFeedEntry


async def block_account(session: AsyncSession, *, account: Account, target: Account) -> Block:
    """Idempotent. Follows and requests between the two go, with their counts, and each
    one's posts leave the other's home feed."""
    if account.id == target.id:
        raise Invalid("You cannot block yourself", field="account_id")
    existing = await find_pair(session, Block, account.id, target.id)
    if existing is not None:
        return existing
    block, _ = await insert_pair(
        session, Block(account_id=account.id, target_account_id=target.id, created_at=utcnow())
    )
    await remove_follow(session, follower=account, target=target)
    await remove_follow(session, follower=target, target=account)
    await session.execute(
        delete(FollowRequest).where(
            or_(pair_of(FollowRequest, account.id, target.id), pair_of(FollowRequest, target.id, account.id))
        )
    )
    await session.execute(
        delete(HomeFeedEntry)
        .where(
            or_(
                (HomeFeedEntry.account_id == account.id) & (HomeFeedEntry.author_id == target.id),
                (HomeFeedEntry.account_id == target.id) & (HomeFeedEntry.author_id == account.id),
                feed_entries_posted_by(account.id, target.id),
                feed_entries_posted_by(target.id, account.id),
            )
        )
        .execution_options(synchronize_session=False)
    )
    if target.domain is not None and account.domain is None:
        await enqueue(session, "federation.blocked", {"account_id": account.id, "target_id": target.id})
    await session.flush()
    return block


async def unblock_account(session: AsyncSession, *, account: Account, target: Account) -> None:
    """Idempotent. Follows ended by the block do not come back."""
    result = await session.execute(delete(Block).where(pair_of(Block, account.id, target.id)))
    if result.rowcount and target.domain is not None and account.domain is None:
        await enqueue(session, "federation.blocked", {"account_id": account.id, "target_id": target.id, "undo": True})
    await session.flush()


async def list_blocks(session: AsyncSession, *, account: Account, **page: Any) -> list[tuple[int, Account]]:
    """(Block.id as cursor, blocked account), newest block first."""
    return await list_linked_accounts(session, link_id=Block.id, owner=Block.account_id,
                                      other=Block.target_account_id, owner_id=account.id, **page)