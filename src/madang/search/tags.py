"""Finding hashtags: the exact tag, then tags starting with what was typed (`#안양` finds 안양천,
안양시청; shorter names first), then 초성 and partly typed syllables (`ㅇㅇ`, `안야`). Decision 0062."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Tag
from madang.search.autocomplete import in_tiers, like_prefix, pattern_clause, text_starts_with
from madang.text import is_valid_tag, normalize_tag
from madang.text.hangul_keys import patterns

__all__ = ["like_prefix", "search_tags"]


def _typed(query: str) -> str:
    return query.strip().lstrip("#＃")


async def search_tags(session: AsyncSession, *, query: str, limit: int = 20, offset: int = 0) -> list[Tag]:
    name = _typed(query)
    # A lone initial consonant (`ㅇㅇ`) is no valid tag, but is what a Korean keyboard types first.
    found_by = patterns(name) if name else []
    if not name or limit < 1 or not (is_valid_tag(name) or found_by):
        return []
    key = normalize_tag(name)

    def ask(where) -> object:  # type: ignore[no-untyped-def]
        async def tier(want: int) -> list[Tag]:
            stmt = select(Tag).where(where).order_by(func.length(Tag.key), Tag.key).limit(want)
            return list(await session.scalars(stmt))
        return tier

    tiers = [ask(Tag.key == key), ask(text_starts_with(session, Tag.key, key))]
    chosung = pattern_clause(found_by, Tag.key, Tag.initials)
    if chosung is not None:
        tiers.append(ask(chosung))
    return await in_tiers(tiers, key=lambda t: t.id, limit=limit, offset=max(0, offset))  # type: ignore[arg-type]
