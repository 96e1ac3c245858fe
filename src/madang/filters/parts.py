"""A filter's keywords and statuses as resources of their own (/filters/:id/keywords, …)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.filters.cache import changed
from madang.filters.manage import MAX_KEYWORDS, check_keyword, get_filter
from madang.models import Filter, FilterKeyword, FilterStatus
from madang.statuses.queries import get_visible_status


async def list_keywords(session: AsyncSession, *, owner_id: int, filter_id: int) -> list[FilterKeyword]:
    row = await get_filter(session, owner_id=owner_id, filter_id=filter_id)
    return list(await session.scalars(select(FilterKeyword).where(FilterKeyword.filter_id == row.id)
                                      .order_by(FilterKeyword.id)))


async def add_keyword(session: AsyncSession, *, owner_id: int, filter_id: int, keyword: str | None,
                      whole_word: bool | None) -> FilterKeyword:
    row = await get_filter(session, owner_id=owner_id, filter_id=filter_id)
    text = check_keyword(keyword)
    if len(await list_keywords(session, owner_id=owner_id, filter_id=row.id)) >= MAX_KEYWORDS:
        raise Invalid("Too many keywords", field="keyword")
    added = FilterKeyword(filter_id=row.id, keyword=text, whole_word=True if whole_word is None else whole_word,
                          created_at=utcnow())
    session.add(added)
    await session.flush()
    changed(session, owner_id)
    return added


async def get_keyword(session: AsyncSession, *, owner_id: int, keyword_id: int) -> FilterKeyword:
    found = await session.scalar(select(FilterKeyword).join(Filter, Filter.id == FilterKeyword.filter_id)
                                 .where(FilterKeyword.id == keyword_id, Filter.account_id == owner_id))
    if found is None:
        raise NotFound("Record not found")
    return found


async def update_keyword(session: AsyncSession, *, owner_id: int, keyword_id: int, keyword: str | None = None,
                         whole_word: bool | None = None) -> FilterKeyword:
    row = await get_keyword(session, owner_id=owner_id, keyword_id=keyword_id)
    text = check_keyword(keyword) if keyword is not None else row.keyword
    row.keyword = text
    if whole_word is not None:
        row.whole_word = whole_word
    await session.flush()
    changed(session, owner_id)
    return row


async def delete_keyword(session: AsyncSession, *, owner_id: int, keyword_id: int) -> None:
    row = await get_keyword(session, owner_id=owner_id, keyword_id=keyword_id)
    await session.execute(delete(FilterKeyword).where(FilterKeyword.id == row.id)
                          .execution_options(synchronize_session=False))
    await session.flush()
    changed(session, owner_id)


async def list_filter_statuses(session: AsyncSession, *, owner_id: int, filter_id: int) -> list[FilterStatus]:
    row = await get_filter(session, owner_id=owner_id, filter_id=filter_id)
    return list(await session.scalars(select(FilterStatus).where(FilterStatus.filter_id == row.id)
                                      .order_by(FilterStatus.id)))


async def add_filter_status(session: AsyncSession, *, owner_id: int, filter_id: int,
                            status_id: int | None) -> FilterStatus:
    """Only a status the owner can see can be filtered (as Mastodon's StatusPolicy#show?)."""
    row = await get_filter(session, owner_id=owner_id, filter_id=filter_id)
    if status_id is None:
        raise Invalid("Status can't be blank", field="status_id")
    status = await get_visible_status(session, status_id, owner_id)
    taken = await session.scalar(select(FilterStatus.id).where(FilterStatus.filter_id == row.id,
                                                                FilterStatus.status_id == status.id))
    if taken is not None:
        raise Conflict("Status has already been taken", field="status_id")
    added = FilterStatus(filter_id=row.id, status_id=status.id, created_at=utcnow())
    session.add(added)
    await session.flush()
    changed(session, owner_id)
    return added


async def get_filter_status(session: AsyncSession, *, owner_id: int, filter_status_id: int) -> FilterStatus:
    found = await session.scalar(select(FilterStatus).join(Filter, Filter.id == FilterStatus.filter_id)
                                 .where(FilterStatus.id == filter_status_id, Filter.account_id == owner_id))
    if found is None:
        raise NotFound("Record not found")
    return found


async def delete_filter_status(session: AsyncSession, *, owner_id: int, filter_status_id: int) -> None:
    row = await get_filter_status(session, owner_id=owner_id, filter_status_id=filter_status_id)
    await session.execute(delete(FilterStatus).where(FilterStatus.id == row.id)
                          .execution_options(synchronize_session=False))
    await session.flush()
    changed(session, owner_id)
