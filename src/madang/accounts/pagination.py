"""Mastodon-style cursor pages over a snowflake id column.

``max_id`` and ``since_id`` bound the page from above and below; ``min_id`` asks for the
page just newer than a cursor, which needs an ascending query (then reversed) so the rows
nearest the cursor are the ones kept. All cursors are exclusive; pages come newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

# Mastodon's cap for account lists; a larger request is served, only shorter.
MAX_LIMIT = 80


def clamp_limit(limit: int, *, maximum: int = MAX_LIMIT) -> int:
    return max(1, min(int(limit), maximum))


def paginate(
    stmt: Select[Any],
    column: InstrumentedAttribute[int],
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 40,
) -> tuple[Select[Any], bool]:
    """The statement with cursors, order and limit applied, and whether the rows it
    returns must be reversed to come newest first."""
    if max_id is not None:
        stmt = stmt.where(column < max_id)
    if since_id is not None:
        stmt = stmt.where(column > since_id)
    ascending = min_id is not None
    if ascending:
        stmt = stmt.where(column > min_id).order_by(column.asc())
    else:
        stmt = stmt.order_by(column.desc())
    return stmt.limit(clamp_limit(limit)), ascending


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    column: InstrumentedAttribute[int],
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 40,
) -> Sequence[Row[Any]]:
    paged, reverse = paginate(stmt, column, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit)
    rows = (await session.execute(paged)).all()
    return rows[::-1] if reverse else rows
