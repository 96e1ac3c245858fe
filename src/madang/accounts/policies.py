"""Who blocks, mutes and follows whom: small predicates the other packages filter by."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.rows import pair_of
from madang.core.clock import utcnow
from madang.models import Block, Follow, Mute


def active_mute(now: Any = None) -> ColumnElement[bool]:
    """Mutes with a duration stay as rows after they lapse; this filter ignores them.
    ``now`` may be a bind parameter, for statements built once and run many times."""
    return or_(Mute.expires_at.is_(None), Mute.expires_at > (utcnow() if now is None else now))


async def blocked_either_way(session: AsyncSession, a_id: int, b_id: int) -> bool:
    stmt = select(exists().where(or_(pair_of(Block, a_id, b_id), pair_of(Block, b_id, a_id))))
    return bool(await session.scalar(stmt))


async def blocked_account_ids(session: AsyncSession, account_id: int) -> set[int]:
    """Accounts this one blocks and accounts that block it."""
    stmt = union(
        select(Block.target_account_id).where(Block.account_id == account_id),
        select(Block.account_id).where(Block.target_account_id == account_id),
    )
    return set((await session.scalars(stmt)).all())


async def muted_account_ids(session: AsyncSession, account_id: int) -> set[int]:
    stmt = select(Mute.target_account_id).where(Mute.account_id == account_id, active_mute())
    return set((await session.scalars(stmt)).all())


async def is_following(session: AsyncSession, follower_id: int, target_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(pair_of(Follow, follower_id, target_id)))))


def hidden_account_ids_query(account_id: Any, *, now: Any = None) -> Select:
    """Accounts whose posts this one does not see: blocked either way, or muted (unexpired).
    One statement; ``account_id`` and ``now`` may be bind parameters, so timelines can use
    it as a subquery of a statement built once."""
    return union(
        select(Block.target_account_id).where(Block.account_id == account_id),
        select(Block.account_id).where(Block.target_account_id == account_id),
        select(Mute.target_account_id).where(Mute.account_id == account_id, active_mute(now)),
    )
