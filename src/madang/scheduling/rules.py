"""When a status may be scheduled for, and how many an account may keep (Mastodon's limits)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from madang.core.errors import Invalid

MIN_OFFSET = timedelta(minutes=5)  # Mastodon's PostStatusService::MIN_SCHEDULE_OFFSET
TOTAL_LIMIT = 300
DAILY_LIMIT = 25


def parse_scheduled_at(value: object) -> datetime:
    """An ISO 8601 time; one without a zone is read as UTC, as Rails does."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("Scheduled at is not a valid date", field="scheduled_at")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("Scheduled at is not a valid date", field="scheduled_at") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def check_scheduled_at(when: datetime, now: datetime) -> datetime:
    if when <= now + MIN_OFFSET:
        raise Invalid("Scheduled at The scheduled date must be in the future", field="scheduled_at")
    return when


def check_limits(scheduled: list[datetime], when: datetime) -> None:
    """``scheduled``: the times of the account's other scheduled statuses."""
    if len(scheduled) >= TOTAL_LIMIT:
        raise Invalid(f"You have already exceeded the limit of {TOTAL_LIMIT} scheduled toots",
                      field="scheduled_at")
    if sum(1 for t in scheduled if t.date() == when.date()) >= DAILY_LIMIT:
        raise Invalid(f"You have exceeded the limit of {DAILY_LIMIT} scheduled toots for today",
                      field="scheduled_at")
