"""The publishing calendar: one month in the organisation's zone, each day with its scheduled
and published posts (and what was scheduled through the organisation's own Mastodon app)."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid
from madang.models import Account, Status
from madang.models.office import OfficeDraft, OfficePost
from madang.models.scheduled import ScheduledStatus
from madang.office.roles import require_office


@dataclass
class Entry:
    at: datetime
    kind: str  # scheduled | waiting (for approval) | published | scheduled_elsewhere
    text: str
    category: str | None = None
    author: Account | None = None
    draft_id: int | None = None
    status_id: int | None = None


@dataclass
class Day:
    day: date
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[Day | None]]  # Sunday first; None outside the month

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    def entries(self) -> list[Entry]:
        return [e for week in self.weeks for d in week if d for e in d.entries]


def parse_month(value: str | None, today: date) -> date:
    """``2026-06`` -> 1 June 2026; empty -> this month."""
    if not value:
        return today.replace(day=1)
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise Invalid("달은 2026-06처럼 연-월로 적어 주세요", field="month") from None


@dataclass
class Week:
    monday: date
    days: list[Day]  # Monday to Sunday

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def iso(self) -> str:
        """``2026-W50``: the week's ISO name, as the page's address carries it."""
        return iso_week(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def entries(self) -> list[Entry]:
        return [e for d in self.days for e in d.entries]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(week: str | None, start: str | None, today: date) -> date:
    """The Monday of ``2026-W50`` (an ISO week) or of the week holding ``start`` (``2026-12-09``);
    neither -> this week."""
    try:
        if week:
            value = week.strip().upper()
            if len(value) != 8 or value[4:6] != "-W":
                raise ValueError
            return date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
        day = date.fromisoformat(start.strip()) if start else today
        if start and len(start.strip()) != 10:
            raise ValueError
    except ValueError:
        raise Invalid("주는 2026-W50처럼 연-W주로, 시작일은 2026-12-07처럼 적어 주세요", field="week") from None
    return day - timedelta(days=day.weekday())


def parse_local_time(value: str, time_zone: str) -> datetime:
    """A form's ``2026-06-03T18:30`` (datetime-local) in the organisation's zone."""
    try:
        local = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise Invalid("예약 시각은 2026-06-03 18:30처럼 적어 주세요", field="scheduled_at") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(time_zone))
    return local


async def month_calendar(
    session: AsyncSession, *, organisation: Account, staff: Account, first: date, time_zone: str,
) -> Month:
    await require_office(session, organisation_id=organisation.id, account=staff, right="view")
    zone = ZoneInfo(time_zone)
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine((first + timedelta(days=32)).replace(day=1), time(0), tzinfo=zone)
    entries = await _entries(session, organisation=organisation, start=start, end=end)
    by_day: dict[date, Day] = {}
    weeks = []
    for week in calendar_module.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month):
        row: list[Day | None] = []
        for d in week:
            if d.month != first.month:
                row.append(None)
            else:
                by_day[d] = Day(d)
                row.append(by_day[d])
        weeks.append(row)
    for entry in sorted(entries, key=lambda e: e.at):
        by_day[entry.at.astimezone(zone).date()].entries.append(entry)
    return Month(first=first, weeks=weeks)



async def week_calendar(
    session: AsyncSession, *, organisation: Account, staff: Account, monday: date, time_zone: str,
) -> Week:
    """Seven days from ``monday`` in the organisation's zone, each day's posts in time order."""
    await require_office(session, organisation_id=organisation.id, account=staff, right="view")
    zone = ZoneInfo(time_zone)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    days = [Day(monday + timedelta(days=i)) for i in range(7)]
    by_day = {d.day: d for d in days}
    for entry in sorted(await _entries(session, organisation=organisation, start=start, end=end), key=lambda e: e.at):
        by_day[entry.at.astimezone(zone).date()].entries.append(entry)
    return Week(monday=monday, days=days)

async def _entries(session: AsyncSession, *, organisation: Account, start: datetime, end: datetime) -> list[Entry]:
    """The organisation's scheduled, waiting and published posts from ``start`` to ``end``."""
    entries: list[Entry] = []
    drafts = await session.execute(
        select(OfficeDraft, Account).join(Account, Account.id == OfficeDraft.author_id).where(
            OfficeDraft.organisation_id == organisation.id, OfficeDraft.state.in_(("scheduled", "submitted")),
            OfficeDraft.scheduled_at >= start, OfficeDraft.scheduled_at < end))
    known_rows = set()
    for draft, author in drafts:
        known_rows.add(draft.scheduled_status_id)
        # A draft waiting for approval shows at its planned time, so the approver sees the day.
        kind = "scheduled" if draft.state == "scheduled" else "waiting"
        entries.append(Entry(at=draft.scheduled_at, kind=kind, text=draft.text, category=draft.category,  # type: ignore[arg-type]
                             author=author, draft_id=draft.id))
    others = await session.scalars(select(ScheduledStatus).where(
        ScheduledStatus.account_id == organisation.id, ScheduledStatus.scheduled_at >= start,
        ScheduledStatus.scheduled_at < end))
    for row in others:
        if row.id not in known_rows and not row.params.get("office_draft_id"):
            entries.append(Entry(at=row.scheduled_at, kind="scheduled_elsewhere", text=row.params.get("text", "")))
    posts = await session.execute(
        select(OfficePost, Status, Account).join(Status, Status.id == OfficePost.status_id)
        .join(Account, Account.id == OfficePost.account_id).where(
            OfficePost.organisation_id == organisation.id, OfficePost.kind == "post", Status.deleted_at.is_(None),
            Status.created_at >= start, Status.created_at < end))
    for post, status, author in posts:
        entries.append(Entry(at=status.created_at, kind="published", text=status.text, category=post.category,
                             author=author, draft_id=post.draft_id, status_id=status.id))
    return entries
