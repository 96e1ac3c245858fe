"""Finding hashtags by the start of their name (`#안양` finds 안양천, 안양시청)."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Tag
from madang.db.replicas import replica_read
from madang.text import is_valid_tag, normalize_tag


def like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def search_tags(session: AsyncSession, *, query: str, limit: int = 20, offset: int = 0) -> list[Tag]:
    """The exact tag first, then the shorter names (closer to what was typed)."""
    name = query.strip().lstrip("#＃")
    if not name or not is_valid_tag(name) or limit < 1:
        return []
    key = normalize_tag(name)
    stmt = (select(Tag).where(Tag.key.like(like_prefix(key), escape="\\"))
            .order_by(case((Tag.key == key, 0), else_=1), func.length(Tag.key), Tag.key)
            .limit(limit).offset(max(0, offset)))
    return list(await session.scalars(stmt))
