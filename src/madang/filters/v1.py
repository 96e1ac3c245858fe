"""The v1 filters view old apps use: each keyword is one v1 filter, as Mastodon 4 maps them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid, NotFound
from madang.filters.cache import changed
from madang.filters.manage import (
    KEEP,
    KeywordChange,
    check_action,
    check_context,
    check_keyword,
    check_title,
    create_filter,
    delete_filter,
    expiry,
)
from madang.models import Filter, FilterKeyword, FilterStatus


def _action(irreversible: bool | None) -> str:
    return "hide" if irreversible else "warn"


async def list_v1_filters(session: AsyncSession, *, owner_id: int) -> list[tuple[FilterKeyword, Filter]]:
    rows = await session.execute(select(FilterKeyword, Filter).join(Filter, Filter.id == FilterKeyword.filter_id)
                                 .where(Filter.account_id == owner_id).order_by(FilterKeyword.id))
    return [(k, f) for k, f in rows]


async def get_v1_filter(session: AsyncSession, *, owner_id: int, keyword_id: int) -> tuple[FilterKeyword, Filter]:
    row = (await session.execute(select(FilterKeyword, Filter).join(Filter, Filter.id == FilterKeyword.filter_id)
                                 .where(FilterKeyword.id == keyword_id, Filter.account_id == owner_id))).first()
    if row is None:
        raise NotFound("Record not found")
    return row[0], row[1]


async def create_v1_filter(
    session: AsyncSession, *, owner_id: int, phrase: str | None, context: Sequence[object],
    irreversible: bool | None = None, whole_word: bool | None = None, expires_in: int | None = None,
) -> tuple[FilterKeyword, Filter]:
    """A filter titled by its phrase, holding that one phrase as its keyword."""
    detail = await create_filter(session, owner_id=owner_id, title=check_keyword(phrase), context=context,
                                 action=_action(irreversible), expires_in=expires_in,
                                 keywords=[KeywordChange(keyword=phrase, whole_word=whole_word)])
    return detail.keywords[0], detail.filter


async def update_v1_filter(
    session: AsyncSession, *, owner_id: int, keyword_id: int, phrase: str | None = None,
    context: Sequence[object] | None = None, irreversible: bool | None = None, whole_word: bool | None = None,
    expires_in: object = KEEP,
) -> tuple[FilterKeyword, Filter]:
    """The keyword changes; the parent filter too, unless it holds other keywords that the
    change would silently affect (Mastodon refuses that the same way)."""
    keyword, parent = await get_v1_filter(session, owner_id=owner_id, keyword_id=keyword_id)
    new_phrase = check_keyword(phrase) if phrase is not None else keyword.keyword
    new_context = check_context(context) if context is not None else parent.context
    new_action = check_action(_action(irreversible)) if irreversible is not None else parent.action
    new_expiry = parent.expires_at if expires_in is KEEP else expiry(expires_in)  # type: ignore[arg-type]
    new_title = check_title(new_phrase) if phrase is not None else parent.title
    differs = (new_context, new_action, new_expiry, new_title) != (parent.context, parent.action,
                                                                   parent.expires_at, parent.title)
    if differs:
        siblings = await session.scalar(select(func.count()).select_from(FilterKeyword)
                                        .where(FilterKeyword.filter_id == parent.id))
        if (siblings or 0) > 1 and (new_context, new_action, new_expiry) != (
                parent.context, parent.action, parent.expires_at):
            raise Invalid("You cannot edit the context, action or expiry of a filter with several keywords "
                          "through this old API; use the newer filters API")
        if (siblings or 0) == 1:
            parent.title = new_title
        parent.context, parent.action, parent.expires_at = new_context, new_action, new_expiry
    keyword.keyword = new_phrase
    if whole_word is not None:
        keyword.whole_word = whole_word
    await session.flush()
    changed(session, owner_id)
    return keyword, parent


async def delete_v1_filter(session: AsyncSession, *, owner_id: int, keyword_id: int) -> None:
    """The keyword goes; a filter left with no keyword and no status goes with it, since a
    v1 client made it as one thing and has no way to see or remove the empty shell."""
    keyword, parent = await get_v1_filter(session, owner_id=owner_id, keyword_id=keyword_id)
    await session.execute(delete(FilterKeyword).where(FilterKeyword.id == keyword.id)
                          .execution_options(synchronize_session=False))
    await session.flush()
    left = await session.scalar(select(func.count()).select_from(FilterKeyword)
                                .where(FilterKeyword.filter_id == parent.id))
    held = await session.scalar(select(func.count()).select_from(FilterStatus)
                                .where(FilterStatus.filter_id == parent.id))
    if not left and not held:
        await delete_filter(session, owner_id=owner_id, filter_id=parent.id)
    changed(session, owner_id)
