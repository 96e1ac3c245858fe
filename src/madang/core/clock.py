"""The one place that reads the wall clock, so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timezone


class Clock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock(Clock):
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)


clock: Clock = Clock()


def utcnow() -> datetime:
    return clock.now()


def set_clock(new: Clock) -> None:
    global clock
    clock = new
