"""The dashboard's numbers on a small set of cases whose times are known by hand."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from madang.core.clock import FrozenClock, set_clock
from madang.core.errors import Forbidden, Invalid
from madang.db import Database
from madang.desk import stats
from madang.desk.organisations import add_closure
from madang.models.desk import Case, CaseEvent
from tests.desk.city import City, clock_fixture, make_city, seoul  # noqa: F401

N = 0


def _case(city: City, received: datetime, *, department=None, category=None, status="answered",
          due: datetime | None = None, answered: datetime | None = None) -> Case:
    global N
    N += 1
    return Case(organisation_id=city.org.id, number=f"2026-{N:06d}", channel="web", kind="question_procedure",
                category=category, department_id=department.id if department else None, status=status,
                description="가로등", received_at=received, due_at=due or seoul(2026, 3, 12, 18),
                answered_at=answered, created_at=received, updated_at=received)


async def seed(db: Database) -> City:
    city = await make_city(db)
    async with db.write() as s:
        t, w = city.transport, city.welfare
        rows = [
            # (case, [(action, at)])  first response / resolution, working hours and calendar hours:
            (_case(city, seoul(2026, 3, 3, 10), department=t, category="streetlight", answered=seoul(2026, 3, 4, 10)),
             [("opened", seoul(2026, 3, 3, 10)), ("assign", seoul(2026, 3, 3, 10, 30)),
              ("ask_citizen", seoul(2026, 3, 3, 11)), ("answer", seoul(2026, 3, 4, 10))]),  # 1/1, 8/24
            (_case(city, seoul(2026, 3, 3, 10), department=t, category="streetlight", answered=seoul(2026, 3, 3, 14)),
             [("opened", seoul(2026, 3, 3, 10)), ("answer", seoul(2026, 3, 3, 14))]),  # 3/4, 3/4
            (_case(city, seoul(2026, 3, 3, 10), department=t, category="streetlight", answered=seoul(2026, 3, 5, 10)),
             [("opened", seoul(2026, 3, 3, 10)), ("answer", seoul(2026, 3, 5, 10))]),  # 16/48, 16/48
            # Open and late: counted, never timed.
            (_case(city, seoul(2026, 3, 3, 10), department=t, category="streetlight", status="assigned",
                   due=seoul(2026, 3, 3, 13)), [("opened", seoul(2026, 3, 3, 10))]),
            # The next week, another department, no category.
            (_case(city, seoul(2026, 3, 10, 9), department=w, answered=seoul(2026, 3, 10, 12)),
             [("answer", seoul(2026, 3, 10, 12))]),
            # Not assigned to any department yet, due later.
            (_case(city, seoul(2026, 3, 19, 9), status="received", due=seoul(2026, 3, 30, 18)), []),
            # Outside the range asked for.
            (_case(city, seoul(2026, 2, 20, 9), department=t, answered=seoul(2026, 2, 20, 10)),
             [("answer", seoul(2026, 2, 20, 10))]),
        ]
        for case, events in rows:
            s.add(case)
            await s.flush()
            for action, at in events:
                s.add(CaseEvent(case_id=case.id, actor_id=city.admin.id, at=at, action=action, note=""))
    return city


@pytest.fixture
def late_march():  # type: ignore[no-untyped-def]
    from madang.core import clock as clock_module

    real = clock_module.clock
    set_clock(FrozenClock(seoul(2026, 3, 20, 10).astimezone(timezone.utc)))
    yield
    set_clock(real)


async def test_weekly_medians_and_90th_percentiles(db: Database, late_march) -> None:  # type: ignore[no-untyped-def]
    city = await seed(db)
    async with db.read() as s:
        board = await stats.dashboard(s, staff=city.reader, start=date(2026, 3, 1), end=date(2026, 3, 31))
    by_dept = {(r.week, r.group): r for r in board.times.by_department}
    assert set(by_dept) == {("2026-W10", "교통"), ("2026-W11", "복지"), ("2026-W12", stats.NO_DEPARTMENT)}
    transport = by_dept[("2026-W10", "교통")]
    assert (transport.cases, transport.responded, transport.resolved) == (4, 3, 3)
    assert transport.monday == date(2026, 3, 2)
    assert transport.first_response.summary() == pytest.approx(
        {"median_working": 3, "p90_working": 13.4, "median_calendar": 4, "p90_calendar": 39.2})
    assert transport.resolution.summary() == pytest.approx(
        {"median_working": 8, "p90_working": 14.4, "median_calendar": 24, "p90_calendar": 43.2})
    welfare = by_dept[("2026-W11", "복지")]
    assert welfare.first_response.summary() == pytest.approx(
        {"median_working": 3, "p90_working": 3, "median_calendar": 3, "p90_calendar": 3})
    by_cat = {(r.week, r.group): r.cases for r in board.times.by_category}
    assert by_cat == {("2026-W10", "streetlight"): 4, ("2026-W11", stats.NO_CATEGORY): 1,
                      ("2026-W12", stats.NO_CATEGORY): 1}
    # Open cases by status and department; the late one is on the overdue list.
    assert board.counts.total == 2
    assert dict((s, n) for s, _, n in board.counts.by_status)["assigned"] == 1
    assert dict(board.counts.by_department) == {"교통": 1, stats.NO_DEPARTMENT: 1}
    assert board.overdue_total == 1 and [c.department for c in board.overdue] == ["교통"]


async def test_a_closure_is_not_working_time(db: Database, late_march) -> None:  # type: ignore[no-untyped-def]
    city = await seed(db)
    async with db.write() as s:
        await add_closure(s, day=date(2026, 3, 4), name="창립기념일", organisation=city.org)
    async with db.read() as s:
        times = await stats.response_times(s, organisation_id=city.org.id, start=date(2026, 3, 2),
                                           end=date(2026, 3, 8))
    transport = times.by_department[0]
    # 3/4 closed: 3 → 3 h, 8 → 7 h (3/3 10:00-18:00 only), 16 → 8 h.
    assert transport.resolution.summary()["median_working"] == pytest.approx(7)
    assert transport.resolution.summary()["median_calendar"] == pytest.approx(24)


async def test_only_staff_see_it_and_ranges_are_checked(db: Database, late_march) -> None:  # type: ignore[no-untyped-def]
    city = await seed(db)
    async with db.read() as s:
        with pytest.raises(Forbidden):
            await stats.dashboard(s, staff=city.citizen, start=date(2026, 3, 1), end=date(2026, 3, 31))
        with pytest.raises(Invalid) as bad:
            await stats.dashboard(s, staff=city.admin, start=date(2026, 3, 31), end=date(2026, 3, 1))
        assert bad.value.field == "to"
        with pytest.raises(Invalid):
            await stats.response_times(s, organisation_id=city.org.id, start=date(2024, 1, 1), end=date(2026, 1, 1))


def test_percentile_interpolates() -> None:
    assert stats.percentile([], 0.5) is None
    assert stats.percentile([5.0], 0.9) == 5.0
    assert stats.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert stats.percentile([10.0, 0.0], 0.9) == pytest.approx(9.0)


async def test_weeks_are_seoul_weeks_and_kept_hours_are_read(db: Database, late_march) -> None:  # type: ignore[no-untyped-def]
    """Sunday 23:30 in Seoul is still the old week; ten past midnight on Monday (still Sunday in
    UTC) is the new one. Cases whose working hours were kept when they were answered
    (desk.durations) are reported with those hours, not counted again."""
    city = await make_city(db)
    async with db.write() as s:
        late_sunday = _case(city, seoul(2026, 3, 8, 23, 30), department=city.transport,
                            answered=seoul(2026, 3, 9, 10))
        late_sunday.first_response_at, late_sunday.first_response_hours = seoul(2026, 3, 9, 10), 1.0
        late_sunday.resolution_hours = 1.0
        early_monday = _case(city, seoul(2026, 3, 9, 0, 10), department=city.transport,
                             answered=seoul(2026, 3, 9, 12))
        early_monday.first_response_at, early_monday.first_response_hours = seoul(2026, 3, 9, 12), 3.0
        early_monday.resolution_hours = 3.0
        s.add_all([late_sunday, early_monday])
    async with db.read() as s:
        times = await stats.response_times(s, organisation_id=city.org.id, start=date(2026, 3, 2),
                                           end=date(2026, 3, 15))
    rows = {r.week: r for r in times.by_department}
    assert set(rows) == {"2026-W10", "2026-W11"}
    assert rows["2026-W10"].monday == date(2026, 3, 2) and rows["2026-W11"].monday == date(2026, 3, 9)
    assert rows["2026-W10"].resolution.summary()["median_working"] == pytest.approx(1.0)
    assert rows["2026-W10"].resolution.summary()["median_calendar"] == pytest.approx(10.5)
    assert rows["2026-W11"].first_response.summary()["median_working"] == pytest.approx(3.0)
    assert rows["2026-W11"].first_response.summary()["median_calendar"] == pytest.approx(11 + 50 / 60)
