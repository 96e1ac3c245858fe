"""Hashtag families through a real server (SQLite and PostgreSQL): an office admin joins
#안양, #anyang and #안양시 on /office/tag_families (others get a 403 in Korean); the tag page,
the tag timeline API (any[], all[], none[]) and the tag feeds then read them as one, each post
still showing its tag as written; taking one out is in the history."""

from __future__ import annotations

import re

import httpx

from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient
from tests.web.test_desk_settings import seed

PASSWORD = "비밀번호는길게1234"


def _timeline(server: str, tag: str, **params: object) -> list[str]:
    answer = httpx.get(f"{server}/api/v1/timelines/tag/{tag}", params=params, timeout=10)  # type: ignore[arg-type]
    assert answer.status_code == 200
    return [s["id"] for s in answer.json()]


def test_an_office_admin_joins_tags_and_every_reading_follows(server: str, database_url: str) -> None:
    boss, reader = WebClient(server), WebClient(server)
    boss.sign_up("boss", PASSWORD)
    reader.sign_up("reader", PASSWORD)
    seed(database_url)  # boss: office_admin of @anyanglove; reader: read_only
    writer, _, _ = register(server, new_app(server))
    roman = writer.status_post("Anyang stream walk #anyang")
    hangul = writer.status_post("안양천 산책 #안양")
    city = writer.status_post("안양시 소식과 고양 소식 #안양시 #고양")
    goyang = writer.status_post("고양 호수공원 #고양")
    assert _timeline(server, "anyang") == [str(roman.id)]

    # Only an office admin (or a server admin): others are refused in Korean, nothing written.
    for outsider in (reader, WebClient(server)):
        if outsider is not reader:
            outsider.sign_up("citizen", PASSWORD)
        assert outsider.get("/office/tag_families").status_code == 403
        refused = outsider.post("/office/tag_families", {"tags": "#안양 #anyang"})
        assert refused.status_code == 403 and "민원 총괄" in refused.text
    assert _timeline(server, "anyang") == [str(roman.id)]

    bad = boss.post("/office/tag_families", {"tags": "#혼자"})
    assert bad.status_code == 422 and "둘 이상" in bad.text
    joined = boss.post("/office/tag_families", {"tags": "#안양 #anyang, 안양시"})
    assert joined.status_code == 303
    page = boss.follow(joined)
    assert "해시태그를 묶었습니다." in page.text and "@boss" in page.text
    assert re.findall(r'href="/tags/([^"]+)">#', page.text)[:4] == ["%EC%95%88%EC%96%91"] * 2 + ["anyang", "%EC%95%88%EC%96%91%EC%8B%9C"]

    family = [str(city.id), str(hangul.id), str(roman.id)]
    for name in ("anyang", "안양", "안양시", "ANYANG"):
        assert _timeline(server, name) == family
    assert _timeline(server, "고양", **{"all[]": "anyang"}) == [str(city.id)]
    assert _timeline(server, "anyang", **{"none[]": "고양"}) == [str(hangul.id), str(roman.id)]
    assert _timeline(server, "고양", **{"any[]": "anyang"}) == [str(goyang.id), *family]
    # Each post still carries the tag it was written with.
    shown = httpx.get(f"{server}/api/v1/timelines/tag/안양", timeout=10).json()
    assert [[t["name"] for t in s["tags"]] for s in shown] == [["안양시", "고양"], ["안양"], ["anyang"]]

    tag_page = reader.get("/tags/anyang").text
    for post in ("Anyang stream walk", "안양천 산책", "안양시 소식과 고양 소식"):
        assert post in tag_page
    assert "고양 호수공원" not in tag_page and "같은 뜻으로 묶인 해시태그" in tag_page
    for feed in ("/tags/%EC%95%88%EC%96%91%EC%8B%9C.rss", "/tags/anyang.atom"):
        body = httpx.get(server + feed, timeout=10).text
        assert all(text in body for text in ("Anyang stream walk", "안양천 산책", "안양시 소식과 고양 소식"))

    removed = boss.post("/office/tag_families/remove", {"tag": "안양시"})
    assert removed.status_code == 303
    history = boss.follow(removed).text
    assert "해시태그를 묶음에서 뺐습니다." in history and "#안양시 을(를) #안양 묶음에서 뺌" in history
    assert _timeline(server, "anyang") == [str(hangul.id), str(roman.id)]
    assert _timeline(server, "안양시") == [str(city.id)]
    assert "고양 호수공원" not in httpx.get(f"{server}/tags/anyang.rss", timeout=10).text
