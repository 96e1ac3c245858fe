"""The /admin dashboard: sign-ups, active accounts, posts, reports and jobs by day over the last
weeks, in the server's zone. Every row's id is a snowflake made at its creation (core.ids), so a
day is an id range: each figure is one grouped range scan of a primary key, whatever the size
of the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.ids import lowest_id_at
from madang.models import Account, Job, Report, Status
from madang.moderation.permissions import require_admin

DAYS = 14


@dataclass
class Day:
    day: date
    sign_ups: int = 0
    active_accounts: int = 0  # local accounts that posted that day
    posts: int = 0  # local posts
    remote_posts: int = 0
    reports: int = 0
    jobs: int = 0  # jobs made that day and still kept
    failed_jobs: int = 0


@dataclass
class Dashboard:
    days: list[Day] = field(default_factory=list)
    pending_jobs: int = 0
    failed_jobs: int = 0
    open_reports: int = 0


async def dashboard(session: AsyncSession, *, actor: Account, now: datetime, time_zone: str,
                    days: int = DAYS) -> Dashboard:
    await require_admin(session, actor)
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    starts = [datetime.combine(first + timedelta(days=n), time(0), tzinfo=zone) for n in range(days + 1)]
    bounds = [lowest_id_at(t) for t in starts]
    lo, hi = bounds[0], bounds[-1]
    board = Dashboard(days=[Day(first + timedelta(days=n)) for n in range(days)])

    async def per_day(column, *where, count=None):  # type: ignore[no-untyped-def]
        """Rows of ``column``'s table made each day (or distinct ``count`` values)."""
        counted = func.count(distinct(count)) if count is not None else func.count()
        results = [0] * days
        span = bounds[1] - bounds[0]
        # Days are equally long in a zone without summer time (Asia/Seoul): one grouped query,
        # the day being the id's distance from the first midnight (integer division on both
        # databases: //, as / is true division in SQLAlchemy 2). A zone that changes its clocks in
        # the range asks day by day.
        if any(bounds[i + 1] - bounds[i] != span for i in range(days)):
            for n in range(days):
                results[n] = int(await session.scalar(select(counted).where(
                    column >= bounds[n], column < bounds[n + 1], *where)) or 0)
            return results
        stmt = select(((column - lo) // span).label("n"), counted).where(column >= lo, column < hi, *where) \
            .group_by("n")
        for n, value in await session.execute(stmt):
            if 0 <= int(n) < days:
                results[int(n)] = int(value)
        return results

    sign_ups = await per_day(Account.id, Account.domain.is_(None))
    posts = await per_day(Status.id, Status.local.is_(True), Status.reblog_of_id.is_(None))
    remote = await per_day(Status.id, Status.local.is_(False))
    active = await per_day(Status.id, Status.local.is_(True), count=Status.account_id)
    reports = await per_day(Report.id)
    jobs = await per_day(Job.id)
    failed = await per_day(Job.id, Job.state == "failed")
    for n, day in enumerate(board.days):
        day.sign_ups, day.posts, day.remote_posts, day.active_accounts = sign_ups[n], posts[n], remote[n], active[n]
        day.reports, day.jobs, day.failed_jobs = reports[n], jobs[n], failed[n]
    board.pending_jobs = int(await session.scalar(select(func.count()).select_from(Job).where(
        Job.state.in_(("pending", "running")))) or 0)
    board.failed_jobs = int(await session.scalar(select(func.count()).select_from(Job).where(
        Job.state == "failed")) or 0)
    board.open_reports = int(await session.scalar(select(func.count()).select_from(Report).where(
        Report.action_taken_at.is_(None))) or 0)
    board.days.reverse()  # newest first, as a moderator reads it
    return board
