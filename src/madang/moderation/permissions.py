"""Who may moderate: the instance's admins (User.admin)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Forbidden
from madang.models import Account, User

NOT_ADMIN = "This action is allowed to administrators only"


async def is_admin(session: AsyncSession, account_id: int) -> bool:
    return bool(await session.scalar(select(User.admin).where(User.account_id == account_id)))


async def require_admin(session: AsyncSession, account: Account) -> None:
    """Read from the database, not from a cached viewer: a revoked admin stops at once."""
    if account.suspended_at is not None or not await is_admin(session, account.id):
        raise Forbidden(NOT_ADMIN, needs=("instance_admin",))
