"""Who is on a list: adding (only accounts the owner follows), removing, listing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.pagination import clamp_limit
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.db.paging import Page, fetch_page
from madang.lists.manage import get_list
from madang.models import Account, Follow, List, ListAccount


def member_ids_query(list_id: Any) -> Select:
    """Account ids on a list; ``list_id`` may be a bind parameter or a column."""
    return select(ListAccount.account_id).where(ListAccount.list_id == list_id)


async def add_list_accounts(session: AsyncSession, *, owner_id: int, list_id: int, account_ids: list[int]) -> None:
    """All or nothing, as Mastodon's transaction: an account that does not exist or that the
    owner does not follow is "Record not found", one already on the list is "taken"."""
    row = await get_list(session, owner_id=owner_id, list_id=list_id)
    wanted = list(dict.fromkeys(account_ids))
    if not wanted:
        raise Invalid("account_ids can't be blank", field="account_ids")
    # The owner may put themself on their own list (Mastodon allows it since 4.2).
    followed = set(await session.scalars(
        select(Follow.target_account_id).join(Account, Account.id == Follow.target_account_id)
        .where(Follow.account_id == owner_id, Follow.target_account_id.in_(wanted),
               Account.suspended_at.is_(None)))) | ({owner_id} & set(wanted))
    if set(wanted) - followed:
        raise NotFound("Record not found")
    present = set(await session.scalars(member_ids_query(row.id).where(ListAccount.account_id.in_(wanted))))
    if present:
        raise Conflict("Account has already been taken", field="account_id")
    now = utcnow()
    session.add_all([ListAccount(list_id=row.id, account_id=a, created_at=now) for a in wanted])
    await session.flush()


async def remove_list_accounts(session: AsyncSession, *, owner_id: int, list_id: int, account_ids: list[int]) -> None:
    """Ids not on the list are ignored, as Mastodon does."""
    row = await get_list(session, owner_id=owner_id, list_id=list_id)
    if account_ids:
        await session.execute(delete(ListAccount).where(ListAccount.list_id == row.id,
                                                        ListAccount.account_id.in_(account_ids)))
    await session.flush()


async def list_list_accounts(
    session: AsyncSession, *, owner_id: int, list_id: int, page: Page | None = None,
) -> list[tuple[int, Account]]:
    """(membership id as cursor, member), newest first; ``page`` None means all members
    (Mastodon's ``limit=0``). Suspended accounts are left out."""
    row = await get_list(session, owner_id=owner_id, list_id=list_id)
    stmt: Any = (select(ListAccount.id, Account).join(Account, Account.id == ListAccount.account_id)
                 .where(ListAccount.list_id == row.id, Account.suspended_at.is_(None)))
    if page is None:
        rows = await session.execute(stmt.order_by(ListAccount.id.desc()))
    else:
        page = Page(max_id=page.max_id, since_id=page.since_id, min_id=page.min_id, limit=clamp_limit(page.limit))
        rows = await fetch_page(session, stmt, ListAccount.id, page, rows=True)
    return [(cursor, account) for cursor, account in rows]


def exclusive_member_ids_query(viewer: Any) -> Select:
    """Accounts whose posts and boosts leave ``viewer``'s home timeline because they are on
    one of the viewer's exclusive lists (Mastodon 4.2's ``exclusive``). The viewer's own
    posts always stay. ``viewer`` may be a bind parameter, so the home statement can take
    this as a subquery built once: ``Status.account_id.not_in(q.scalar_subquery())``."""
    return (select(ListAccount.account_id).join(List, List.id == ListAccount.list_id)
            .where(List.account_id == viewer, List.exclusive.is_(True), ListAccount.account_id != viewer))
