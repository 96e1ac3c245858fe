"""The publishing calendar's week view and moving a scheduled post (issue 15), on both
databases: seven days Monday first with each post at its time, paging by week, a bad week a
400; only staff who may write move, and never into the past (nothing changes then)."""

from __future__ import annotations

import re

from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.models.office import OfficeDraft
from tests.desk.city import clock_fixture  # noqa: F401
from tests.web.test_desk_pages import ok, person, query, text_of
from tests.web.test_office_publish import office_of

WEEK = "/office/calendar?org=anyanglove&view=week&week=2026-W10"  # Monday 2 March to Sunday 8 March 2026


def _schedule(client, text: str, at: str) -> None:  # type: ignore[no-untyped-def]
    ok(client.post("/office/publish", {"organisation": "anyanglove", "action": "publish", "category": "culture",
                                       "visibility": "public", "text": text, "scheduled_at": at}))


def _times(database_url: str) -> list[tuple[str, str]]:
    rows = query(database_url, select(OfficeDraft.text, OfficeDraft.scheduled_at).order_by(OfficeDraft.id))
    return [(t, a.isoformat()) for t, a in rows]


def test_the_week_shows_seven_days_with_each_post_at_its_time(web_base: str, database_url: str,
                                                              clock: FrozenClock) -> None:
    office_of(database_url, approval=False)
    dongwook = person(web_base, "dongwook_seo")
    _schedule(dongwook, "목요일 저녁 문화 행사 안내", "2026-03-05T18:30")
    _schedule(dongwook, "다음 주 월요일 공지", "2026-03-09T09:00")
    response = ok(dongwook.get(WEEK), 200)
    page, words = response.text, text_of(response.text)
    assert "2026년 3월 2일 주" in words and "주 보기" in words and "달 보기" in words
    days = re.findall(r'data-day="(\d{4}-\d{2}-\d{2})"', page)
    assert days == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]
    thursday = page[page.index('data-day="2026-03-05"'):page.index('data-day="2026-03-06"')]
    assert "목요일 저녁 문화 행사 안내" in thursday and "18:30" in thursday and "작성: 서동욱" in thursday
    assert "다음 주 월요일 공지" not in page
    assert 'aria-current="date"' in page[page.index('data-day="2026-03-03"'):page.index('data-day="2026-03-04"')]
    assert "/static/web/calendar.js" in page and 'id="calendar-live"' in page and "화살표" in words
    assert 'action="/office/publish/drafts/' in thursday and 'name="scheduled_at"' in thursday
    # Paging: the next week (by link) holds Monday's post; ?start= names any day of a week.
    following = re.search(r'href="(/office/calendar\?org=anyanglove&amp;view=week&amp;start=2026-03-09)"', page)
    assert following, "no link to the next week"
    nxt = ok(dongwook.get(following.group(1).replace("&amp;", "&")), 200).text
    assert "다음 주 월요일 공지" in nxt and "목요일 저녁 문화 행사 안내" not in nxt and "2026년 3월 9일 주" in text_of(nxt)
    assert 'start=2026-03-02' in nxt  # back to the previous week
    assert "다음 주 월요일 공지" in ok(dongwook.get("/office/calendar?org=anyanglove&view=week&start=2026-03-15"), 200).text
    # Without a week: this week (the clock's Tuesday 3 March).
    assert 'data-day="2026-03-02"' in ok(dongwook.get("/office/calendar?org=anyanglove&view=week"), 200).text
    # The month view links to the week view and back.
    month = ok(dongwook.get("/office/calendar?org=anyanglove&month=2026-03"), 200).text
    assert "view=week&amp;start=2026-03-03" in month and "/static/web/calendar.js" in month
    for bad in ("2026-W54", "2026-10", "이번주", "2026-W1"):
        refused = dongwook.get(f"/office/calendar?org=anyanglove&view=week&week={bad}")
        assert refused.status_code == 400 and "주 주소가 올바르지 않습니다" in text_of(refused.text)
    assert dongwook.get("/office/calendar?view=week&start=2026-3-1").status_code == 400
    assert dongwook.get("/office/calendar?view=week&start=1900-01-01").status_code == 400


def test_only_staff_who_may_write_move_and_never_into_the_past(web_base: str, database_url: str,
                                                               clock: FrozenClock) -> None:
    office_of(database_url, approval=False)
    dongwook, responder, minsu = person(web_base, "dongwook_seo"), person(web_base, "jiwoo_han"), person(web_base, "minsu")
    _schedule(dongwook, "금요일 오전 공지", "2026-03-06T09:00")
    page = ok(dongwook.get(WEEK), 200).text
    [draft] = [int(i) for i in re.findall(r'/office/publish/drafts/(\d+)/move', page)]
    before = _times(database_url)
    assert before == [("금요일 오전 공지", "2026-03-06T00:00:00+00:00")]
    # A read-only office member sees the week but no move form, and a posted one is refused.
    seen = ok(responder.get(WEEK), 200).text
    assert "금요일 오전 공지" in seen and "/move" not in seen and 'id="calendar-live"' not in seen
    refused = responder.post(f"/office/publish/drafts/{draft}/move", {"scheduled_at": "2026-03-07T09:00", "back": WEEK})
    assert ok(refused).headers["location"].endswith("notice=office_refused")
    assert _times(database_url) == before
    # Someone who is not staff at all is kept out of the week and of the move.
    assert minsu.get(WEEK).status_code == 403
    outsider = minsu.post(f"/office/publish/drafts/{draft}/move", {"scheduled_at": "2026-03-07T09:00", "back": WEEK})
    assert outsider.status_code == 404  # a draft of an office one is not in is not found
    assert _times(database_url) == before
    # Into the past (the clock says Tuesday 3 March, 10:00): refused, back to the week.
    past = ok(dongwook.post(f"/office/publish/drafts/{draft}/move", {"scheduled_at": "2026-03-02T09:00", "back": WEEK}))
    assert "notice=office_refused" in past.headers["location"] and "view=week" in past.headers["location"]
    assert _times(database_url) == before
    # The author moves it a day later, as a drop on Saturday would, and lands back on the week.
    moved = ok(dongwook.post(f"/office/publish/drafts/{draft}/move", {"scheduled_at": "2026-03-07T09:00", "back": WEEK}))
    assert "view=week" in moved.headers["location"] and "notice=office_moved" in moved.headers["location"]
    assert _times(database_url) == [("금요일 오전 공지", "2026-03-07T00:00:00+00:00")]
    saturday = dongwook.follow(moved).text
    assert "예약 시각을 옮겼습니다" in saturday
    assert "금요일 오전 공지" in saturday[saturday.index('data-day="2026-03-07"'):saturday.index('data-day="2026-03-08"')]
