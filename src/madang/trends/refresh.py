"""The trends job: recount daily tag use, rank tags and statuses, store the lists; then come back.

``trends.refresh`` re-enqueues itself ``REFRESH_EVERY`` later unless another refresh is
already waiting, so exactly one chain runs however many times it was started; it is
idempotent (every run rewrites the same tables from the statuses). Start the chain once with
``schedule_trends_refresh`` (at start-up); requests only read what the last run stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.jobs import enqueue, handler
from madang.models import Job, TrendingStatus, TrendingTag
from madang.trends.counting import recount_recent_days
from madang.trends.ranking import rank_statuses, rank_tags

REFRESH_JOB = "trends.refresh"
REFRESH_EVERY = timedelta(minutes=10)
DEFAULT_TIME_ZONE = "Asia/Seoul"


async def refresh_trends(session: AsyncSession, *, now: datetime | None = None,
                         time_zone: str = DEFAULT_TIME_ZONE) -> None:
    now = now or utcnow()
    days = await recount_recent_days(session, now=now, time_zone=time_zone)
    tags = await rank_tags(session, days)
    statuses = await rank_statuses(session, now)
    await session.execute(delete(TrendingTag).execution_options(synchronize_session=False))
    await session.execute(delete(TrendingStatus).execution_options(synchronize_session=False))
    session.add_all(TrendingTag(tag_id=r.id, rank=i, score=r.score, computed_at=now) for i, r in enumerate(tags))
    session.add_all(TrendingStatus(status_id=r.id, rank=i, score=r.score, computed_at=now)
                    for i, r in enumerate(statuses))
    await session.flush()


async def _refresh_waiting(session: AsyncSession, *states: str) -> bool:
    return bool(await session.scalar(select(exists().where(Job.name == REFRESH_JOB, Job.state.in_(states)))))


async def schedule_trends_refresh(session: AsyncSession, *, time_zone: str = DEFAULT_TIME_ZONE) -> bool:
    """Start the refresh chain unless it runs already; returns whether a job was enqueued."""
    if await _refresh_waiting(session, "pending", "running"):
        return False
    await enqueue(session, REFRESH_JOB, {"time_zone": time_zone})
    return True


@handler(REFRESH_JOB)
async def run_refresh(session: AsyncSession, payload: dict) -> None:
    time_zone = payload.get("time_zone") or DEFAULT_TIME_ZONE
    await refresh_trends(session, time_zone=time_zone)
    # This job is "running" now: a pending one is another chain's next run, which will do.
    if not await _refresh_waiting(session, "pending"):
        await enqueue(session, REFRESH_JOB, {"time_zone": time_zone}, run_at=utcnow() + REFRESH_EVERY)
