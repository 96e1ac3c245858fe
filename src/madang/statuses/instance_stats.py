"""How big the instance is: local users and their posts (for the about page and the API)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, User


async def instance_stats(session: AsyncSession) -> tuple[int, int]:
    """Users, and the posts of local accounts as their profiles count them (Mastodon sums the
    same counters): counting the statuses table took 0.3 s on 1M posts, on every
    `GET /api/v1/instance` a client makes when it starts."""
    users = await session.scalar(select(func.count()).select_from(User)) or 0
    statuses = await session.scalar(select(func.coalesce(func.sum(Account.statuses_count), 0))
                                    .where(Account.domain.is_(None))) or 0
    return int(users), int(statuses)


async def active_users(session: AsyncSession, *, days: int, today: date) -> int:
    """Local accounts that posted within ``days`` (NodeInfo's activeMonth/activeHalfyear)."""
    since = today - timedelta(days=days)
    return int(await session.scalar(select(func.count()).select_from(Account)
                                    .where(Account.domain.is_(None), Account.last_status_at >= since)) or 0)
