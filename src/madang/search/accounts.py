"""Finding people: the exact name, then names starting with what was typed (username or display
name), then 초성 and partly typed syllables (`ㅇㅇㅅㅊ`, `안야`, `안ㅇㅅ` find 안양시청), then any part
of the display name (`민수` finds 김민수). Decision 0062."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import blocked_account_ids
from madang.models import Account, Follow
from madang.search.autocomplete import in_tiers, like_prefix, pattern_clause, starts_with, text_starts_with
from madang.text.hangul_keys import name_key, patterns

__all__ = ["like_prefix", "search_accounts"]


async def search_accounts(
    session: AsyncSession, *, query: str, viewer_id: int | None = None, limit: int = 40, offset: int = 0,
    following: bool = False,
) -> list[Account]:
    """Within a tier the most followed first, then the shorter name (closer to what was typed).
    Lower-cased on both databases (SQLite's LIKE
    ignores ASCII case, PostgreSQL's does not). Accounts blocked either way are left out;
    ``following`` keeps only those the viewer follows."""
    query = query.strip().removeprefix("@")
    username = query.partition("@")[0].lower()
    if not username or limit < 1:
        return []
    base: list = [Account.suspended_at.is_(None)]
    if viewer_id is not None:
        blocked = await blocked_account_ids(session, viewer_id)
        if blocked:
            base.append(Account.id.not_in(blocked))
        if following:
            base.append(Account.id.in_(select(Follow.target_account_id).where(Follow.account_id == viewer_id)))
    typed = name_key(query)
    found_by = patterns(query)

    def ask(*where) -> object:  # type: ignore[no-untyped-def]
        async def tier(want: int) -> list[Account]:
            stmt: Select = select(Account).where(*base, *where)
            stmt = stmt.order_by(Account.followers_count.desc(), func.length(Account.name_key), Account.id).limit(want)
            return list(await session.scalars(stmt))
        return tier

    tiers = [ask(or_(Account.acct_key == username, Account.name_key == typed) if typed else
                 Account.acct_key == username),
             ask(text_starts_with(session, Account.acct_key, username))]
    if typed:
        tiers.append(ask(starts_with(Account.name_key, typed)))
    chosung = pattern_clause(found_by, Account.name_key, Account.name_initials)
    if chosung is not None:
        tiers.append(ask(chosung))
    # Any part of the display name: the one tier that reads every account (asked last, and only
    # when the others left the page short).
    tiers.append(ask(func.lower(Account.display_name).like("%" + like_prefix(query.lower()), escape="\\")))
    return await in_tiers(tiers, key=lambda a: a.id, limit=limit, offset=max(0, offset))  # type: ignore[arg-type]
