"""The city blog's page on a real server: an office admin adds a feed served on loopback (its
latest entry is posted by the worker within moments), a bad address is refused next to the
field, a feed's error is shown, and feeds are paused and removed; other staff only look."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from madang.accounts.queries import find_account_by_acct
from madang.blog.fetching import FetchLimits
from madang.blog.polling import BlogConfig, poll_feed
from madang.db import Database
from madang.models import Status
from madang.models.blog import BlogFeed
from tests.factories import SITE
from tests.office.feed_server import Doc, FeedServer, feed_server, rss
from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.test_office_links import PASSWORD, run, seed

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
ITEMS = [("p1", "안양천 벚꽃길 걷기 행사", T0), ("p2", "시내버스 노선 개편 안내", T0.replace(day=2))]


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server




def city_posts(url: str) -> list[str]:
    async def work(s: Any) -> Any:
        org = await find_account_by_acct(s, "anyanglove")
        return list(await s.scalars(select(Status.text).where(Status.account_id == org.id).order_by(Status.id)))
    return run(url, work)


def test_an_office_admin_follows_the_city_blog(database_url: str, tmp_path: Any, feeds: FeedServer) -> None:
    feeds.docs["/rss.xml"] = Doc(rss("안양시 공식 블로그", ITEMS))
    with running_server(database_url, media_path=tmp_path / "media", outbound_allow="127.0.0.1/32") as base:
        boss, reader = WebClient(base), WebClient(base)
        try:
            boss.sign_up("boss", PASSWORD)
            reader.sign_up("reader", PASSWORD)
            seed(database_url)

            assert "연동한 블로그가 없습니다." in boss.get("/office/blog").text
            added = boss.post("/office/blog", {"url": feeds.url("/rss.xml"), "interval": "15"})
            assert added.status_code == 303
            page = boss.follow(added)
            assert "블로그를 추가했습니다." in page.text and "안양시 공식 블로그" in page.text

            # The worker posts the latest entry (only) as the city, with a short link.
            deadline = time.time() + 15
            while not (posts := city_posts(database_url)) and time.time() < deadline:
                time.sleep(0.1)
            assert len(posts) == 1 and posts[0].startswith(f"시내버스 노선 개편 안내\n{base}/s/")
            code = posts[0].rsplit("/s/", 1)[1]
            assert boss.http.get(f"/s/{code}").headers["location"] == "https://blog.anyang.kr/posts/p2"

            # Bad addresses: refused next to the field, what was typed kept, nothing added.
            feeds.docs["/broken.xml"] = Doc(rss("깨진 피드", ITEMS)[:150])
            for url, message in (("ftp://anyang.go.kr/rss", "http:// 또는 https://"),
                                 (feeds.url("/broken.xml"), "XML이 올바르지 않습니다"),
                                 (feeds.url("/nothing"), "HTTP 404"),
                                 (feeds.url("/rss.xml"), "이미 추가한 피드입니다")):
                bad = boss.post("/office/blog", {"url": url, "interval": "15"})
                assert bad.status_code == 422 and 'id="f-url-error"' in bad.text and message in bad.text
                assert f'value="{url}"' in bad.text
            assert boss.post("/office/blog", {"url": feeds.url("/rss.xml"), "interval": "7"}).status_code == 422
            assert run(database_url, lambda s: s.scalar(select(func.count()).select_from(BlogFeed))) == 1

            # The feed breaks: the next poll's error is on the page.
            feeds.docs["/rss.xml"] = Doc(b"<rss><channel><title>x</title><item>")
            feed_id = run(database_url, lambda s: s.scalar(select(BlogFeed.id)))

            async def poll() -> None:
                db = Database(database_url)
                try:
                    await poll_feed(db, feed_id=feed_id, config=BlogConfig(
                        site=SITE, limits=FetchLimits(allow="127.0.0.1/32")))
                finally:
                    await db.dispose()
            asyncio.run(poll())
            shown = boss.get("/office/blog")
            assert "오류: 피드의 XML이 올바르지 않습니다" in shown.text

            # Read-only staff see the list, without the forms, and may change nothing.
            seen = reader.get("/office/blog")
            assert seen.status_code == 200 and "안양시 공식 블로그" in seen.text and 'action="/office/blog"' not in seen.text
            assert reader.post("/office/blog", {"url": feeds.url("/rss.xml")}).status_code == 403
            assert reader.post(f"/office/blog/{feed_id}/pause").status_code == 403
            assert reader.post(f"/office/blog/{feed_id}/remove").status_code == 403

            # Pause, resume, remove.
            assert "(멈춤)" in boss.follow(boss.post(f"/office/blog/{feed_id}/pause")).text
            assert run(database_url, lambda s: s.scalar(select(BlogFeed.active))) is False
            assert "블로그 게시를 다시 시작했습니다." in boss.follow(boss.post(f"/office/blog/{feed_id}/resume")).text
            assert boss.post("/office/blog/123/remove").status_code == 404
            gone = boss.follow(boss.post(f"/office/blog/{feed_id}/remove"))
            assert "블로그를 목록에서 뺐습니다." in gone.text and "연동한 블로그가 없습니다." in gone.text
            assert len(city_posts(database_url)) == 1  # the post made stays
        finally:
            boss.close()
            reader.close()
