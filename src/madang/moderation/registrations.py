"""Registrations by approval: the sign-ups waiting for an admin, approved or rejected."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.models import Account, User
from madang.moderation.actions import check_reason
from madang.moderation.audit import record_action
from madang.moderation.permissions import require_admin

MAX_PENDING = 200


@dataclass
class PendingSignUp:
    account: Account
    user: User


async def list_pending_sign_ups(session: AsyncSession, *, limit: int = MAX_PENDING) -> list[PendingSignUp]:
    """Oldest first: the first to ask is the first answered."""
    rows = await session.execute(select(Account, User).join(User, User.account_id == Account.id)
                                 .where(User.approved.is_(False)).order_by(User.id).limit(limit))
    return [PendingSignUp(a, u) for a, u in rows]


async def count_pending_sign_ups(session: AsyncSession) -> int:
    from sqlalchemy import func

    return int(await session.scalar(select(func.count()).select_from(User).where(User.approved.is_(False))) or 0)


async def _pending(session: AsyncSession, account_id: int) -> tuple[Account, User]:
    row = (await session.execute(select(Account, User).join(User, User.account_id == Account.id)
                                 .where(Account.id == account_id, User.approved.is_(False)))).first()
    if row is None:
        raise NotFound("Record not found")
    return row[0], row[1]


async def approve_sign_up(session: AsyncSession, *, actor: Account, account_id: int, reason: str = "") -> Account:
    await require_admin(session, actor)
    text = check_reason(reason)
    account, user = await _pending(session, account_id)
    user.approved = True
    await record_action(session, actor=actor, action="approve_registration", target_account_id=account.id,
                        reason=text, details={"username": account.username})
    return account


async def reject_sign_up(session: AsyncSession, *, actor: Account, account_id: int, reason: str = "") -> str:
    """The waiting account is removed (it never posted: it could not sign in), so its username
    and address are free again; the log keeps the username."""
    await require_admin(session, actor)
    text = check_reason(reason)
    account, user = await _pending(session, account_id)
    username = account.username
    await record_action(session, actor=actor, action="reject_registration", reason=text,
                        details={"username": username})
    await session.execute(delete(User).where(User.id == user.id))
    await session.execute(delete(Account).where(Account.id == account.id))
    session.expunge(user)
    session.expunge(account)
    return username
