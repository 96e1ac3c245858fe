"""Finding people: the exact name, then names starting with what was typed (username or display
name), then 초성 and partly typed syllables (`ㅇㅇㅅㅊ`, `안야`, `안ㅇㅅ` find 안양시청), then any part
of the display name (`민수` finds 김민수). Decision 0062."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import blocked_account_ids
from madang.db.replicas import replica_read
from madang.models import Account, Follow
from madang.search.autocomplete import (
    like_prefix, pattern_clause, ranked_ids, rows_by_ids, starts_with, text_starts_with,
)
from madang.text.hangul_keys import name_key, patterns

__all__ = ["like_prefix", "search_accounts"]


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def search_accounts(
    session: AsyncSession, *, query: str, viewer_id: int | None = None, limit: int = 40, offset: int = 0,
    following: bool = False,
) -> list[Account]:
    """Within a tier the most followed first, then the shorter name (closer to what was typed).
    Lower-cased on both databases (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
    Accounts blocked either way are left out; ``following`` keeps only those the viewer follows."""
    query = query.strip().removeprefix("@")
    username = query.partition("@")[0].lower()
    if not username or limit < 1:
        return []
    offset = max(0, offset)
    # coalesce(): no index term, so SQLite's planner (no ANALYZE) takes each tier's own index
    # rather than ix_accounts_suspended_at, which holds nearly every account under NULL.
    base: list = [func.coalesce(Account.suspended_at, None).is_(None)]
    if viewer_id is not None:
        blocked = await blocked_account_ids(session, viewer_id)
        if blocked:
            base.append(Account.id.not_in(blocked))
        if following:
            base.append(Account.id.in_(select(Follow.target_account_id).where(Follow.account_id == viewer_id)))
    typed = name_key(query)
    want = offset + limit

    def tier(*where) -> Select:  # type: ignore[no-untyped-def]
        followers, length = -Account.followers_count, func.length(Account.name_key)
        return (select(Account.id.label("id"), followers.label("followers"), length.label("length"))
                .where(*base, *where).order_by(followers, length, Account.id).limit(want))

    tiers = [tier(or_(Account.acct_key == username, Account.name_key == typed) if typed else
                  Account.acct_key == username),
             tier(text_starts_with(session, Account.acct_key, username))]
    if typed:
        tiers.append(tier(starts_with(Account.name_key, typed)))
    chosung = pattern_clause(patterns(query), Account.name_key, Account.name_initials)
    if chosung is not None:
        tiers.append(tier(chosung))
    ids = await ranked_ids(session, tiers, limit=want, offset=0)
    # Any part of the display name: the one tier that reads every account, asked only when the
    # others left the page short, and not for lone initials, which no display name holds.
    # On the stored name key (case-folded, no spaces: no lower() per row, and `양시` finds 안양 시청).
    if typed and len(ids) < want and not any(0x3131 <= ord(c) <= 0x318E for c in query):
        inner = Account.name_key.like("%" + like_prefix(typed), escape="\\")
        more = tier(inner, Account.id.not_in(ids)) if ids else tier(inner)
        ids += await ranked_ids(session, [more], limit=want - len(ids), offset=0)
    return await rows_by_ids(session, Account, ids[offset:want])
