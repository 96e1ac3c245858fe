"""Inserting a row that a unique constraint may already hold, portably."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Block, Follow, FollowRequest, HomeFeedEntry, Mute, Status

Pair = TypeVar("Pair", Follow, FollowRequest, Block, Mute)


def pair_of(model: type[Pair], account_id: int, target_id: int) -> ColumnElement[bool]:
    return and_(model.account_id == account_id, model.target_account_id == target_id)


async def find_pair(session: AsyncSession, model: type[Pair], account_id: int, target_id: int) -> Pair | None:
    return await session.scalar(select(model).where(pair_of(model, account_id, target_id)))


async def insert_pair(session: AsyncSession, row: Pair) -> tuple[Pair, bool]:
    """Insert ``row``, or return the row a concurrent unit of work committed first.

    The second element says whether this call inserted it. A savepoint rather than
    ON CONFLICT keeps the SQL the same on SQLite and PostgreSQL and keeps the caller's
    transaction usable after the unique constraint fires.
    """
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = await find_pair(session, type(row), row.account_id, row.target_account_id)
        if existing is None:  # the clash was something else (a missing account)
            raise
        return existing, False
    return row, True


def feed_entries_posted_by(reader_id: int, poster_id: int) -> ColumnElement[bool]:
    """Entries in ``reader_id``'s home feed of what ``poster_id`` posted or boosted (an
    entry's ``author_id`` names the boosted post's author, so it cannot say this alone)."""
    return (HomeFeedEntry.account_id == reader_id) & HomeFeedEntry.status_id.in_(
        select(Status.id).where(Status.account_id == poster_id)
    )
