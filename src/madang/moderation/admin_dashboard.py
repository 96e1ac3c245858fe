"""The /admin dashboard: sign-ups, active accounts, posts, reports and jobs by day over the last
weeks, in the server's zone. Every row's id is a snowflake made at its creation (core.ids), so a
day is an id range: each figure is one grouped range scan of a primary key, whatever the size
of the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.ids import lowest_id_at
from madang.models import Account, Job, Report, Status
from madang.moderation.permissions import require_admin

DAYS = 14
PAST_TTL = 600.0  # seconds the figures of the days before today are kept (per process)
_past: dict[tuple[str, str, date, int], tuple[float, dict[str, list[int]]]] = {}


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
    board = Dashboard(days=[Day(first + timedelta(days=n)) for n in range(days)])

    async def per_day(first_day: int, last_day: int, column, *where, count=None):  # type: ignore[no-untyped-def]
        """Rows of ``column``'s table made each day from ``first_day`` to ``last_day`` (indexes,
        exclusive end; or distinct ``count`` values)."""
        counted = func.count(distinct(count)) if count is not None else func.count()
        results = [0] * days
        span = bounds[1] - bounds[0]
        lo, hi = bounds[first_day], bounds[last_day]
        # Days are equally long in a zone without summer time (Asia/Seoul): one grouped query,
        # the day being the id's distance from the first midnight (integer division on both
        # databases: //, as / is true division in SQLAlchemy 2). A zone that changes its clocks in
        # the range asks day by day.
        if any(bounds[i + 1] - bounds[i] != span for i in range(days)):
            for n in range(first_day, last_day):
                results[n] = int(await session.scalar(select(counted).where(
                    column >= bounds[n], column < bounds[n + 1], *where)) or 0)
            return results
        stmt = select(((column - bounds[0]) // span).label("n"), counted).where(column >= lo, column < hi, *where) \
            .group_by("n")
        for n, value in await session.execute(stmt):
            if first_day <= int(n) < last_day:
                results[int(n)] = int(value)
        return results

    async def figures(first_day: int, last_day: int) -> dict[str, list[int]]:
        return {
            "sign_ups": await per_day(first_day, last_day, Account.id, Account.domain.is_(None)),
            "posts": await per_day(first_day, last_day, Status.id, Status.local.is_(True),
                                   Status.reblog_of_id.is_(None)),
            "remote": await per_day(first_day, last_day, Status.id, Status.local.is_(False)),
            "active": await per_day(first_day, last_day, Status.id, Status.local.is_(True), count=Status.account_id),
            "reports": await per_day(first_day, last_day, Report.id),
            "jobs": await per_day(first_day, last_day, Job.id),
            "failed": await per_day(first_day, last_day, Job.id, Job.state == "failed"),
        }

    # The days before today are counted once every PAST_TTL seconds per process (on a busy
    # instance they are hundreds of thousands of rows: ~1 s); today is counted on every view.
    key = (str(session.get_bind().url), time_zone, first, days)
    kept = _past.get(key)
    if kept is None or kept[0] <= monotonic():
        kept = (monotonic() + PAST_TTL, await figures(0, days - 1))
        if len(_past) > 16:
            _past.clear()
        _past[key] = kept
    today_figures = await figures(days - 1, days)
    merged = {name: [*kept[1][name][:days - 1], today_figures[name][days - 1]] for name in today_figures}
    for n, day in enumerate(board.days):
        day.sign_ups, day.posts = merged["sign_ups"][n], merged["posts"][n]
        day.remote_posts, day.active_accounts = merged["remote"][n], merged["active"][n]
        day.reports, day.jobs, day.failed_jobs = merged["reports"][n], merged["jobs"][n], merged["failed"][n]
    board.pending_jobs = int(await session.scalar(select(func.count()).select_from(Job).where(
        Job.state.in_(("pending", "running")))) or 0)
    board.failed_jobs = int(await session.scalar(select(func.count()).select_from(Job).where(
        Job.state == "failed")) or 0)
    board.open_reports = int(await session.scalar(select(func.count()).select_from(Report).where(
        Report.action_taken_at.is_(None))) or 0)
    board.days.reverse()  # newest first, as a moderator reads it
    return board
