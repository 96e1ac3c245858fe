"""The analytics job: recompute the recent days of every organisation and verified account from
the source tables, and come back in an hour.

``analytics.rollup`` rewrites yesterday and today (and, on the first runs, the past year a
month at a time, coming back a minute later until it is done), so it is idempotent and the
hot paths (posting, favouriting) are never touched. It is unit-free like ``trends.refresh``:
the counting reads run off the event loop on a read connection, then one short write unit
replaces the rows (delete and insert: the same on both databases)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.analytics.counting import Rollup, RunQuery, Tracked, count_account, tracked_clause
from madang.analytics.days import local_day, zone
from madang.core.clock import utcnow
from madang.db import Database
from madang.jobs import enqueue, handler
from madang.models import Account, Job
from madang.models.analytics import AccountDay, AccountHour, StatusDay
from madang.trends.reading import off_loop_reader

JOB = "analytics.rollup"
EVERY = timedelta(hours=1)
SOON = timedelta(minutes=1)
BACKFILL_DAYS = 365
CHUNK_DAYS = 31  # days of one account's backfill per run, so a run stays short
DEFAULT_TIME_ZONE = "Asia/Seoul"


async def tracked_accounts(run: RunQuery) -> list[Tracked]:
    last = select(func.max(AccountDay.day)).where(AccountDay.account_id == Account.id).correlate(Account)
    rows = await run(select(Account.id, Account.followers_count, Account.created_at, last.scalar_subquery())
                     .where(tracked_clause()))
    # Sorted here: ORDER BY id would walk the accounts' primary key index and look up every row.
    return sorted((Tracked(*row) for row in rows), key=lambda t: t.id)


def plan(account: Tracked, today: date, tz: object) -> tuple[date, date]:
    """The days this run recomputes: from the last day stored (yesterday at the latest, as its
    late hours came after the last run), or the start of the backfill; a month at most."""
    first = max(local_day(account.created_at, tz), today - timedelta(days=BACKFILL_DAYS))  # type: ignore[arg-type]
    start = first if account.last_day is None else max(first, min(account.last_day, today - timedelta(days=1)))
    return start, min(today, start + timedelta(days=CHUNK_DAYS - 1))


async def compute_rollups(db: Database, *, now: datetime, time_zone: str) -> tuple[list[Rollup], bool]:
    """The new rows of every tracked account, and whether some backfill is left for the next run."""
    tz = zone(time_zone)
    today = local_day(now, tz)
    rollups, more = [], False
    async with off_loop_reader(db) as run:
        for account in await tracked_accounts(run):
            start, end = plan(account, today, tz)
            rollups.append(await count_account(run, account=account, start=start, end=end, today=today, tz=tz))
            more = more or end < today
    return rollups, more


async def store_rollups(session: AsyncSession, rollups: list[Rollup]) -> None:
    for r in rollups:
        for table in (AccountDay, AccountHour, StatusDay):
            await session.execute(delete(table).where(
                table.account_id == r.account_id, table.day >= r.start, table.day <= r.end))
        for table, rows in ((AccountDay, r.days), (AccountHour, r.hours), (StatusDay, r.statuses)):
            if rows:
                await session.execute(table.__table__.insert(), rows)


async def rollup_analytics(db: Database, *, now: datetime | None = None, time_zone: str = DEFAULT_TIME_ZONE) -> bool:
    """One run outside the job chain (tests, the CLI); True when backfill is left."""
    rollups, more = await compute_rollups(db, now=now or utcnow(), time_zone=time_zone)
    async with db.write() as session:
        await store_rollups(session, rollups)
    return more


async def schedule_analytics(session: AsyncSession, *, time_zone: str = DEFAULT_TIME_ZONE) -> bool:
    """Start the hourly chain unless it is waiting already (starting twice is a no-op)."""
    if await _waiting(session, "pending", "running"):
        return False
    await enqueue(session, JOB, {"time_zone": time_zone})
    await session.flush()
    return True


@handler(JOB, unit=False)
async def run_rollup(db: Database, payload: dict) -> None:
    time_zone = payload.get("time_zone") or DEFAULT_TIME_ZONE
    rollups, more = await compute_rollups(db, now=utcnow(), time_zone=time_zone)
    async with db.write() as session:
        await store_rollups(session, rollups)
        # "running" until the worker marks this one done: a pending job is the chain's next run.
        if not await _waiting(session, "pending"):
            await enqueue(session, JOB, {"time_zone": time_zone}, run_at=utcnow() + (SOON if more else EVERY))


async def _waiting(session: AsyncSession, *states: str) -> bool:
    return bool(await session.scalar(select(exists().where(Job.name == JOB, Job.state.in_(states)))))
