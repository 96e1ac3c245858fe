"""Calendar days of the instance's time zone (Asia/Seoul): where a day starts in UTC, which day
a moment falls on, and the range checks every analytics reader shares."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from madang.core.errors import Invalid

# A year and a day: a leap year's whole range fits.
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end``, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def check_range(start: date, end: date) -> None:
    if end < start:
        raise Invalid("끝 날짜가 시작 날짜보다 앞설 수 없습니다", field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Invalid(f"기간은 {MAX_RANGE_DAYS}일까지 고를 수 있습니다", field="to")


def default_range(today: date) -> tuple[date, date]:
    """The last 30 days, today included."""
    return today - timedelta(days=DEFAULT_RANGE_DAYS - 1), today
