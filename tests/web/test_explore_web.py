"""둘러보기 (Mastodon's Explore) on SQLite and PostgreSQL: trending posts and hashtags once the
trends job has run, whom to follow (signed in only) with a working follow button, and the
federated tab showing a stored remote post but no local one."""

from __future__ import annotations

import asyncio

from madang import trends
from madang.db.database import Database
from tests.web.client import WebClient
from tests.web.social import account_id, api, follow, person, post
from tests.web.test_remote_profiles import _remote, _remote_post


def _refresh_trends(database_url: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            await trends.refresh_trends(db, time_zone="Asia/Seoul")
        finally:
            await db.dispose()
    asyncio.run(go())


def test_explore_shows_trends_suggestions_and_the_federated_timeline(database_url: str, web_base: str) -> None:
    minji, jun, dana = (person(web_base, n) for n in ("minji_ex", "jun_ex", "dana_ex"))
    popular = post(dana, "안양천 #벚꽃축제 사진 모음")
    post(minji, "오늘 #벚꽃축제 다녀왔어요")
    post(jun, "주말에 #벚꽃축제 가요")
    for fan in (minji, jun):
        assert fan.post(f"/statuses/{popular}/favourite", {"next": "/public/local"}).status_code == 303
    _refresh_trends(database_url)

    guest = WebClient(web_base)
    posts = guest.get("/explore")
    assert posts.status_code == 200 and 'aria-current="page">인기 글' in posts.text
    assert f'id="status-{popular}"' in posts.text and "안양천" in posts.text
    assert "/explore/suggestions" not in posts.text  # suggestions only for the signed in
    tags = guest.get("/explore/tags")
    assert tags.status_code == 200 and '#벚꽃축제</a>' in tags.text
    assert "최근 이틀 동안 3명이 이야기함" in tags.text
    assert guest.get("/explore/suggestions").status_code == 303  # to the sign-in page
    assert guest.get("/explore?offset=x").status_code == 400
    english = WebClient(web_base, accept_language="en").get("/explore/tags")
    assert "Trending hashtags" in english.text and "3 people in the last two days" in english.text
    assert 'href="/explore"' in guest.get("/").text  # the signed-out menu leads here

    # Friends of friends: minji follows jun, who follows dana.
    follow(minji, "jun_ex")
    follow(jun, "dana_ex")
    page = minji.get("/explore/suggestions")
    assert page.status_code == 200 and 'aria-current="page">추천 계정' in page.text
    assert 'action="/@dana_ex/follow"' in page.text and "/@jun_ex/follow" not in page.text
    assert "내가 팔로우하는 사람들이 팔로우함" in page.text
    done = minji.post("/@dana_ex/follow", {"next": "/explore/suggestions"})
    assert done.status_code == 303 and done.headers["location"].startswith("/explore/suggestions")
    assert "팔로우했습니다." in minji.follow(done).text
    with api(minji) as client:
        rel = client.get("/api/v1/accounts/relationships", params={"id[]": account_id(minji, "dana_ex")}).json()
    assert rel[0]["following"] is True

    person(web_base, "extra_ex")
    follow(jun, "extra_ex")
    assert 'action="/@extra_ex/follow"' in minji.get("/explore/suggestions").text
    dismissed = minji.post(f"/explore/suggestions/{account_id(minji, 'extra_ex')}/dismiss", {})
    assert dismissed.status_code == 303
    after = minji.follow(dismissed)
    assert "이 계정을 다시 추천하지 않습니다." in after.text and "/@extra_ex/follow" not in after.text

    _remote(database_url, "hana")
    _remote_post(database_url, "hana", "먼 서버에서 온 소식")
    remote = guest.get("/public/remote")
    assert remote.status_code == 200 and "먼 서버에서 온 소식" in remote.text
    assert "@hana@far.example" in remote.text and "안양천" not in remote.text  # local posts stay in their tab
    local = minji.get("/public/local")
    assert 'aria-current="page">이 서버' in local.text and "안양천" in local.text
    assert "먼 서버에서 온 소식" not in local.text
