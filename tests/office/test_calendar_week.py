"""The calendar's week (issue 15): Monday to Sunday in Seoul, each post on its local day in time
order, the same view right as the month; the week's name parsed or refused."""

from __future__ import annotations

from datetime import date

import pytest

from madang.core.clock import FrozenClock
from madang.core.errors import Forbidden, Invalid
from madang.db import Database
from madang.office.calendar import month_calendar, parse_week, week_calendar
from madang.office.drafts import create_draft, publish_draft
from tests.desk.city import clock_fixture, seoul  # noqa: F401
from tests.factories import SITE
from tests.office.test_publishing import make_office


def test_a_week_is_named_by_its_iso_week_or_any_of_its_days() -> None:
    today = date(2026, 12, 9)  # a Wednesday
    assert parse_week("2026-W50", None, today) == date(2026, 12, 7)
    assert parse_week("2026-w01", None, today) == date(2025, 12, 29)  # ISO week 1 may start in December
    assert parse_week(None, "2026-12-13", today) == date(2026, 12, 7)  # a Sunday ends its week
    assert parse_week(None, None, today) == date(2026, 12, 7)
    for week, start in (("2026-W54", None), ("2026-50", None), ("W50", None), (None, "2026-12-1"), (None, "어제")):
        with pytest.raises(Invalid):
            parse_week(week, start, today)


async def test_the_week_places_posts_on_their_seoul_days_for_staff_only(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    org = office.city.org
    times = [seoul(2026, 3, 8, 23, 30), seoul(2026, 3, 5, 18, 0), seoul(2026, 3, 5, 9, 0), seoul(2026, 3, 9, 0, 0)]
    async with db.write() as s:
        for n, at in enumerate(times):
            draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher, text=f"공지 {n}",
                                       category="events", scheduled_at=at)
            await publish_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher)
    async with db.read() as s:
        week = await week_calendar(s, organisation=org, staff=office.reader, monday=date(2026, 3, 2),
                                   time_zone="Asia/Seoul")
        assert [d.day for d in week.days] == [date(2026, 3, n) for n in range(2, 9)]
        assert week.iso == "2026-W10" and week.previous == date(2026, 2, 23) and week.next == date(2026, 3, 9)
        # Sunday 23:30 in Seoul is Sunday 14:30 UTC: still this week; Monday 00:00 is next week's.
        assert [(d.day.day, [e.text for e in d.entries]) for d in week.days if d.entries] == [
            (5, ["공지 2", "공지 1"]), (8, ["공지 0"])]
        month = await month_calendar(s, organisation=org, staff=office.reader, first=date(2026, 3, 1),
                                     time_zone="Asia/Seoul")
        assert {e.draft_id for e in week.entries()} < {e.draft_id for e in month.entries()}
        for stranger in (office.city.citizen, office.city.outsider):
            with pytest.raises(Forbidden):
                await week_calendar(s, organisation=org, staff=stranger, monday=date(2026, 3, 2),
                                    time_zone="Asia/Seoul")
