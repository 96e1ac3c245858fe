"""Legal deadlines of 민원 cases (민원처리법 제19조) on the Korean holiday calendar of 2025-2028."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madang.core.errors import Invalid
from madang.desk.deadlines import (
    DAYS,
    KINDS,
    PERIODS,
    SEOUL,
    WORKING_HOURS,
    add_working_time,
    due_after,
    due_at,
    extend_for_wait,
    is_working_day,
    waited_working_days,
    working_days_between,
    working_seconds_between,
    working_time_between,
)
from madang.desk.holidays_kr import holiday_name, public_holidays


def kst(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=SEOUL)


# --- the calendar: pinned so a `holidays` downgrade (or a wrong upgrade) is caught ----------

PINNED_HOLIDAYS = {
    # 2025: the 임시공휴일 before 설날 and the special presidential election.
    date(2025, 1, 27): "임시공휴일",
    date(2025, 6, 3): "대통령 선거일",
    # 2026: 설날 Mon-Wed, 삼일절 on a Sunday -> Monday, 노동절 (a public holiday from 2026),
    # 부처님오신날 on a Sunday -> Monday, the local elections, 제헌절 (a holiday again from 2026),
    # 광복절 and 개천절 on Saturdays -> Mondays, 추석 Thu-Sat.
    date(2026, 2, 16): "설날 전날",
    date(2026, 2, 17): "설날",
    date(2026, 2, 18): "설날 다음날",
    date(2026, 3, 2): "삼일절 대체 휴일",
    date(2026, 5, 1): "노동절",
    date(2026, 5, 5): "어린이날",
    date(2026, 5, 25): "부처님오신날 대체 휴일",
    date(2026, 6, 3): "지방선거일",
    date(2026, 7, 17): "제헌절",
    date(2026, 8, 17): "광복절 대체 휴일",
    date(2026, 9, 24): "추석 전날",
    date(2026, 9, 25): "추석",
    date(2026, 9, 26): "추석 다음날",
    date(2026, 10, 5): "개천절 대체 휴일",
    # 2027: 설날 Sat-Mon with its substitute Tuesday, 제헌절 and 성탄절 on Saturdays.
    date(2027, 2, 6): "설날 전날",
    date(2027, 2, 7): "설날",
    date(2027, 2, 8): "설날 다음날",
    date(2027, 2, 9): "설날 대체 휴일",
    date(2027, 5, 3): "노동절 대체 휴일",
    date(2027, 5, 5): "어린이날",
    date(2027, 7, 19): "제헌절 대체 휴일",
    date(2027, 9, 15): "추석",
    date(2027, 10, 11): "한글날 대체 휴일",
    date(2027, 12, 27): "기독탄신일 대체 휴일",
    # Elections at the end of a term (관공서의 공휴일에 관한 규정 제2조, 공직선거법 제34조).
    date(2022, 3, 9): "대통령 선거일",
    date(2022, 6, 1): "지방선거일",
    date(2024, 4, 10): "국회의원 선거일",
    date(2028, 4, 12): "국회의원 선거일",
}


@pytest.mark.parametrize("day,name", sorted(PINNED_HOLIDAYS.items()))
def test_pinned_holidays_are_not_working_days(day, name):
    assert holiday_name(day) == name
    assert day in public_holidays(day.year)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 9, 28),  # 추석 2026 ends on a Saturday: no substitute (only a Sunday gives one)
        date(2026, 6, 2),  # the eve of an election is a working day
        date(2026, 7, 16),
        date(2025, 7, 17),  # 제헌절 was not a holiday in 2025
        date(2026, 12, 31),
        date(2027, 1, 4),
    ],
)
def test_ordinary_weekdays_are_working_days(day):
    assert holiday_name(day) is None
    assert is_working_day(day)


def test_weekends_and_closures_are_not_working_days():
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert is_working_day(date(2026, 3, 9))
    assert not is_working_day(date(2026, 3, 9), frozenset({date(2026, 3, 9)}))


# --- periods --------------------------------------------------------------------------------


def test_periods_of_each_kind():
    assert KINDS == ("question_law", "question_procedure", "suggestion", "grievance", "other")
    assert PERIODS["question_law"] == (14, DAYS)
    assert PERIODS["question_procedure"] == (7, DAYS)
    assert PERIODS["suggestion"] == (14, DAYS)
    assert PERIODS["grievance"] == (7, DAYS)
    assert PERIODS["other"] == (3, WORKING_HOURS)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        due_at(datetime(2026, 3, 4, 10), "other")
    with pytest.raises(Invalid) as refused:
        due_at(kst(2026, 3, 4, 10), "complaint")
    assert refused.value.field == "kind"
    with pytest.raises(ValueError):
        due_after(kst(2026, 3, 4, 10), 0, DAYS)
    with pytest.raises(ValueError):
        working_seconds_between(kst(2026, 3, 4), datetime(2026, 3, 5))
    with pytest.raises(ValueError):
        extend_for_wait(kst(2026, 3, 12, 18), "grievance", datetime(2026, 3, 5), kst(2026, 3, 9))
    with pytest.raises(Invalid):
        extend_for_wait(kst(2026, 3, 12, 18), "petition", kst(2026, 3, 5), kst(2026, 3, 9))


def test_answer_is_in_seoul_whatever_the_zone_of_receipt():
    due = due_at(datetime(2026, 3, 4, 0, 0, tzinfo=UTC), "other")  # 09:00 in Seoul
    assert due == kst(2026, 3, 4, 12)
    assert due.tzinfo == SEOUL and due.isoformat() == "2026-03-04T12:00:00+09:00"


# --- hour-counted: 기타민원, 3 working hours ---------------------------------------------------

# 2026-03-04 is a Wednesday, 03-06 a Friday.
@pytest.mark.parametrize(
    "received,due",
    [
        (kst(2026, 3, 4, 9), kst(2026, 3, 4, 12)),  # runs out at 12:00 and ends there
        (kst(2026, 3, 4, 15), kst(2026, 3, 4, 18)),  # runs out at 18:00 and ends there
        (kst(2026, 3, 4, 10), kst(2026, 3, 4, 14)),  # 2 h before lunch, 1 h after
        (kst(2026, 3, 4, 10, 15, 30), kst(2026, 3, 4, 14, 15, 30)),
        (kst(2026, 3, 4, 12), kst(2026, 3, 4, 16)),  # received at noon: counts from 13:00
        (kst(2026, 3, 4, 12, 30), kst(2026, 3, 4, 16)),  # received at lunch
        (kst(2026, 3, 4, 8, 59), kst(2026, 3, 4, 12)),  # before opening: counts from 09:00
        (kst(2026, 3, 4, 0, 1), kst(2026, 3, 4, 12)),
        (kst(2026, 3, 4, 17, 59), kst(2026, 3, 5, 11, 59)),  # 1 minute today, the rest tomorrow
        (kst(2026, 3, 4, 18), kst(2026, 3, 5, 12)),  # at closing: counts from tomorrow 09:00
        (kst(2026, 3, 4, 23, 30), kst(2026, 3, 5, 12)),
        (kst(2026, 3, 4, 16), kst(2026, 3, 5, 10)),
        (kst(2026, 3, 6, 19), kst(2026, 3, 9, 12)),  # Friday evening -> Monday
        (kst(2026, 3, 6, 17), kst(2026, 3, 9, 11)),  # Friday 17:00: 1 h Friday, 2 h Monday
        (kst(2026, 3, 7, 10), kst(2026, 3, 9, 12)),  # Saturday -> Monday
        (kst(2026, 5, 5, 10), kst(2026, 5, 6, 12)),  # 어린이날 -> next day
        (kst(2026, 2, 13, 16), kst(2026, 2, 19, 10)),  # 설날 Mon-Wed after a weekend
        (kst(2026, 9, 23, 17), kst(2026, 9, 28, 11)),  # 추석 Thu-Sat, then the weekend
        (kst(2026, 8, 14, 17), kst(2026, 8, 18, 11)),  # 광복절 on Saturday, substitute Monday
        (kst(2026, 7, 16, 16), kst(2026, 7, 20, 10)),  # 제헌절 (2026) on the Friday
        (kst(2026, 6, 2, 17), kst(2026, 6, 4, 11)),  # election day in between
    ],
)
def test_other_is_three_working_hours(received, due):
    assert due_at(received, "other") == due


def test_five_days_or_less_are_counted_in_hours():
    # 5 days = 40 working hours from Wednesday 10:00: 7 h Wednesday, 8 h a day, 1 h next Wednesday.
    assert due_after(kst(2026, 3, 4, 10), 5, DAYS) == kst(2026, 3, 11, 10)
    assert due_after(kst(2026, 3, 4, 9), 1, DAYS) == kst(2026, 3, 4, 18)
    # 6 days are counted in days.
    assert due_after(kst(2026, 3, 4, 10), 6, DAYS) == kst(2026, 3, 11, 18)


def test_closures_stop_the_hour_count():
    closed = frozenset({date(2026, 3, 5)})
    assert due_at(kst(2026, 3, 4, 17), "other", closures=closed) == kst(2026, 3, 6, 11)
    # A closure on the day of receipt: the count starts on the next working day.
    assert due_at(kst(2026, 3, 5, 10), "other", closures=closed) == kst(2026, 3, 6, 12)
    # A closure on a Saturday changes nothing.
    assert due_at(kst(2026, 3, 6, 17), "other", closures=frozenset({date(2026, 3, 7)})) == kst(2026, 3, 9, 11)


# --- day-counted: 7 and 14 days --------------------------------------------------------------


@pytest.mark.parametrize(
    "received,kind,due",
    [
        # Day of receipt is day 1 whatever the hour.
        (kst(2026, 3, 4, 8), "grievance", kst(2026, 3, 12, 18)),
        (kst(2026, 3, 4, 23, 59), "grievance", kst(2026, 3, 12, 18)),
        (kst(2026, 3, 4, 10), "question_procedure", kst(2026, 3, 12, 18)),
        (kst(2026, 3, 4, 10), "question_law", kst(2026, 3, 23, 18)),
        (kst(2026, 3, 4, 10), "suggestion", kst(2026, 3, 23, 18)),
        # Friday evening: Friday is day 1.
        (kst(2026, 3, 6, 19), "grievance", kst(2026, 3, 16, 18)),
        # Saturday and a holiday are not day 1: the next working day is.
        (kst(2026, 3, 7, 10), "grievance", kst(2026, 3, 17, 18)),
        (kst(2026, 5, 5, 10), "grievance", kst(2026, 5, 14, 18)),
        # 설날 2026 (Feb 16-18) and the 삼일절 substitute (Mar 2).
        (kst(2026, 2, 13, 17), "grievance", kst(2026, 2, 26, 18)),
        (kst(2026, 2, 12, 10), "question_law", kst(2026, 3, 9, 18)),
        # 추석 2026 (Sep 24-26), the 개천절 substitute (Oct 5) and 한글날 (Oct 9).
        (kst(2026, 9, 23, 10), "grievance", kst(2026, 10, 6, 18)),
        (kst(2026, 9, 23, 10), "question_law", kst(2026, 10, 16, 18)),
        # Across the year end (12/25 and 1/1 off).
        (kst(2026, 12, 28, 10), "grievance", kst(2027, 1, 6, 18)),
        (kst(2025, 12, 24, 23), "question_law", kst(2026, 1, 14, 18)),
        (kst(2026, 12, 26, 10), "question_law", kst(2027, 1, 15, 18)),
        # 설날 2027 with its substitute day (Feb 6-9).
        (kst(2027, 2, 5, 10), "grievance", kst(2027, 2, 17, 18)),
    ],
)
def test_day_counted_kinds(received, kind, due):
    assert due_at(received, kind) == due


def test_receipt_in_utc_is_dated_in_seoul():
    # 2026-03-06 16:00 UTC is Saturday 01:00 in Seoul: day 1 is Monday.
    assert due_at(datetime(2026, 3, 6, 16, tzinfo=UTC), "grievance") == kst(2026, 3, 17, 18)


def test_closures_stop_the_day_count():
    closed = frozenset({date(2026, 3, 5), date(2026, 3, 10)})
    assert due_at(kst(2026, 3, 4, 10), "grievance", closures=closed) == kst(2026, 3, 16, 18)
    # Closed on the day of receipt: day 1 is the next working day.
    assert due_at(kst(2026, 3, 5, 10), "grievance", closures=closed) == kst(2026, 3, 17, 18)


# --- waiting for the citizen ----------------------------------------------------------------


def test_wait_moves_an_hour_count_by_the_working_time_waited():
    due = due_at(kst(2026, 3, 4, 10), "other")
    assert due == kst(2026, 3, 4, 14)
    # 11:00-14:30 is 2.5 working hours (lunch not counted).
    assert extend_for_wait(due, "other", kst(2026, 3, 4, 11), kst(2026, 3, 4, 14, 30)) == kst(2026, 3, 4, 16, 30)
    # Overnight, 17:00 to 10:00 next day: 2 working hours.
    assert extend_for_wait(due, "other", kst(2026, 3, 4, 17), kst(2026, 3, 5, 10)) == kst(2026, 3, 4, 16)
    # Waiting only over lunch or a weekend costs nothing.
    assert extend_for_wait(due, "other", kst(2026, 3, 4, 12), kst(2026, 3, 4, 13)) == due
    assert extend_for_wait(due, "other", kst(2026, 3, 6, 18), kst(2026, 3, 9, 9)) == due
    # A deadline at 18:00 moved by 1 h ends at 10:00 the next working day.
    assert extend_for_wait(kst(2026, 3, 6, 18), "other", kst(2026, 3, 6, 10), kst(2026, 3, 6, 11)) == kst(2026, 3, 9, 10)


def test_wait_moves_a_day_count_by_the_working_days_waited():
    due = due_at(kst(2026, 3, 4, 10), "grievance")
    assert due == kst(2026, 3, 12, 18)
    # Asked on Thursday, answered on Monday: Friday and Monday are taken out.
    assert waited_working_days(kst(2026, 3, 5, 15), kst(2026, 3, 9, 10)) == 2
    assert extend_for_wait(due, "grievance", kst(2026, 3, 5, 15), kst(2026, 3, 9, 10)) == kst(2026, 3, 16, 18)
    # Answered the same day: nothing moves.
    assert extend_for_wait(due, "grievance", kst(2026, 3, 5, 10), kst(2026, 3, 5, 17)) == due
    # A wait that ends before it starts moves nothing.
    assert extend_for_wait(due, "grievance", kst(2026, 3, 9), kst(2026, 3, 5)) == due
    # A closure inside the wait is not a waited working day; one after it is skipped when moving.
    closed = frozenset({date(2026, 3, 6), date(2026, 3, 13)})
    assert extend_for_wait(due, "grievance", kst(2026, 3, 5, 15), kst(2026, 3, 9, 10), closures=closed) == kst(
        2026, 3, 16, 18
    )


def test_wait_across_설날_moves_by_working_days_only():
    due = due_at(kst(2026, 2, 12, 10), "question_law")
    assert due == kst(2026, 3, 9, 18)
    # Asked Feb 13, answered Feb 20: Feb 19 and 20 are the working days waited.
    assert extend_for_wait(due, "question_law", kst(2026, 2, 13, 11), kst(2026, 2, 20, 9)) == kst(2026, 3, 11, 18)


# --- working time -----------------------------------------------------------------------------


def test_working_time_between():
    assert working_time_between(kst(2026, 3, 4, 8), kst(2026, 3, 4, 20)) == timedelta(hours=8)
    assert working_seconds_between(kst(2026, 3, 4, 11, 30), kst(2026, 3, 4, 13, 30)) == 3600
    assert working_time_between(kst(2026, 3, 6, 17), kst(2026, 3, 9, 10)) == timedelta(hours=2)
    assert working_time_between(kst(2026, 3, 9), kst(2026, 3, 6)) == timedelta(0)
    # Week of 설날 2026: only Thursday and Friday work.
    assert working_time_between(kst(2026, 2, 16), kst(2026, 2, 21)) == timedelta(hours=16)
    # 2026 has 365 - 104 weekend days - 16 holidays on weekdays = 245 working days.
    weekday_holidays = [d for d in public_holidays(2026) if d.weekday() < 5]
    assert len(weekday_holidays) == 16
    assert working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 245
    assert working_time_between(kst(2026, 1, 1), kst(2027, 1, 1)) == timedelta(hours=8 * 245)
    # A closure on a working day counts; one on a Sunday or a holiday does not.
    closed = frozenset({date(2026, 3, 4), date(2026, 3, 8), date(2026, 5, 5)})
    assert working_days_between(date(2026, 1, 1), date(2026, 12, 31), closed) == 244
    assert working_days_between(date(2025, 12, 1), date(2027, 1, 31)) == (
        working_days_between(date(2025, 12, 1), date(2025, 12, 31))
        + 245
        + working_days_between(date(2027, 1, 1), date(2027, 1, 31))
    )


# --- properties -------------------------------------------------------------------------------

FIRST, LAST = datetime(2025, 1, 1), datetime(2028, 11, 30)

receipts = st.datetimes(min_value=FIRST, max_value=LAST).map(lambda d: d.replace(tzinfo=SEOUL))
kinds = st.sampled_from(KINDS)
offsets = st.frozensets(st.integers(min_value=0, max_value=30), max_size=6)


def closures_near(received: datetime, days: frozenset[int]) -> frozenset[date]:
    return frozenset(received.date() + timedelta(days=n) for n in days)


def in_working_hours(moment: datetime) -> bool:
    t = moment.timetz().replace(tzinfo=None)
    return time(9) < t <= time(12) or time(13) < t <= time(18)


def reference_working_time(start: datetime, end: datetime, closures) -> timedelta:
    # Day by day, no shortcuts: checks the bisection and skipping in the module.
    total, day = timedelta(0), start.date()
    while day <= end.date():
        if is_working_day(day, closures):
            for lo, hi in ((time(9), time(12)), (time(13), time(18))):
                a = max(start, datetime.combine(day, lo, tzinfo=SEOUL))
                b = min(end, datetime.combine(day, hi, tzinfo=SEOUL))
                if b > a:
                    total += b - a
        day += timedelta(days=1)
    return total


PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(received=receipts, kind=kinds, offs=offsets)
def test_due_is_after_receipt_in_working_hours_of_a_working_day(received, kind, offs):
    closures = closures_near(received, offs)
    due = due_at(received, kind, closures=closures)
    assert due > received
    assert due.tzinfo == SEOUL
    assert is_working_day(due.date(), closures)
    assert in_working_hours(due)
    amount, unit = PERIODS[kind]
    if unit == WORKING_HOURS:
        assert working_time_between(received, due, closures) == timedelta(hours=amount)
    else:
        assert due.time() == time(18)
        assert working_days_between(received.date(), due.date(), closures) == amount


@PROPERTY
@given(a=receipts, b=receipts, kind=kinds, offs=offsets)
def test_due_is_monotonic_in_receipt(a, b, kind, offs):
    a, b = min(a, b), max(a, b)
    closures = closures_near(a, offs)
    assert due_at(a, kind, closures=closures) <= due_at(b, kind, closures=closures)


@PROPERTY
@given(received=receipts, kind=kinds, offs=offsets, more=offsets)
def test_more_closures_never_bring_the_deadline_earlier(received, kind, offs, more):
    closures = closures_near(received, offs)
    due = due_at(received, kind, closures=closures)
    assert due_at(received, kind, closures=closures | closures_near(received, more)) >= due
    # Closing the office on the day it falls due pushes it later.
    assert due_at(received, kind, closures=closures | {due.date()}) > due


@PROPERTY
@given(
    start=receipts,
    minutes=st.integers(min_value=0, max_value=60 * 24 * 40),
    offs=offsets,
)
def test_working_time_agrees_with_a_day_by_day_count(start, minutes, offs):
    closures = closures_near(start, offs)
    end = start + timedelta(minutes=minutes)
    assert working_time_between(start, end, closures) == reference_working_time(start, end, closures)


@PROPERTY
@given(start=receipts, minutes=st.integers(min_value=0, max_value=60 * 8 * 60), offs=offsets)
def test_adding_working_time_is_undone_by_measuring_it(start, minutes, offs):
    closures = closures_near(start, offs)
    amount = timedelta(minutes=minutes)
    end = add_working_time(start, amount, closures)
    assert end >= start
    assert working_time_between(start, end, closures) == amount


@PROPERTY
@given(received=receipts, kind=kinds, wait_start=st.integers(0, 60 * 24 * 20), wait=st.integers(0, 60 * 24 * 20))
def test_a_wait_never_brings_the_deadline_earlier(received, kind, wait_start, wait):
    due = due_at(received, kind)
    waited_from = received + timedelta(minutes=wait_start)
    waited_until = waited_from + timedelta(minutes=wait)
    moved = extend_for_wait(due, kind, waited_from, waited_until)
    assert moved >= due
    assert is_working_day(moved.date()) and in_working_hours(moved)
    if PERIODS[kind][1] == WORKING_HOURS:
        assert working_time_between(due, moved) == working_time_between(waited_from, waited_until)
    else:
        assert moved.time() == time(18)
        days = waited_working_days(waited_from, waited_until)
        assert working_days_between(due.date() + timedelta(days=1), moved.date()) == days
