"""Mastodon's value formats: ids as strings, times as ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""

from __future__ import annotations

from datetime import date, datetime, timezone


def ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(timezone.utc)
    # isoformat is done in C; strftime was a visible share of a timeline page.
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def sid(value: int | None) -> str | None:
    return str(value) if value is not None else None
