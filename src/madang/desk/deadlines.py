"""Legal deadlines of 민원 cases: 「민원 처리에 관한 법률」 제19조 counted on Seoul working time.

- A period of 5 days or less is counted in working hours from the moment of receipt (제19조 ①;
  1 day = 8 working hours). Working hours are 09:00-12:00 and 13:00-18:00 Asia/Seoul
  (「국가공무원 복무규정」 제9조·제9조의2); receipt outside them starts the count at the next
  working period, and a count that runs out exactly at 12:00 or 18:00 ends there.
- A period of 6 days or more is counted in days, the first day included (제19조 ②): the day of
  receipt is day 1 when it is a working day, whatever the hour; the deadline is 18:00 of the
  last counted day.
- Saturdays, Sundays, public holidays (holidays_kr: substitute and election days included) and
  the office's closures are not counted.
- Time spent waiting for the citizen to complete the request (보완) is not counted either (the
  시행령 leaves it out of the period): `extend_for_wait` moves a deadline by it.

Everything is pure: datetimes must be timezone-aware and answers are in Asia/Seoul.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from madang.core.errors import Invalid
from madang.desk.holidays_kr import count_weekday_non_holidays, is_public_holiday

SEOUL = ZoneInfo("Asia/Seoul")

DAYS = "days"
WORKING_HOURS = "working_hours"

# kind -> (amount, unit): 시행령 제14조 (질의: 법령 해석 14일, 제도·절차 7일), 제15조 (건의 14일),
# 제17조 (고충, handled by the agency itself, 7일); 기타민원 is answered "즉시", which the law
# defines as within 3 working hours.
PERIODS: MappingProxyType[str, tuple[int, str]] = MappingProxyType(
    {
        "question_law": (14, DAYS),
        "question_procedure": (7, DAYS),
        "suggestion": (14, DAYS),
        "grievance": (7, DAYS),
        "other": (3, WORKING_HOURS),
    }
)
KINDS: tuple[str, ...] = tuple(PERIODS)
KIND_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {
        "question_law": "질의민원(법령 해석)",
        "question_procedure": "질의민원(제도·절차 설명)",
        "suggestion": "건의민원",
        "grievance": "고충민원",
        "other": "기타민원",
    }
)

HOURS_PER_DAY = 8
# [start, end) of each working period of a working day, in Seoul time.
WORKING_PERIODS: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13), time(18)))
CLOSE_OF_DAY = WORKING_PERIODS[-1][1]

_NO_CLOSURES: frozenset[date] = frozenset()


def _seoul(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got a naive datetime: {value!r}")
    return value.astimezone(SEOUL)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=SEOUL)


def period_of(kind: str) -> tuple[int, str]:
    try:
        return PERIODS[kind]
    except KeyError:
        raise Invalid(f"알 수 없는 민원 종류입니다: {kind}", field="kind") from None


def _counts_in_hours(amount: int, unit: str) -> bool:
    return unit == WORKING_HOURS or amount <= 5


# --- working days ---------------------------------------------------------------------------


def is_working_day(day: date, closures: Container[date] = _NO_CLOSURES) -> bool:
    """A weekday that is neither a public holiday nor a day the office closed."""
    return day.weekday() < 5 and not is_public_holiday(day) and day not in closures


def next_working_day(day: date, closures: Container[date] = _NO_CLOSURES) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, closures):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, closures: Container[date] = _NO_CLOSURES) -> date:
    """The `count`-th working day after `day` (`day` itself for 0, whatever it is)."""
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1), closures)
    return day


def working_days_between(first: date, last: date, closures: Container[date] = _NO_CLOSURES) -> int:
    """How many working days lie in [first, last], both included."""
    if last < first:
        return 0
    total = count_weekday_non_holidays(first, last)
    # Closures are few and the set may be any container; count those that would have been
    # working days. A set is iterated; anything else is probed day by day.
    if isinstance(closures, (set, frozenset)):
        closed = [d for d in closures if first <= d <= last]
    else:
        closed = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        closed = [d for d in closed if d in closures]
    return total - sum(1 for d in closed if d.weekday() < 5 and not is_public_holiday(d))


# --- working time ---------------------------------------------------------------------------


def _periods_on(day: date) -> list[tuple[datetime, datetime]]:
    return [(_at(day, start), _at(day, end)) for start, end in WORKING_PERIODS]


def add_working_time(
    start: datetime, amount: timedelta, closures: Container[date] = _NO_CLOSURES
) -> datetime:
    """The moment `amount` of working time after `start` (Seoul). Exact ends stay at 12:00/18:00."""
    moment = _seoul(start, "start")
    if amount <= timedelta(0):
        return moment
    remaining = amount
    day = moment.date()
    while True:
        if is_working_day(day, closures):
            for period_start, period_end in _periods_on(day):
                if moment >= period_end:
                    continue
                begin = max(moment, period_start)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        # Skip whole working days at once when the rest outlasts them (long waits).
        day = next_working_day(day + timedelta(days=1), closures)
        while remaining > timedelta(hours=HOURS_PER_DAY):
            remaining -= timedelta(hours=HOURS_PER_DAY)
            day = next_working_day(day + timedelta(days=1), closures)
        moment = _at(day, time(0))


def working_time_between(
    start: datetime, end: datetime, closures: Container[date] = _NO_CLOSURES
) -> timedelta:
    """Working time (09-12, 13-18 on working days, Seoul) inside [start, end]; zero if end <= start."""
    begin, finish = _seoul(start, "start"), _seoul(end, "end")
    if finish <= begin:
        return timedelta(0)

    def within(day: date, lo: datetime, hi: datetime) -> timedelta:
        total = timedelta(0)
        if is_working_day(day, closures):
            for period_start, period_end in _periods_on(day):
                overlap = min(hi, period_end) - max(lo, period_start)
                if overlap > timedelta(0):
                    total += overlap
        return total

    first, last = begin.date(), finish.date()
    if first == last:
        return within(first, begin, finish)
    full_days = working_days_between(first + timedelta(days=1), last - timedelta(days=1), closures)
    return (
        within(first, begin, _at(first + timedelta(days=1), time(0)))
        + timedelta(hours=HOURS_PER_DAY * full_days)
        + within(last, _at(last, time(0)), finish)
    )


def working_seconds_between(
    start: datetime, end: datetime, closures: Container[date] = _NO_CLOSURES
) -> float:
    """`working_time_between` in seconds, for response-time statistics."""
    return working_time_between(start, end, closures).total_seconds()


# --- deadlines ------------------------------------------------------------------------------


def due_after(
    received_at: datetime,
    amount: int,
    unit: str,
    *,
    closures: Container[date] = _NO_CLOSURES,
) -> datetime:
    """The deadline of a period of `amount` `unit` (DAYS or WORKING_HOURS) from receipt."""
    received = _seoul(received_at, "received_at")
    if amount < 1 or unit not in (DAYS, WORKING_HOURS):
        raise ValueError(f"not a period: {amount} {unit}")
    if _counts_in_hours(amount, unit):
        hours = amount if unit == WORKING_HOURS else amount * HOURS_PER_DAY
        return add_working_time(received, timedelta(hours=hours), closures)
    first_day = next_working_day(received.date(), closures)
    return _at(add_working_days(first_day, amount - 1, closures), CLOSE_OF_DAY)


def due_at(
    received_at: datetime, kind: str, *, closures: Container[date] = _NO_CLOSURES
) -> datetime:
    """The legal deadline of a case of `kind` received at `received_at` (aware; answer in Seoul).

    Raises ValueError for a naive datetime and madang.core.errors.Invalid for an unknown kind.
    """
    amount, unit = period_of(kind)
    return due_after(received_at, amount, unit, closures=closures)


def waited_working_days(
    waited_from: datetime, waited_until: datetime, closures: Container[date] = _NO_CLOSURES
) -> int:
    """Working days a wait takes out of a day-counted period: from the day after the request
    for more information to the day the citizen answered, both included (Seoul dates)."""
    start = _seoul(waited_from, "waited_from").date()
    end = _seoul(waited_until, "waited_until").date()
    return working_days_between(start + timedelta(days=1), end, closures)


def extend_for_wait(
    due: datetime,
    kind: str,
    waited_from: datetime,
    waited_until: datetime,
    *,
    closures: Container[date] = _NO_CLOSURES,
) -> datetime:
    """The deadline `due` moved by a wait for the citizen from `waited_from` to `waited_until`.

    Hour-counted kinds move by the working time inside the wait (a wait over lunch or a night
    costs nothing). Day-counted kinds move by `waited_working_days` working days and keep
    ending at 18:00. A wait that ends before it starts moves nothing. Apply once per wait.
    """
    current = _seoul(due, "due")
    amount, unit = period_of(kind)
    if _counts_in_hours(amount, unit):
        return add_working_time(current, working_time_between(waited_from, waited_until, closures), closures)
    days = waited_working_days(waited_from, waited_until, closures)
    if days == 0:
        return current
    return _at(add_working_days(current.date(), days, closures), CLOSE_OF_DAY)
