"""Follow counts, changed in SQL so concurrent units of work never lose an update."""

from __future__ import annotations

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from madang.models import Account

_accounts = Account.__table__


async def _bump(session: AsyncSession, account: Account, column_name: str, delta: int) -> None:
    column = _accounts.c[column_name]
    stmt = (
        update(_accounts)
        .where(_accounts.c.id == account.id)
        .values({column: case((column + delta < 0, 0), else_=column + delta)})
        .returning(column)
    )
    value = (await session.execute(stmt)).scalar_one()
    # Core UPDATE bypasses the ORM, so hand the object the new value (not marked dirty,
    # which would write a stale number back on the next flush).
    set_committed_value(account, column_name, value)


async def adjust_follow_counts(
    session: AsyncSession, *, follower: Account, target: Account, delta: int
) -> None:
    """Add ``delta`` to the follower's following_count and the target's followers_count.
    Rows are updated in id order so two crossing follows cannot deadlock on PostgreSQL."""
    pairs = sorted([(follower, "following_count"), (target, "followers_count")], key=lambda p: p[0].id)
    for account, column_name in pairs:
        await _bump(session, account, column_name, delta)
