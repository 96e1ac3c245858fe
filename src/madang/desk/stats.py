"""The office's dashboard: open cases by status and department, the overdue list, and how fast
cases were first answered and resolved, per department and per category, week by week.

Counting and grouping of open cases happen in SQL (`GROUP BY` over the index
``ix_desk_cases_organisation_id_status_due_at``). The weekly times need ISO weeks in Seoul and
working time (deadlines.working_time_between), which neither database computes the same way, so
one SQL query fetches the range's cases with their first response (a correlated `MIN` read from
``ix_desk_case_events_case_id_action_at`` alone) and Python groups them and takes percentiles.
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
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid
from madang.desk.deadlines import SEOUL, working_time_between
from madang.desk.organisations import VIEW, closures_for, require_role
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
        raise Forbidden("민원 직원만 볼 수 있는 페이지입니다")
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

    def add(self, start: datetime, end: datetime, closures: Container[date], *,
            working_hours: float | None = None) -> None:
        if working_hours is None:
            working_hours = working_time_between(start, end, closures).total_seconds() / 3600
        self.working.append(working_hours)
        self.calendar.append(max((end - start).total_seconds(), 0.0) / 3600)

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


def iso_week(moment: datetime) -> tuple[str, date]:
    local = moment.astimezone(SEOUL).date()
    year, week, weekday = local.isocalendar()
    return f"{year}-W{week:02d}", local - timedelta(days=weekday - 1)


async def response_times(session: AsyncSession, *, organisation_id: int, start: date, end: date) -> ResponseTimes:
    """Cases received from ``start`` to ``end`` (Seoul dates, both included), grouped by the ISO
    week of receipt and by department, and by category; a case not yet answered counts in
    ``cases`` but has no time."""
    check_range(start, end)
    first_response = (
        select(func.min(CaseEvent.at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.action.in_(RESPONSE_ACTIONS))
        .correlate(Case).scalar_subquery())
    rows = (await session.execute(
        select(Case.received_at, Case.department_id, Case.category,
               func.coalesce(Case.first_response_at, first_response), Case.answered_at,
               Case.first_response_hours, Case.resolution_hours)
        .where(Case.organisation_id == organisation_id, Case.received_at >= seoul_day_start(start),
               Case.received_at < seoul_day_start(end + timedelta(days=1))))).all()
    names = await department_names(session, organisation_id=organisation_id)
    closures = await closures_for(session, organisation_id)
    return ResponseTimes(start, end, *group_times(rows, names, closures))


def group_times(
    rows: Iterable[tuple[Any, ...]],
    names: dict[int | None, str], closures: Container[date],
) -> tuple[list[WeekRow], list[WeekRow]]:
    departments: dict[tuple[str, date, str], WeekRow] = {}
    categories: dict[tuple[str, date, str], WeekRow] = {}
    for received_at, department_id, category, responded_at, answered_at, *kept in rows:
        week, monday = iso_week(received_at)
        first_hours, resolution_hours = kept if kept else (None, None)
        # Each case's times are computed once and shared by its two groupings; working hours
        # kept on the case when it happened (desk.durations) are read, not counted again.
        first, resolution = Times(), Times()
        if responded_at is not None:
            first.add(received_at, responded_at, closures, working_hours=first_hours)
        if answered_at is not None:
            resolution.add(received_at, answered_at, closures, working_hours=resolution_hours)
        for table, group in ((departments, names.get(department_id, NO_DEPARTMENT)),
                             (categories, category or NO_CATEGORY)):
            row = table.get((week, monday, group))
            if row is None:
                row = table[(week, monday, group)] = WeekRow(week, monday, group, 0, Times(), Times())
            row.cases += 1
            for mine, theirs in ((first, row.first_response), (resolution, row.resolution)):
                theirs.working += mine.working
                theirs.calendar += mine.calendar

    def ordered(table: dict[tuple[str, date, str], WeekRow]) -> list[WeekRow]:
        return [table[key] for key in sorted(table, key=lambda k: (k[1], k[2]))]

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
