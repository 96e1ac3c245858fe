"""Days of the instance's zone: where each starts and ends in UTC, and its Mastodon `day` value."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

HISTORY_DAYS = 7  # Mastodon's Tag history is the last seven days, today first


def local_day(at: datetime, time_zone: str) -> date:
    return at.astimezone(ZoneInfo(time_zone)).date()


def day_start(day: date, time_zone: str) -> datetime:
    """The first instant of ``day`` in the zone, in UTC (Seoul has no DST, others may)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)).astimezone(timezone.utc)


def day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    return day_start(day, time_zone), day_start(day + timedelta(days=1), time_zone)


def recent_days(now: datetime, time_zone: str, count: int = HISTORY_DAYS) -> list[date]:
    """Today and the days before it in the zone, newest first."""
    today = local_day(now, time_zone)
    return [today - timedelta(days=n) for n in range(count)]


def day_value(day: date, time_zone: str) -> str:
    """Mastodon's ``history[].day``: unix seconds of the day's start, as a string."""
    return str(int(day_start(day, time_zone).timestamp()))
