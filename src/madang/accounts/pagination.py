"""Account lists (followers, blocks, requests…) paged by the id of the row that links them.

The cursor rules live in :mod:`madang.db.paging`; this adds Mastodon's cap for account lists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from madang.db.paging import Page, fetch_page
from madang.models import Account

# Mastodon's cap for account lists; a larger request is served, only shorter.
MAX_LIMIT = 80


def clamp_limit(limit: int, *, maximum: int = MAX_LIMIT) -> int:
    return max(1, min(int(limit), maximum))


async def list_linked_accounts(
    session: AsyncSession,
    *,
    link_id: InstrumentedAttribute[int],
    owner: InstrumentedAttribute[int],
    other: InstrumentedAttribute[int],
    owner_id: int,
    where: tuple[ColumnElement[bool], ...] = (),
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 40,
) -> list[tuple[int, Account]]:
    """(link row id as cursor, the account at the other end), newest link first."""
    stmt: Any = select(link_id, Account).join(Account, Account.id == other).where(owner == owner_id, *where)
    page = Page(max_id=max_id, since_id=since_id, min_id=min_id, limit=clamp_limit(limit))
    rows = await fetch_page(session, stmt, link_id, page, rows=True)
    return [(cursor, account) for cursor, account in rows]
