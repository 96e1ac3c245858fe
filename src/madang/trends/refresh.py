"""The trends job: recount daily tag use, rank tags and statuses, store the lists; then come back.

``trends.refresh`` re-enqueues itself ``REFRESH_EVERY`` later unless another refresh is
already waiting, so exactly one chain runs however many times it was started; it is
idempotent (every run rewrites the same tables from the statuses). Start the chain once with
``schedule_trends_refresh`` (at start-up); requests only read what the last run stored.

The job is unit-free: the counting reads run first, off the event loop and outside any
write unit (``trends.reading``), then one short write unit stores the results and the next
run. On SQLite the write lock is held for that insert only, not for the counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db import Database
from madang.jobs import enqueue, handler
from madang.models import Job, TrendingStatus, TrendingTag
from madang.trends.counting import count_recent_days, store_day_counts
from madang.trends.ranking import Ranked, rank_statuses, rank_tags
from madang.trends.reading import off_loop_reader

REFRESH_JOB = "trends.refresh"
REFRESH_EVERY = timedelta(minutes=10)
DEFAULT_TIME_ZONE = "Asia/Seoul"


@dataclass(frozen=True)
class TrendsResult:
    now: datetime
    days: list[date]
    day_counts: list[dict]  # tag_day_uses rows
    tags: list[Ranked]
    statuses: list[Ranked]


async def compute_trends(db: Database, *, now: datetime, time_zone: str) -> TrendsResult:
    """Count and rank from one snapshot, without a unit of work and off the event loop."""
    async with off_loop_reader(db) as run:
        days, day_counts = await count_recent_days(run, now=now, time_zone=time_zone)
        statuses = await rank_statuses(run, now)
    return TrendsResult(now, days, day_counts, rank_tags(day_counts, days), statuses)


async def store_trends(session: AsyncSession, result: TrendsResult) -> None:
    """Replace the stored counts and lists with ``result`` (one row per tag used a day, 200 ranked)."""
    await store_day_counts(session, result.day_counts)
    tags, statuses = TrendingTag.__table__, TrendingStatus.__table__
    await session.execute(tags.delete())
    await session.execute(statuses.delete())
    now = result.now
    if result.tags:
        await session.execute(tags.insert(), [
            {"tag_id": r.id, "rank": i, "score": r.score, "computed_at": now} for i, r in enumerate(result.tags)])
    if result.statuses:
        await session.execute(statuses.insert(), [
            {"status_id": r.id, "rank": i, "score": r.score, "computed_at": now}
            for i, r in enumerate(result.statuses)])


async def refresh_trends(db: Database, *, now: datetime | None = None,
                         time_zone: str = DEFAULT_TIME_ZONE) -> None:
    """Compute and store the trends in a write unit of its own (outside the job chain)."""
    result = await compute_trends(db, now=now or utcnow(), time_zone=time_zone)
    async with db.write() as session:
        await store_trends(session, result)


async def _refresh_waiting(session: AsyncSession, *states: str) -> bool:
    return bool(await session.scalar(select(exists().where(Job.name == REFRESH_JOB, Job.state.in_(states)))))


async def schedule_trends_refresh(session: AsyncSession, *, time_zone: str = DEFAULT_TIME_ZONE) -> bool:
    """Start the refresh chain unless it runs already; returns whether a job was enqueued."""
    if await _refresh_waiting(session, "pending", "running"):
        return False
    await enqueue(session, REFRESH_JOB, {"time_zone": time_zone})
    return True


@handler(REFRESH_JOB, unit=False)
async def run_refresh(db: Database, payload: dict) -> None:
    time_zone = payload.get("time_zone") or DEFAULT_TIME_ZONE
    result = await compute_trends(db, now=utcnow(), time_zone=time_zone)
    async with db.write() as session:
        await store_trends(session, result)
        # This job is "running" until the worker marks it done: a pending one is another
        # chain's next run (or ours, stored by an earlier attempt of this job), which will do.
        if not await _refresh_waiting(session, "pending"):
            await enqueue(session, REFRESH_JOB, {"time_zone": time_zone}, run_at=utcnow() + REFRESH_EVERY)
