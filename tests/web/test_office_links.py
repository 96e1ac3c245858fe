"""Short links on a real server: /s/<code> sends a visitor on with a 302 and counts the click on
the day (and nothing about the visitor), an unknown code is a 404 page, and the office's list
shows each link's clicks; only staff see it and only those who handle cases make links."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, inspect, select

from madang import links
from madang.accounts.queries import find_account_by_acct
from madang.core.clock import utcnow
from madang.db import Database
from madang.desk.organisations import add_staff
from madang.models.short_links import ShortLink, ShortLinkDay
from tests.factories import make_account
from tests.web.client import WebClient
from tests.web.test_desk_settings import PASSWORD, run

LONG = "https://www.anyang.go.kr/main/selectBbsNttView.do?key=1234&bbsNo=56&nttNo=789012"


def seed(url: str) -> None:
    async def work(s: Any) -> None:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        for username, role in (("boss", "office_admin"), ("reader", "read_only")):
            await add_staff(s, organisation=org, account=await find_account_by_acct(s, username), role=role)
    run(url, work)


def days(url: str) -> list[tuple[Any, ...]]:
    return run(url, lambda s: s.execute(select(ShortLinkDay.link_id, ShortLinkDay.day, ShortLinkDay.clicks)))


def test_a_short_link_sends_visitors_on_and_counts_each_click(web_base: str, database_url: str) -> None:
    boss, reader, citizen = WebClient(web_base), WebClient(web_base), WebClient(web_base)
    visitor = httpx.Client(base_url=web_base, follow_redirects=False, timeout=20)
    try:
        boss.sign_up("boss", PASSWORD)
        reader.sign_up("reader", PASSWORD)
        citizen.sign_up("minsu", PASSWORD)
        seed(database_url)

        empty = boss.get("/office/links")
        assert empty.status_code == 200 and "아직 만든 짧은 주소가 없습니다." in empty.text
        made = boss.post("/office/links", {"url": LONG})
        assert made.status_code == 303
        page = boss.follow(made)
        assert "짧은 주소를 만들었습니다." in page.text and LONG.replace("&", "&amp;") in page.text
        code = run(database_url, lambda s: s.scalar(select(ShortLink.code)))
        assert f"/s/{code}" in page.text

        # Two clicks by someone not signed in: each a 302 to the long URL, never cached.
        for _ in range(2):
            sent = visitor.get(f"/s/{code}", headers={"User-Agent": "Mozilla/5.0 (Android)",
                                                      "Referer": "https://example.kr/somewhere"})
            assert sent.status_code == 302 and sent.headers["location"] == LONG
            assert sent.headers["cache-control"] == "no-store"
        today = links.day_of(utcnow())
        counted = days(database_url)
        assert sum(c for _, _, c in counted) == 2
        assert {d for _, d, _ in counted} <= {today, today - timedelta(days=1)}  # a click at midnight

        listed = boss.get("/office/links")
        row = listed.text.split(f"/s/{code}</a>")[1].split("</tr>")[0]
        assert [cell.split(">")[-1] for cell in row.split("</td>")[-4:-1]] == ["2", "2", "2"]

        # An unknown code: a 404 page, and nothing counted.
        missing = visitor.get("/s/nope123")
        assert missing.status_code == 404 and "없는 짧은 주소입니다" in missing.text
        assert visitor.get("/s/..%2F..%2Fetc").status_code == 404
        assert sum(c for _, _, c in days(database_url)) == 2

        # Nothing about the visitor is kept: the day's row is a link, a day and a count.
        def columns(connection: Any) -> list[str]:
            return sorted(c["name"] for c in inspect(connection).get_columns("short_link_days"))

        async def read_columns() -> list[str]:
            db = Database(database_url)
            try:
                async with db.reader.connect() as connection:
                    return await connection.run_sync(columns)
            finally:
                await db.dispose()
        assert asyncio.run(read_columns()) == ["clicks", "day", "link_id"]
    finally:
        for client in (boss, reader, citizen):
            client.close()
        visitor.close()


def test_who_may_see_and_make_links(sqlite_web_base: str, sqlite_url: str) -> None:
    boss, reader, citizen = WebClient(sqlite_web_base), WebClient(sqlite_web_base), WebClient(sqlite_web_base)
    try:
        boss.sign_up("boss", PASSWORD)
        reader.sign_up("reader", PASSWORD)
        citizen.sign_up("minsu", PASSWORD)
        seed(sqlite_url)

        # A bad URL: 422, the reason next to the field, the typed text kept, nothing written.
        bad = boss.post("/office/links", {"url": "javascript:alert(1)"})
        assert bad.status_code == 422 and 'id="f-url-error"' in bad.text and 'aria-invalid="true"' in bad.text
        assert "http:// 또는 https://로 시작하는 주소만" in bad.text and 'value="javascript:alert(1)"' in bad.text
        huge = boss.post("/office/links", {"url": "https://anyang.go.kr/" + "a" * 5000})
        assert huge.status_code == 422 and "2,000자까지" in huge.text

        # Read-only staff see the list but may not make links; a citizen sees neither.
        assert reader.get("/office/links").status_code == 200
        refused = reader.post("/office/links", {"url": LONG})
        assert refused.status_code == 403 and "이 작업은 민원 총괄 또는 분류 담당 또는 부서 담당자 권한이 필요합니다." in refused.text
        assert citizen.get("/office/links").status_code == 403
        assert citizen.post("/office/links", {"url": LONG}).status_code == 403
        assert WebClient(sqlite_web_base).get("/office/links").status_code == 303  # guests sign in first
        assert run(sqlite_url, lambda s: s.scalar(select(func.count()).select_from(ShortLink))) == 0
    finally:
        for client in (boss, reader, citizen):
            client.close()
