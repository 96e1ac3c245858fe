"""Starting the analytics jobs at start-up: the hourly rollup and the hourly health check."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.analytics.health_job import schedule_health_checks
from madang.analytics.rollup import schedule_analytics
from madang.core.settings import Settings


async def schedule_analytics_jobs(session: AsyncSession, *, settings: Settings) -> None:
    """Starting twice is a no-op (each chain runs once)."""
    await schedule_analytics(session, time_zone=settings.time_zone)
    await schedule_health_checks(session, settings=settings)
