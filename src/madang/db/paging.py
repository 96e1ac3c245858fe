"""Exclusive id cursors as Mastodon means them, for any query ordered by an id column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam
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


def cursor_shape(page: Page) -> tuple[bool, bool, bool]:
    """Which cursors a page has: the part of a prebuilt statement's cache key they decide."""
    return page.max_id is not None, page.since_id is not None, page.min_id is not None


def bounded_by_params(stmt: Select, column: Any, shape: tuple[bool, bool, bool]) -> Select:
    """``fetch_page``'s cursors as bind parameters (max_id, since_id, min_id, limit), for
    statements built once and run with ``fetch_prebuilt_page``."""
    with_max, with_since, with_min = shape
    if with_max:
        stmt = stmt.where(column < bindparam("max_id"))
    if with_since:
        stmt = stmt.where(column > bindparam("since_id"))
    if with_min:
        return stmt.where(column > bindparam("min_id")).order_by(column.asc()).limit(bindparam("limit"))
    return stmt.order_by(column.desc()).limit(bindparam("limit"))


async def fetch_prebuilt_page(stmt: Any, session: AsyncSession, page: Page, params: dict[str, Any]) -> list[Any]:
    """Rows of a prebuilt statement (a ``FastSelect`` over ``bounded_by_params``), newest first
    as ``fetch_page`` gives them."""
    values = {**params, "limit": page.limit, "max_id": page.max_id, "since_id": page.since_id,
              "min_id": page.min_id}
    rows = await stmt.all(session, {k: v for k, v in values.items() if v is not None})
    return rows[::-1] if page.min_id is not None else rows
