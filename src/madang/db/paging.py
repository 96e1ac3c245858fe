"""Exclusive id cursors as Mastodon means them, for any query ordered by an id column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20


def _bounded(stmt: Select, column: Any, page: Page) -> Select:
    if page.max_id is not None:
        stmt = stmt.where(column < page.max_id)
    if page.since_id is not None:
        stmt = stmt.where(column > page.since_id)
    if page.min_id is not None:
        # The page just above min_id: the oldest `limit` rows after it.
        return stmt.where(column > page.min_id).order_by(column.asc()).limit(page.limit)
    return stmt.order_by(column.desc()).limit(page.limit)


async def fetch_page(session: AsyncSession, stmt: Select, column: Any, page: Page, *, rows: bool = False) -> list[Any]:
    """Rows newest first, whichever cursor was given (``min_id`` pages are reversed)."""
    bounded = _bounded(stmt, column, page)
    result = list(await session.execute(bounded)) if rows else list(await session.scalars(bounded))
    if page.min_id is not None:
        result.reverse()
    return result
