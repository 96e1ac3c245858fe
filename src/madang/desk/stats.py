"""The office's dashboard: open cases by status and department, the overdue list, and how fast
cases were first answered and resolved, per department and per category, week by week.

Counting and grouping of open cases happen in SQL (`GROUP BY` over the index
``ix_desk_cases_organisation_id_status_due_at``). The weekly times need ISO weeks in Seoul and
working time (deadlines.working_time_between), which neither database computes the same way, so
one SQL query fetches the range's cases as numbers (the Seoul day of receipt, calendar hours, and
the working hours kept on each case by desk.durations; the first response falls back to a
correlated `MIN` read from ``ix_desk_case_events_case_id_action_at`` alone) and Python groups
them and takes percentiles.
The range query walks ``ix_desk_cases_organisation_id_received_at``: cost grows with the cases
received in the range, not with the table.

- First response: receipt to the first staff action that reached the citizen (asking for more
  information, or answering).
- Resolution: receipt to the answer (``answered_at``).
"""

from __future__ import annotations

import math
from typing import Any
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid
from madang.desk.deadlines import SEOUL, working_time_between
from madang.desk.organisations import VIEW, closures_for, needed, require_role
from madang.desk.queries import Membership, memberships
from madang.desk.transitions import OPEN, STATUS_LABELS
from madang.models import Account
from madang.models.desk import Case, CaseEvent, Department, StaffMember

# Staff actions whose result the citizen sees: the first of them ends "first response".
RESPONSE_ACTIONS = ("ask_citizen", "answer")
MAX_RANGE_DAYS = 366
OVERDUE_LIMIT = 100
NO_DEPARTMENT = "미배정"
NO_CATEGORY = "분류 없음"


# --- who may look ---------------------------------------------------------------------------


async def dashboard_organisation(
    session: AsyncSession, *, staff: Account, username: str | None = None, roles: tuple[str, ...] = VIEW,
    desks: list[Membership] | None = None,
) -> tuple[Account, StaffMember]:
    """The organisation whose desk ``staff`` is looking at (``username``, or their first desk),
    once their role there is one of ``roles``; Forbidden otherwise. ``desks``: the staff
    member's memberships when the caller has them already."""
    if desks is None:
        desks = await memberships(session, account=staff)
    if username:
        wanted = username.lstrip("@").lower()
        desks = [d for d in desks if d.organisation.acct_key == wanted]
    if not desks:
        raise Forbidden("민원 직원만 볼 수 있는 페이지입니다", needs=needed(roles))
    org, member = desks[0].organisation, desks[0].member
    await require_role(session, organisation_id=org.id, account=staff, roles=roles)
    return org, member


# --- open cases -----------------------------------------------------------------------------


@dataclass
class OpenCounts:
    by_status: list[tuple[str, str, int]]  # (status, label, count), in the state machine's order
    by_department: list[tuple[str, int]]  # (department name, count), busiest first
    total: int


async def open_counts(session: AsyncSession, *, organisation_id: int) -> OpenCounts:
    rows = (await session.execute(
        select(Case.status, Case.department_id, func.count())
        .where(Case.organisation_id == organisation_id, Case.status.in_(OPEN))
        .group_by(Case.status, Case.department_id))).all()
    names = await department_names(session, organisation_id=organisation_id)
    statuses: dict[str, int] = defaultdict(int)
    departments: dict[str, int] = defaultdict(int)
    for status, department_id, count in rows:
        statuses[status] += count
        departments[names.get(department_id, NO_DEPARTMENT)] += count
    return OpenCounts(
        by_status=[(s, STATUS_LABELS[s], statuses.get(s, 0)) for s in OPEN],
        by_department=sorted(departments.items(), key=lambda item: (-item[1], item[0])),
        total=sum(statuses.values()))


async def department_names(session: AsyncSession, *, organisation_id: int) -> dict[int | None, str]:
    rows = await session.execute(select(Department.id, Department.name).where(
        Department.organisation_id == organisation_id))
    return {department_id: name for department_id, name in rows}


@dataclass
class OverdueCase:
    number: str
    kind: str
    status: str
    status_label: str
    department: str
    received_at: datetime
    due_at: datetime


async def overdue_cases(
    session: AsyncSession, *, organisation_id: int, now: datetime | None = None, limit: int = OVERDUE_LIMIT,
) -> tuple[list[OverdueCase], int]:
    """Open cases past their due date, the most overdue first (at most ``limit``), and how many
    there are in all."""
    now = now or utcnow()
    late = and_(Case.organisation_id == organisation_id, Case.status.in_(OPEN), Case.due_at < now)
    total = int(await session.scalar(select(func.count()).select_from(Case).where(late)) or 0)
    rows = (await session.execute(
        select(Case.number, Case.kind, Case.status, Case.department_id, Case.received_at, Case.due_at)
        .where(late).order_by(Case.due_at, Case.id).limit(limit))).all()
    names = await department_names(session, organisation_id=organisation_id)
    return [OverdueCase(number, kind, status, STATUS_LABELS.get(status, status),
                        names.get(department_id, NO_DEPARTMENT), received_at, due_at)
            for number, kind, status, department_id, received_at, due_at in rows], total


# --- response and resolution times ----------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """The q-th quantile (0..1) by linear interpolation between closest ranks (numpy's default);
    None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Times:
    """Hours from receipt, for the cases of one group that got there."""

    working: list[float] = field(default_factory=list)
    calendar: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.calendar)

    def summary(self) -> dict[str, float | None]:
        return {"median_working": percentile(self.working, 0.5), "p90_working": percentile(self.working, 0.9),
                "median_calendar": percentile(self.calendar, 0.5), "p90_calendar": percentile(self.calendar, 0.9)}


@dataclass
class WeekRow:
    week: str  # ISO week, e.g. "2026-W45"
    monday: date
    group: str  # department or category
    cases: int
    first_response: Times
    resolution: Times

    @property
    def responded(self) -> int:
        return self.first_response.count

    @property
    def resolved(self) -> int:
        return self.resolution.count


@dataclass
class ResponseTimes:
    start: date
    end: date
    by_department: list[WeekRow]
    by_category: list[WeekRow]


def check_range(start: date, end: date) -> None:
    if end < start:
        raise Invalid("끝 날짜가 시작 날짜보다 앞설 수 없습니다", field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Invalid(f"기간은 {MAX_RANGE_DAYS}일까지 고를 수 있습니다", field="to")


def seoul_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SEOUL)


def iso_week_of_day(day: date) -> tuple[str, date]:
    """The ISO week of a Seoul day, e.g. ("2026-W45", its Monday)."""
    year, week, weekday = day.isocalendar()
    return f"{year}-W{week:02d}", day - timedelta(days=weekday - 1)


def _seoul_day(session: AsyncSession, moment: Any) -> Any:
    """The Seoul calendar day of a stored UTC time, computed by the database. Seoul has kept
    UTC+9 without daylight saving since 1988, so SQLite's fixed offset is exact."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Seoul", moment))
    return func.date(moment, "+9 hours")


def _hours_between(session: AsyncSession, start: Any, end: Any) -> Any:
    """Calendar hours from ``start`` to ``end`` (NULL when ``end`` is NULL), in the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


async def response_times(session: AsyncSession, *, organisation_id: int, start: date, end: date) -> ResponseTimes:
    """Cases received from ``start`` to ``end`` (Seoul dates, both included), grouped by the ISO
    week of receipt and by department, and by category; a case not yet answered counts in
    ``cases`` but has no time.

    The database hands back plain numbers (the Seoul day of receipt, calendar hours) rather than
    times: turning thousands of stored times into aware datetimes was most of this view's cost."""
    check_range(start, end)
    first_event = (
        select(func.min(CaseEvent.at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.action.in_(RESPONSE_ACTIONS))
        .correlate(Case).scalar_subquery())
    responded_at = func.coalesce(Case.first_response_at, first_event)
    rows = (await session.execute(
        select(Case.id, _seoul_day(session, Case.received_at), Case.department_id, Case.category,
               _hours_between(session, Case.received_at, responded_at),
               _hours_between(session, Case.received_at, Case.answered_at),
               Case.first_response_hours, Case.resolution_hours)
        .where(Case.organisation_id == organisation_id, Case.received_at >= seoul_day_start(start),
               Case.received_at < seoul_day_start(end + timedelta(days=1))))).all()
    names = await department_names(session, organisation_id=organisation_id)
    closures = await closures_for(session, organisation_id)
    # Cases answered before working hours were kept on the case (desk.durations) have them
    # counted here, from their times; new cases never need this.
    missing = [r[0] for r in rows if (r[4] is not None and r[6] is None) or (r[5] is not None and r[7] is None)]
    counted: dict[int, tuple[float | None, float | None]] = {}
    if missing:
        for case_id, received_at, at, answered_at in await session.execute(
                select(Case.id, Case.received_at, responded_at, Case.answered_at).where(Case.id.in_(missing))):
            if isinstance(at, str):  # the MIN() over events comes back untyped on SQLite
                at = datetime.fromisoformat(at).replace(tzinfo=timezone.utc)
            counted[case_id] = (
                _working_hours(received_at, at, closures), _working_hours(received_at, answered_at, closures))
    return ResponseTimes(start, end, *group_times(rows, names, counted))


def _working_hours(start: datetime, end: datetime | None, closures: Container[date]) -> float | None:
    return None if end is None else working_time_between(start, end, closures).total_seconds() / 3600


def group_times(
    rows: Iterable[tuple[Any, ...]], names: dict[int | None, str],
    counted: dict[int, tuple[float | None, float | None]],
) -> tuple[list[WeekRow], list[WeekRow]]:
    """Rows of (case id, Seoul day of receipt, department id, category, calendar hours to the
    first response, calendar hours to the answer, working hours to each as kept on the case),
    grouped by ISO week and department, and by ISO week and category. ``counted``: working hours
    counted here for cases that have none kept."""
    departments: dict[tuple[date, str], WeekRow] = {}
    categories: dict[tuple[date, str], WeekRow] = {}
    weeks: dict[Any, tuple[str, date]] = {}
    for case_id, day, department_id, category, first_calendar, resolution_calendar, first_hours, resolution_hours \
            in rows:
        week = weeks.get(day)
        if week is None:
            week = weeks[day] = iso_week_of_day(day if isinstance(day, date) else date.fromisoformat(day))
        if case_id in counted:
            first_hours, resolution_hours = counted[case_id]
        for table, group in ((departments, names.get(department_id, NO_DEPARTMENT)),
                             (categories, category or NO_CATEGORY)):
            row = table.get((week[1], group))
            if row is None:
                row = table[(week[1], group)] = WeekRow(week[0], week[1], group, 0, Times(), Times())
            row.cases += 1
            if first_calendar is not None:
                row.first_response.working.append(first_hours)
                row.first_response.calendar.append(max(first_calendar, 0.0))
            if resolution_calendar is not None:
                row.resolution.working.append(resolution_hours)
                row.resolution.calendar.append(max(resolution_calendar, 0.0))

    def ordered(table: dict[tuple[date, str], WeekRow]) -> list[WeekRow]:
        return [table[key] for key in sorted(table)]

    return ordered(departments), ordered(categories)


@dataclass
class Dashboard:
    organisation: Account
    counts: OpenCounts
    overdue: list[OverdueCase]
    overdue_total: int
    times: ResponseTimes | None
    desks: list[Account]


async def dashboard(
    session: AsyncSession, *, staff: Account, start: date | None, end: date | None, organisation: str | None = None,
) -> Dashboard:
    """Everything the dashboard page shows, for any staff member of the desk; without a range
    (the one asked for was not valid) the weekly table is left out."""
    if start is not None and end is not None:
        check_range(start, end)
    desks = await memberships(session, account=staff)
    org, _ = await dashboard_organisation(session, staff=staff, username=organisation, desks=desks)
    overdue, overdue_total = await overdue_cases(session, organisation_id=org.id)
    times = None
    if start is not None and end is not None:
        times = await response_times(session, organisation_id=org.id, start=start, end=end)
    return Dashboard(org, await open_counts(session, organisation_id=org.id), overdue, overdue_total, times,
                     [d.organisation for d in desks])


async def response_times_for(
    session: AsyncSession, *, staff: Account, start: date, end: date, organisation: str | None = None,
) -> tuple[Account, ResponseTimes]:
    """The weekly table alone (the CSV export), for any staff member of the desk."""
    check_range(start, end)
    org, _ = await dashboard_organisation(session, staff=staff, username=organisation)
    return org, await response_times(session, organisation_id=org.id, start=start, end=end)


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last four ISO weeks, this one included."""
    today = today or utcnow().astimezone(SEOUL).date()
    return today - timedelta(days=today.weekday() + 21), today
