"""What the web composer suggests while someone types `@…` or `#…` (decision 0062): the same
autocomplete as the API's (초성 and partly typed syllables included), a few at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, Tag
from madang.search.accounts import search_accounts
from madang.search.tags import search_tags

SUGGESTIONS = 6


@dataclass(frozen=True)
class Suggestions:
    accounts: list[Account]
    tags: list[Tag]


async def composer_suggestions(session: AsyncSession, *, token: str, viewer_id: int,
                               limit: int = SUGGESTIONS) -> Suggestions:
    """``token``: the word being typed, with its `@` or `#`; anything else suggests nothing."""
    token = (token or "").strip()
    sigil, rest = token[:1], token[1:]
    if not rest or len(rest) > 100:
        return Suggestions([], [])
    if sigil == "@":
        return Suggestions(await search_accounts(session, query=rest, viewer_id=viewer_id, limit=limit), [])
    if sigil in ("#", "＃"):
        return Suggestions([], await search_tags(session, query=rest, limit=limit))
    return Suggestions([], [])
