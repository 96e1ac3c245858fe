"""A post's relative time (`3분 전`, `2 hours ago`) reads exactly as Babel writes it, though
pages keep the texts they made (web.templating._recent)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from babel.dates import format_timedelta

from madang.core.clock import Clock, FrozenClock, set_clock
from madang.web import i18n
from madang.web.templating import relative_time


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_every_age_under_a_week_reads_as_babel_writes_it(locale: str) -> None:
    now = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)
    set_clock(FrozenClock(now))
    i18n.set_locale(locale)
    try:
        ages = [*range(45, 400), *range(400, 7 * 86400, 97), 89.5, 90.5, 5400, 84600, 129600, 7 * 86400 - 1]
        for age in ages:
            when = now - timedelta(seconds=age)
            expected = format_timedelta(when - now, add_direction=True, locale=locale, threshold=1)
            assert relative_time(when) == expected, (locale, age)
    finally:
        i18n.set_locale("ko")
        set_clock(Clock())
