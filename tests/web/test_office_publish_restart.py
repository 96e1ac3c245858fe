"""A post scheduled on the office's calendar goes out at its time even though the server was
stopped in between: the publication is a durable job row, and the staff author is recorded by
the job when it runs in the restarted server."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.models import Status
from madang.models.office import OfficeDraft, OfficePost
from tests.desk.city import clock_fixture, seoul  # noqa: F401
from tests.support.server import running_server
from tests.web.test_office_publish import office_of, ok, person, query, text_of


def test_a_scheduled_post_is_published_on_time_after_a_restart(database_url: str, clock: FrozenClock,
                                                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    office_of(database_url, approval=True)
    with running_server(database_url, media_path=tmp_path / "media") as base:
        dongwook, seojin = person(base, "dongwook_seo"), person(base, "seojin_park")
        sent = ok(dongwook.post("/office/publish", {
            "organisation": "anyanglove", "action": "submit", "category": "welfare", "visibility": "public",
            "text": "오늘 오전 10시 10분 복지관 개관", "scheduled_at": "2026-03-03T10:10"}))
        draft = int(sent.headers["location"].split("/")[-1].split("?")[0])
        ok(seojin.post(f"/office/publish/drafts/{draft}/approve"))
        calendar = text_of(ok(seojin.get("/office/calendar?org=anyanglove&month=2026-03"), 200).text)
        assert "오늘 오전 10시 10분 복지관 개관" in calendar and "예약" in calendar
    clock.advance(minutes=9, seconds=59)  # the server is down while the time comes
    assert query(database_url, select(Status.id)) == []
    clock.advance(seconds=1)
    with running_server(database_url, media_path=tmp_path / "media") as base:
        deadline = time.monotonic() + 15
        rows: list = []
        while time.monotonic() < deadline and not rows:
            rows = query(database_url, select(Status.id, Status.account_id, Status.created_at, OfficePost.account_id)
                         .join(OfficePost, OfficePost.status_id == Status.id))
            time.sleep(0.1)  # the restarted server's worker runs on its own; wait for it, bounded
        assert len(rows) == 1, "not published after the restart"
        [(status_id, _, created_at, author_id)] = rows
        assert created_at == seoul(2026, 3, 3, 10, 10)  # on time (the frozen clock's minute)
        seojin = person(base, "seojin_park")
        posts = text_of(ok(seojin.get("/office/posts?org=anyanglove"), 200).text)
        assert "오늘 오전 10시 10분 복지관 개관" in posts and "작성: 서동욱" in posts and "승인: 박서진" in posts
    assert query(database_url, select(OfficeDraft.state, OfficeDraft.status_id)) == [("published", status_id)]
    assert created_at - seoul(2026, 3, 3, 10, 10) < timedelta(seconds=1)
