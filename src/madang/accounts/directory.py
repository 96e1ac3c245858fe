"""The profile directory (Mastodon's `GET /api/v1/directory`): accounts that chose to be found."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import hidden_account_ids_query
from madang.models import Account, User

ORDERS = ("active", "new")


async def list_directory(
    session: AsyncSession, *, viewer_id: int | None, order: str = "active", local: bool = False,
    offset: int = 0, limit: int = 40,
) -> list[Account]:
    """Discoverable accounts, as Mastodon lists them: never suspended or limited ones, nor
    sign-ups still waiting for an admin, nor (for a signed-in viewer) accounts blocked
    either way or muted. ``active``: who posted last comes first (never-posted last);
    ``new``: the newest accounts first."""
    waiting = exists().where(User.account_id == Account.id, User.approved.is_(False))
    stmt = select(Account).where(Account.discoverable.is_(True), Account.suspended_at.is_(None),
                                 Account.limited_at.is_(None), ~waiting)
    if local:
        stmt = stmt.where(Account.domain.is_(None))
    if viewer_id is not None:
        stmt = stmt.where(Account.id.not_in(hidden_account_ids_query(viewer_id).scalar_subquery()))
    if order == "new":
        stmt = stmt.order_by(Account.id.desc())
    else:
        stmt = stmt.order_by(Account.last_status_at.is_(None), Account.last_status_at.desc(), Account.id.desc())
    return list(await session.scalars(stmt.offset(offset).limit(limit)))
