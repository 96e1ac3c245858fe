"""Creating, renaming and deleting lists, and finding one's own."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.models import List, ListAccount
from madang.models.lists import REPLIES_POLICIES
from madang.text.normalizing import normalize

# Mastodon's List::PER_ACCOUNT_LIMIT.
MAX_LISTS = 50
# Mastodon's title is a plain string column; 255 is its usual bound, and the column's here.
MAX_TITLE = 255


def _title(value: str | None) -> str:
    title = normalize(value or "").strip()
    if not title:
        raise Invalid("Title can't be blank", field="title")
    if len(title) > MAX_TITLE:
        raise Invalid(f"Title is too long (maximum is {MAX_TITLE} characters)", field="title")
    return title


def _policy(value: str) -> str:
    if value not in REPLIES_POLICIES:
        raise Invalid("Replies policy is not included in the list", field="replies_policy")
    return value


async def create_list(
    session: AsyncSession, *, owner_id: int, title: str | None, replies_policy: str | None = None,
    exclusive: bool | None = None,
) -> List:
    row = List(account_id=owner_id, title=_title(title), replies_policy=_policy(replies_policy or "list"),
               exclusive=bool(exclusive), created_at=utcnow())
    count = await session.scalar(select(func.count()).select_from(List).where(List.account_id == owner_id))
    if (count or 0) >= MAX_LISTS:
        raise Invalid("You have reached the maximum number of lists")
    session.add(row)
    await session.flush()
    return row


async def find_list(session: AsyncSession, *, owner_id: int, list_id: int) -> List | None:
    return await session.scalar(select(List).where(List.id == list_id, List.account_id == owner_id))


async def get_list(session: AsyncSession, *, owner_id: int, list_id: int) -> List:
    """Someone else's list answers as a missing one: lists are private to their owner."""
    found = await find_list(session, owner_id=owner_id, list_id=list_id)
    if found is None:
        raise NotFound("Record not found")
    return found


async def update_list(
    session: AsyncSession, *, owner_id: int, list_id: int, title: str | None = None,
    replies_policy: str | None = None, exclusive: bool | None = None,
) -> List:
    """None leaves a field as it is; everything is checked before anything changes."""
    row = await get_list(session, owner_id=owner_id, list_id=list_id)
    new_title = _title(title) if title is not None else row.title
    new_policy = _policy(replies_policy) if replies_policy is not None else row.replies_policy
    row.title, row.replies_policy = new_title, new_policy
    if exclusive is not None:
        row.exclusive = exclusive
    await session.flush()
    return row


async def delete_list(session: AsyncSession, *, owner_id: int, list_id: int) -> None:
    row = await get_list(session, owner_id=owner_id, list_id=list_id)
    await session.execute(delete(ListAccount).where(ListAccount.list_id == row.id))
    await session.execute(delete(List).where(List.id == row.id).execution_options(synchronize_session=False))
    await session.flush()


async def list_lists(session: AsyncSession, *, owner_id: int) -> list[List]:
    """All of the owner's lists (at most MAX_LISTS), oldest first as Mastodon returns them."""
    return list(await session.scalars(select(List).where(List.account_id == owner_id)
                                      .order_by(List.id)))


async def list_lists_containing(session: AsyncSession, *, owner_id: int, account_id: int) -> list[List]:
    """The owner's lists that hold ``account_id`` (GET /api/v1/accounts/:id/lists)."""
    stmt = (select(List).join(ListAccount, ListAccount.list_id == List.id)
            .where(List.account_id == owner_id, ListAccount.account_id == account_id)
            .order_by(List.id))
    return list(await session.scalars(stmt))
