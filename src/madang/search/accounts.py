"""Finding people: by the start of their username or any part of their display name."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import blocked_account_ids
from madang.db.replicas import replica_read
from madang.models import Account, Follow
from madang.search.tags import like_prefix


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def search_accounts(
    session: AsyncSession, *, query: str, viewer_id: int | None = None, limit: int = 40, offset: int = 0,
    following: bool = False,
) -> list[Account]:
    """`민수` finds 김민수 (a Hangul name by any part), `anyang` finds "Anyang City"
    (lower-cased on both databases: SQLite's LIKE ignores ASCII case, PostgreSQL's does
    not). An exact username first, then the most followed. Accounts blocked either way
    are left out; ``following`` keeps only those the viewer follows."""
    query = query.strip().removeprefix("@")
    username = query.partition("@")[0].lower()
    if not username or limit < 1:
        return []
    inner = "%" + like_prefix(query.lower())
    stmt = select(Account).where(
        Account.suspended_at.is_(None),
        or_(Account.acct_key.like(like_prefix(username), escape="\\"),
            func.lower(Account.display_name).like(inner, escape="\\")),
    )
    if viewer_id is not None:
        blocked = await blocked_account_ids(session, viewer_id)
        if blocked:
            stmt = stmt.where(Account.id.not_in(blocked))
        if following:
            stmt = stmt.where(Account.id.in_(select(Follow.target_account_id).where(Follow.account_id == viewer_id)))
    exact = case((Account.acct_key == username, 0), else_=1)
    stmt = stmt.order_by(exact, Account.followers_count.desc(), Account.id).limit(limit).offset(max(0, offset))
    return list(await session.scalars(stmt))
