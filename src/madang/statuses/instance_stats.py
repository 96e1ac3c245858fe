"""How big the instance is: local users and their posts (for the about page and the API)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Status, User


async def instance_stats(session: AsyncSession) -> tuple[int, int]:
    users = await session.scalar(select(func.count()).select_from(User)) or 0
    statuses = await session.scalar(select(func.count()).select_from(Status).where(
        Status.local.is_(True), Status.deleted_at.is_(None), Status.reblog_of_id.is_(None))) or 0
    return int(users), int(statuses)
