"""Who may moderate: the instance's admins (User.admin)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Forbidden
from madang.models import Account, User
from madang.models.desk import StaffMember

NOT_ADMIN = "This action is allowed to administrators only"


async def is_admin(session: AsyncSession, account_id: int) -> bool:
    return bool(await session.scalar(select(User.admin).where(User.account_id == account_id)))


async def is_admin_or_office_admin(session: AsyncSession, account: Account) -> bool:
    """An instance admin, or a desk office_admin of some organisation: who may run the city's
    shared editorial things (announcements, hashtag families). Read from the database on every
    call: a role taken away stops at once."""
    if account.suspended_at is not None:
        return False
    if await is_admin(session, account.id):
        return True
    return bool(await session.scalar(select(exists().where(
        StaffMember.account_id == account.id, StaffMember.role == "office_admin"))))


async def require_admin(session: AsyncSession, account: Account) -> None:
    """Read from the database, not from a cached viewer: a revoked admin stops at once."""
    if account.suspended_at is not None or not await is_admin(session, account.id):
        raise Forbidden(NOT_ADMIN, needs=("instance_admin",))
