"""Creating, changing and deleting one's filters, with their keywords in the same request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.events import publish
from madang.filters.cache import changed
from madang.models import Filter, FilterKeyword, FilterStatus
from madang.models.filters import ACTIONS, CONTEXTS
from madang.text.normalizing import normalize

MAX_TITLE = 255
MAX_KEYWORD = 255
# Mastodon has no per-account cap on filters; a generous one keeps a page of them small.
MAX_FILTERS = 200
MAX_KEYWORDS = 200
# Ten years: anything longer is "never", and a bigger number would overflow a timestamp.
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600
KEEP = object()  # update: leave expires_at as it is
FILTERS_CHANGED_EVENT = "filters_changed"  # the event's type, and Mastodon's streaming event name
_ANNOUNCED = "madang.filters.announced"


def announce_filters_changed(session: AsyncSession, owner_id: int) -> None:
    """Tell the owner's ``user`` streams after commit that their filters changed (no payload:
    clients fetch them again, as from Mastodon). Once per owner and unit, however many
    filters or keywords the unit changed; nothing on rollback."""
    announced = session.info.setdefault(_ANNOUNCED, set())
    if owner_id not in announced:
        announced.add(owner_id)
        publish(session, {"type": FILTERS_CHANGED_EVENT, "account_id": owner_id})


@dataclass
class KeywordChange:
    """One element of keywords_attributes: new (no id), changed (id), or removed (destroy)."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


@dataclass
class FilterDetail:
    filter: Filter
    keywords: list[FilterKeyword] = field(default_factory=list)
    statuses: list[FilterStatus] = field(default_factory=list)


def check_title(value: str | None) -> str:
    title = normalize(value or "").strip()
    if not title:
        raise Invalid("Title can't be blank", field="title")
    if len(title) > MAX_TITLE:
        raise Invalid(f"Title is too long (maximum is {MAX_TITLE} characters)", field="title")
    return title


def check_context(values: Sequence[object]) -> str:
    chosen: list[str] = []
    for value in values:
        if not isinstance(value, str) or value not in CONTEXTS:
            raise Invalid("Context None or invalid context supplied", field="context")
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise Invalid("Context None or invalid context supplied", field="context")
    return ",".join(chosen)


def check_action(value: str | None) -> str:
    if value not in ACTIONS:
        raise Invalid("Filter action is not included in the list", field="filter_action")
    return value


def check_keyword(value: str | None) -> str:
    keyword = normalize(value or "").strip()
    if not keyword:
        raise Invalid("Keyword can't be blank", field="keyword")
    if len(keyword) > MAX_KEYWORD:
        raise Invalid(f"Keyword is too long (maximum is {MAX_KEYWORD} characters)", field="keyword")
    return keyword


def expiry(expires_in: int | None):  # type: ignore[no-untyped-def]
    if expires_in is None:
        return None
    if expires_in <= 0 or expires_in > MAX_EXPIRES_IN:
        raise Invalid("Expires in must be a positive number of seconds", field="expires_in")
    return utcnow() + timedelta(seconds=expires_in)


async def find_filter(session: AsyncSession, *, owner_id: int, filter_id: int) -> Filter | None:
    return await session.scalar(select(Filter).where(Filter.id == filter_id, Filter.account_id == owner_id))


async def get_filter(session: AsyncSession, *, owner_id: int, filter_id: int) -> Filter:
    """Someone else's filter answers as a missing one: filters are private."""
    found = await find_filter(session, owner_id=owner_id, filter_id=filter_id)
    if found is None:
        raise NotFound("Record not found")
    return found


async def details(session: AsyncSession, filters: Sequence[Filter]) -> list[FilterDetail]:
    """Each filter with its keywords and statuses, in two queries for any number of filters."""
    out = {f.id: FilterDetail(f) for f in filters}
    if out:
        for k in await session.scalars(select(FilterKeyword).where(FilterKeyword.filter_id.in_(out))
                                       .order_by(FilterKeyword.id)):
            out[k.filter_id].keywords.append(k)
        for s in await session.scalars(select(FilterStatus).where(FilterStatus.filter_id.in_(out))
                                       .order_by(FilterStatus.id)):
            out[s.filter_id].statuses.append(s)
    return list(out.values())


async def get_filter_detail(session: AsyncSession, *, owner_id: int, filter_id: int) -> FilterDetail:
    return (await details(session, [await get_filter(session, owner_id=owner_id, filter_id=filter_id)]))[0]


async def list_filters(session: AsyncSession, *, owner_id: int) -> list[FilterDetail]:
    """All of the owner's filters, expired ones too (clients show and renew them)."""
    rows = await session.scalars(select(Filter).where(Filter.account_id == owner_id).order_by(Filter.id))
    return await details(session, list(rows))


async def create_filter(
    session: AsyncSession, *, owner_id: int, title: str | None, context: Sequence[object],
    action: str | None = None, expires_in: int | None = None, keywords: Sequence[KeywordChange] = (),
) -> FilterDetail:
    """Everything is checked before the first row is added."""
    row = Filter(account_id=owner_id, title=check_title(title), context=check_context(context),
                 action=check_action(action or "warn"), expires_at=expiry(expires_in), created_at=utcnow())
    new = [FilterKeyword(keyword=check_keyword(k.keyword), whole_word=True if k.whole_word is None else k.whole_word,
                         created_at=utcnow()) for k in keywords if not k.destroy]
    if len(new) > MAX_KEYWORDS:
        raise Invalid("Too many keywords", field="keywords_attributes")
    count = await session.scalar(select(func.count()).select_from(Filter).where(Filter.account_id == owner_id))
    if (count or 0) >= MAX_FILTERS:
        raise Invalid("You have reached the maximum number of filters")
    session.add(row)
    await session.flush()
    for k in new:
        k.filter_id = row.id
        session.add(k)
    await session.flush()
    changed(session, owner_id)
    announce_filters_changed(session, owner_id)
    return (await details(session, [row]))[0]


async def update_filter(
    session: AsyncSession, *, owner_id: int, filter_id: int, title: str | None = None,
    context: Sequence[object] | None = None, action: str | None = None, expires_in: object = KEEP,
    keywords: Sequence[KeywordChange] = (),
) -> FilterDetail:
    """None (or KEEP) leaves a field as it is; a keyword id must be one of this filter's."""
    row = await get_filter(session, owner_id=owner_id, filter_id=filter_id)
    new_title = check_title(title) if title is not None else row.title
    new_context = check_context(context) if context is not None else row.context
    new_action = check_action(action) if action is not None else row.action
    new_expiry = row.expires_at if expires_in is KEEP else expiry(expires_in)  # type: ignore[arg-type]
    existing = {k.id: k for k in await session.scalars(
        select(FilterKeyword).where(FilterKeyword.filter_id == row.id))}
    planned: list[tuple[str, FilterKeyword | None, KeywordChange]] = []
    for change in keywords:
        if change.id is not None and change.id not in existing:
            raise NotFound("Record not found")
        target = existing.get(change.id) if change.id is not None else None
        if change.destroy:
            if target is not None:
                planned.append(("delete", target, change))
            continue
        if target is None or change.keyword is not None:
            check_keyword(change.keyword)
        planned.append(("upsert", target, change))
    row.title, row.context, row.action, row.expires_at = new_title, new_context, new_action, new_expiry
    for op, target, change in planned:
        if op == "delete":
            await session.execute(delete(FilterKeyword).where(FilterKeyword.id == target.id)
                                  .execution_options(synchronize_session=False))
        elif target is None:
            session.add(FilterKeyword(filter_id=row.id, keyword=check_keyword(change.keyword), created_at=utcnow(),
                                      whole_word=True if change.whole_word is None else change.whole_word))
        else:
            if change.keyword is not None:
                target.keyword = check_keyword(change.keyword)
            if change.whole_word is not None:
                target.whole_word = change.whole_word
    await session.flush()
    changed(session, owner_id)
    announce_filters_changed(session, owner_id)
    return (await details(session, [row]))[0]


async def delete_filter(session: AsyncSession, *, owner_id: int, filter_id: int) -> None:
    row = await get_filter(session, owner_id=owner_id, filter_id=filter_id)
    await session.execute(delete(FilterKeyword).where(FilterKeyword.filter_id == row.id))
    await session.execute(delete(FilterStatus).where(FilterStatus.filter_id == row.id))
    await session.execute(delete(Filter).where(Filter.id == row.id).execution_options(synchronize_session=False))
    await session.flush()
    changed(session, owner_id)
    announce_filters_changed(session, owner_id)
