"""Muting: hides an account (and optionally its notifications), forever or for a while.

Muting deletes nothing: timelines and notifications filter by ``muted_account_ids`` when
they read, so a mute that lapses brings the posts back.
"""

from __future__ import annotations

from typing import Any

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.pagination import list_linked_accounts
from madang.accounts.policies import active_mute
from madang.accounts.rows import find_pair, insert_pair, pair_of
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.models import Account, Mute


MAX_DURATION = 100 * 365 * 24 * 3600  # beyond this a datetime overflows; for ever is 0


async def mute_account(
    session: AsyncSession,
    *,
    account: Account,
    target: Account,
    notifications: bool = True,
    duration: int = 0,
) -> Mute:
    """``duration`` in seconds, 0 for ever. Muting again replaces the options and restarts
    the duration."""
    if account.id == target.id:
        raise Invalid("You cannot mute yourself", field="account_id")
    if duration < 0 or duration > MAX_DURATION:
        raise Invalid("Duration must be between 0 seconds and 100 years", field="duration")
    now = utcnow()
    expires_at = now + timedelta(seconds=duration) if duration else None
    mute = await find_pair(session, Mute, account.id, target.id)
    if mute is None:
        row = Mute(account_id=account.id, target_account_id=target.id, created_at=now)
        mute, _ = await insert_pair(session, row)
    mute.hide_notifications = notifications
    mute.expires_at = expires_at
    await session.flush()
    return mute


async def unmute_account(session: AsyncSession, *, account: Account, target: Account) -> None:
    """Idempotent."""
    await session.execute(delete(Mute).where(pair_of(Mute, account.id, target.id)))
    await session.flush()


async def list_mutes(session: AsyncSession, *, account: Account, **page: Any) -> list[tuple[int, Account]]:
    """(Mute.id as cursor, muted account), newest mute first; lapsed mutes left out."""
    return await list_linked_accounts(session, link_id=Mute.id, owner=Mute.account_id,
                                      other=Mute.target_account_id, owner_id=account.id,
                                      where=(active_mute(),), **page)

async def mutes_of(session: AsyncSession, *, account: Account, target_ids: list[int]) -> dict[int, Mute]:
    """The account's mute rows of these targets (for a list that shows each mute's end and
    whether it hides notifications), in one query."""
    if not target_ids:
        return {}
    rows = await session.scalars(select(Mute).where(Mute.account_id == account.id,
                                                    Mute.target_account_id.in_(target_ids)))
    return {m.target_account_id: m for m in rows}
