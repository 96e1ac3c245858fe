"""South Korea's public holidays as the desk counts them, computed once per year.

The calendar is the PyPI `holidays` package's South Korea calendar (public category), which
follows 「공휴일에 관한 법률」 and 「관공서의 공휴일에 관한 규정」 제2조: the fixed national days,
설날 and 추석 (three days each), 부처님오신날, 기독탄신일, 대체공휴일 (제3조 of the act: the
next working day when a holiday falls on a weekend or on another holiday), and the days of
elections held at the end of a term (규정 제2조: 「공직선거법」 제34조에 따른 임기만료에 의한
선거의 선거일). It also lists the special elections and the 임시공휴일 (규정 제2조: 정부에서
수시 지정하는 날) the government had declared before the release.

Checked against `holidays` 0.109 (tests/desk/test_deadlines.py pins the dates): it already has
every election day we looked for (2022-03-09 presidential, 2022-06-01 local, 2024-04-10
general, 2025-06-03 special presidential, 2026-06-03 local, 2028-04-12 general), and the 2026
changes (제헌절 7월 17일 a holiday again, 노동절 5월 1일 a public holiday, both with
substitute days), so nothing is added here. A day the package does not know yet (a new
임시공휴일, a by-election is not one) is added by the office as a closure.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import cache

@cache
def _calendar(year: int) -> dict[date, str]:
    # One call builds the year's lunar dates and substitute days (a few ms); cached so due_at
    # and the dashboards pay a dict lookup afterwards. Imported here: ~2 MB that a process
    # without a desk never needs.
    import holidays

    calendar = holidays.country_holidays("KR", years=year, language="ko")
    return {day: name for day, name in calendar.items() if day.year == year}


def public_holidays(year: int) -> frozenset[date]:
    """The public holidays of `year`, substitute holidays and election days included."""
    return _holiday_set(year)


@cache
def _holiday_set(year: int) -> frozenset[date]:
    return frozenset(_calendar(year))


def holiday_name(day: date) -> str | None:
    """The Korean name of the holiday on `day` (e.g. "설날", "어린이날 대체 휴일"), or None."""
    return _calendar(day.year).get(day)


def is_public_holiday(day: date) -> bool:
    return day in _holiday_set(day.year)


@cache
def _working_ordinals(year: int) -> tuple[int, ...]:
    # Sorted ordinals of the year's weekdays that are not holidays, so counting working days
    # over a long range is two bisections a year instead of a loop a day.
    off = _holiday_set(year)
    day = date(year, 1, 1)
    out = []
    while day.year == year:
        if day.weekday() < 5 and day not in off:
            out.append(day.toordinal())
        day += timedelta(days=1)
    return tuple(out)


def count_weekday_non_holidays(first: date, last: date) -> int:
    """How many days in [first, last] are weekdays and not public holidays (closures ignored)."""
    if last < first:
        return 0
    total = 0
    for year in range(first.year, last.year + 1):
        ordinals = _working_ordinals(year)
        lo = max(first, date(year, 1, 1)).toordinal()
        hi = min(last, date(year, 12, 31)).toordinal()
        total += bisect_right(ordinals, hi) - bisect_left(ordinals, lo)
    return total
