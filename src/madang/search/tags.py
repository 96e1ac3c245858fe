"""Finding hashtags: the exact tag, then tags starting with what was typed (`#안양` finds 안양천,
안양시청; shorter names first), then 초성 and partly typed syllables (`ㅇㅇ`, `안야`). Decision 0062."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Tag
from madang.db.replicas import replica_read
from madang.search.autocomplete import like_prefix, pattern_clause, ranked_ids, rows_by_ids, text_starts_with
from madang.text import is_valid_tag, normalize_tag
from madang.text.hangul_keys import patterns

__all__ = ["like_prefix", "search_tags"]


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def search_tags(session: AsyncSession, *, query: str, limit: int = 20, offset: int = 0) -> list[Tag]:
    name = query.strip().lstrip("#＃")
    # A lone initial consonant (`ㅇㅇ`) is no valid tag, but is what a Korean keyboard types first.
    found_by = patterns(name) if name else []
    if not name or limit < 1 or not (is_valid_tag(name) or found_by):
        return []
    key = normalize_tag(name)
    want = max(0, offset) + limit

    def tier(where) -> Select:  # type: ignore[no-untyped-def]
        length = func.length(Tag.key)
        return (select(Tag.id.label("id"), length.label("length"), Tag.key.label("key"))
                .where(where).order_by(length, Tag.key).limit(want))

    tiers = [tier(Tag.key == key), tier(text_starts_with(session, Tag.key, key))]
    chosung = pattern_clause(found_by, Tag.key, Tag.initials)
    if chosung is not None:
        tiers.append(tier(chosung))
    return await rows_by_ids(session, Tag, await ranked_ids(session, tiers, limit=limit, offset=max(0, offset)))
