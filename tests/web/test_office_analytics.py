"""The office's analytics and account health pages on a real server: staff see the charts (inline
SVG with a table), the top post and its own page, and the days as CSV; anyone else is refused;
bad dates are refused next to the field. An office admin is told of the mayor's profile on the
notifications page, while Mastodon clients never see that notification type."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from madang.accounts.queries import find_account_by_acct
from madang.analytics.health import check_accounts
from madang.analytics.rollup import rollup_analytics
from madang.core.settings import Settings
from madang.db import Database
from madang.desk.organisations import add_staff
from madang.models import ShortLink, ShortLinkDay
from madang.statuses.interactions import favourite_status
from tests.factories import make_account, make_status
from tests.mastodon_api.clients import client, new_app, register
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"
SEOUL = ZoneInfo("Asia/Seoul")


def seed(url: str, *, staff: str, role: str = "read_only") -> dict:
    async def go() -> dict:
        db = Database(url)
        try:
            async with db.write() as s:
                org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
                await add_staff(s, organisation=org, account=await find_account_by_acct(s, staff), role=role)
                fans = [await make_account(s, username=f"fan{n}") for n in range(3)]
                post = await make_status(s, org, "안양 벚꽃 축제가 4월 5일에 열립니다")
                for fan in fans:
                    await favourite_status(s, account=fan, status=post)
                link = ShortLink(code="spring1", url="https://anyang.example/spring", account_id=org.id,
                                 status_id=post.id, created_at=post.created_at)
                s.add(link)
                await s.flush()
                s.add(ShortLinkDay(link_id=link.id, day=datetime.now(SEOUL).date(), clicks=42))
            await rollup_analytics(db)
            return {"post_id": post.id}
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_staff_see_charts_top_posts_and_csv(web_base: str, database_url: str) -> None:
    staff, stranger = WebClient(web_base), WebClient(web_base)
    try:
        staff.sign_up("office_reader", PASSWORD)
        stranger.sign_up("minsu", PASSWORD)
        seeded = seed(database_url, staff="office_reader")
        page = staff.get("/office/analytics")
        assert page.status_code == 200, page.text[:2000]
        text = page.text
        assert "계정 분석" in text and "@anyanglove" in text
        assert text.count('role="img"') == 3 and "<desc" in text
        # Each chart has its axes (tick labels beside and below), hidden from screen readers,
        # who read the table after it.
        assert text.count('class="office-chart-y" aria-hidden="true"') == 3
        assert text.count('class="office-chart-x" aria-hidden="true"') == 3
        today = datetime.now(SEOUL).date()
        assert f">{today.month}/{today.day}</text>" in text and ">0시</text>" in text and ">23시</text>" in text
        assert 'class="office-chart-grid"' in text
        assert "<style" not in text and "style=" not in text and "<script>" not in text
        assert "받은 좋아요" in text and "<dd>3</dd>" in text and "<dd>42</dd>" in text  # favourites, clicks
        assert f'href="/office/analytics/posts/{seeded["post_id"]}"' in text and "벚꽃 축제" in text
        assert "content-security-policy" in page.headers

        post = staff.get(f"/office/analytics/posts/{seeded['post_id']}")
        assert post.status_code == 200 and "글 분석" in post.text and "<dd>42</dd>" in post.text

        today = datetime.now(SEOUL).date()
        export = staff.get(f"/office/analytics.csv?from={today - timedelta(days=6)}&to={today}")
        assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
        assert export.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert rows[0] == ["날짜", "팔로워", "새 팔로워", "떠난 팔로워", "글", "받은 답글", "받은 좋아요", "받은 공유",
                           "링크 클릭", "다른 서버의 새 팔로워", "다른 서버에서 받은 반응"]
        assert len(rows) == 8 and rows[-1][0] == today.isoformat()
        assert rows[-1][4:] == ["1", "0", "3", "0", "42", "0", "0"]
        assert "다른 서버의 팔로워" in text  # the federation figures, 0 with no remote followers

        for path in ("/office/analytics", "/office/analytics.csv", f"/office/analytics/posts/{seeded['post_id']}"):
            refused = stranger.get(path)
            assert refused.status_code == 403, path
        assert "기관 직원만" in stranger.get("/office/analytics").text
        assert WebClient(web_base).get("/office/analytics").status_code == 303  # a guest signs in first
    finally:
        staff.close()
        stranger.close()


def test_bad_dates_are_refused_next_to_the_field(sqlite_web_base: str, sqlite_url: str) -> None:
    staff = WebClient(sqlite_web_base)
    try:
        staff.sign_up("office_reader", PASSWORD)
        seeded = seed(sqlite_url, staff="office_reader")
        page = staff.get("/office/analytics?from=2026-13-01&to=2026-11-30")
        assert page.status_code == 422
        assert 'id="f-from-error"' in page.text and 'aria-invalid="true"' in page.text
        assert 'value="2026-13-01"' in page.text and "<svg" not in page.text
        backwards = staff.get("/office/analytics?from=2026-11-30&to=2026-11-01")
        assert backwards.status_code == 422 and "앞설 수 없습니다" in backwards.text
        too_long = staff.get("/office/analytics?from=2024-01-01&to=2026-01-01")
        assert too_long.status_code == 422 and "366일까지" in too_long.text
        assert staff.get("/office/analytics.csv?from=nope").status_code == 422
        assert staff.get("/office/analytics/posts/123").status_code == 404
        assert staff.get("/office/analytics/posts/abc").status_code == 404
        assert staff.get(f"/office/analytics/posts/{seeded['post_id']}x").status_code == 404
        empty = staff.get("/office/analytics?from=2020-01-01&to=2020-01-31")
        assert empty.status_code == 200 and "이 기간에 반응을 받은 글이 없습니다." in empty.text
    finally:
        staff.close()


def test_health_page_notification_and_the_api_leaves_it_out(sqlite_web_base: str, sqlite_url: str) -> None:
    app = new_app(sqlite_web_base)
    api, username, password = register(sqlite_web_base, app)
    chief, stranger = WebClient(sqlite_web_base), WebClient(sqlite_web_base)
    try:
        stranger.sign_up("minsu", PASSWORD)

        async def go() -> None:
            db = Database(sqlite_url)
            try:
                async with db.write() as s:
                    await make_account(s, username="choidaeho777", display_name="최대호",
                                       note="민주당 안양시장 후보 최대호", verified=True)
                async with db.write() as s:
                    await check_accounts(s, now=datetime.now(SEOUL), settings=Settings(database_url=sqlite_url))
            finally:
                await db.dispose()

        seed(sqlite_url, staff=username, role="office_admin")
        asyncio.run(go())
        assert chief.sign_in(username, password).status_code == 303
        health = chief.get("/office/health")
        assert health.status_code == 200, health.text[:1000]
        assert "@choidaeho777" in health.text and "‘후보’가 남아 있습니다" in health.text
        assert "지금 다시 점검하기" in health.text
        checked = chief.follow(chief.post("/office/health/check"))
        assert "계정을 다시 점검했습니다." in checked.text

        notes = chief.get("/notifications")
        assert "계정에 점검할 것이 있습니다." in notes.text and 'href="/office/health"' in notes.text
        assert notes.text.count("계정에 점검할 것이 있습니다.") == 3  # the mayor's bio and photo, the city's photo

        token_api = client(sqlite_web_base, app, api.access_token)
        assert all(n["type"] != "madang.health" for n in token_api.notifications())
        assert token_api.notifications(types=["madang.health"]) == []

        assert stranger.get("/office/health").status_code == 403
        assert stranger.post("/office/health/check").status_code == 403
    finally:
        chief.close()
        stranger.close()


def test_chart_ticks_are_round_numbers_placed_where_the_values_are_drawn() -> None:
    from madang.web.routes.office_analytics import line, x_ticks, y_ticks

    # The follower line from 100 to 180 over the chart's 160 px: ticks every 20, 100 at the floor.
    assert y_ticks(100, 180, height=160) == [(160.0, "100"), (120.0, "120"), (80.0, "140"), (40.0, "160"),
                                             (0.0, "180")]
    assert line([100, 180], width=720, height=160) == "0.0,160.0 720.0,0.0"
    assert y_ticks(0, 7, height=160)[0] == (160.0, "0")
    assert y_ticks(5, 5, flat_middle=True) == [(80.0, "5")]  # a flat line sits mid-height, so does its label
    assert x_ticks(["12/1", "12/2", "12/3"], centred=False) == [(0.0, "12/1", "start"), (50.0, "12/2", "middle"),
                                                               (100.0, "12/3", "end")]
    assert x_ticks([], centred=True) == []
