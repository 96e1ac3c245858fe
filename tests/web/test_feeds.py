"""RSS and Atom feeds of profiles and tags, read back with feedparser as a feed reader would."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import feedparser
import httpx
from sqlalchemy import update

from madang.db.database import Database
from madang.models import Account
from tests.web.client import WebClient
from tests.web.test_photos import jpeg_with_exif
from tests.web.test_profiles import citizen, post


def _feed(base: str, path: str) -> tuple[httpx.Response, feedparser.FeedParserDict]:
    response = httpx.get(base + path, timeout=20)
    return response, feedparser.parse(response.content)


def test_a_profile_feed_has_the_public_posts_in_hangul_as_rss_and_atom(web_base: str) -> None:
    city = citizen(web_base, "anyang", display_name="안양시청", note="안양시 공식 계정입니다.")
    post(city, "조용한 공지입니다", visibility="unlisted")
    post(city, "팔로워에게만 보이는 글", visibility="private")
    post(city, "교통 통제 구간은 평촌대로입니다", spoiler_text="교통 통제 안내")
    answer = city.post("/statuses", {"status": "안양천 벚꽃이 피었습니다 #안양", "visibility": "public",
                                     "form_key": "f1", "media_0_description": "분홍 벚꽃"},
                       files={"media_0": ("벚꽃.jpg", jpeg_with_exif(), "image/jpeg")})
    assert answer.status_code == 303, answer.text[:500]

    response, rss = _feed(web_base, "/@anyang.rss")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert not rss.bozo, rss.bozo_exception
    assert rss.version == "rss20"
    assert rss.feed.title == "안양시청 (@anyang)"
    assert rss.feed.link == web_base + "/@anyang"
    assert rss.feed.description == "안양시 공식 계정입니다."
    titles = [e.title for e in rss.entries]
    # Newest first; the content warning is the title; followers-only posts are not in it.
    assert titles == ["안양천 벚꽃이 피었습니다 #안양", "교통 통제 안내", "조용한 공지입니다"]
    newest = rss.entries[0]
    assert re.fullmatch(re.escape(web_base) + r"/@anyang/\d+", newest.link)
    assert newest.id == newest.link  # guid: the post's page
    assert "안양천 벚꽃이 피었습니다" in newest.description and "/tags/" in newest.description
    assert newest.published_parsed is not None
    enclosure = newest.enclosures[0]
    assert enclosure.type == "image/jpeg" and enclosure.href.startswith(web_base + "/media/")
    assert httpx.get(enclosure.href, timeout=20).status_code == 200
    assert "평촌대로" in rss.entries[1].description
    assert httpx.get(newest.link, timeout=20).status_code == 200  # the link opens the post

    response, atom = _feed(web_base, "/@anyang.atom")
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert not atom.bozo, atom.bozo_exception
    assert atom.version == "atom10"
    assert [e.title for e in atom.entries] == titles
    assert [e.link for e in atom.entries] == [e.link for e in rss.entries]
    assert atom.entries[0].author == "안양시청"
    assert atom.entries[0].content[0].type == "text/html"
    assert [t.term for t in atom.entries[0].tags] == ["안양"]
    assert [link.type for link in atom.entries[0].links if link.rel == "enclosure"] == ["image/jpeg"]

    # A feed reader asking again with the ETag is told nothing changed.
    etag = httpx.get(web_base + "/@anyang.rss", timeout=20).headers["etag"]
    unchanged = httpx.get(web_base + "/@anyang.rss", headers={"If-None-Match": etag}, timeout=20)
    assert unchanged.status_code == 304 and unchanged.content == b""


def test_a_profile_feed_leaves_out_replies_to_others_and_boosts_and_keeps_20(sqlite_web_base: str) -> None:
    base = sqlite_web_base
    writer = citizen(base, "writer")
    other = citizen(base, "other")
    post(other, "다른 사람의 글")
    for n in range(21):
        post(writer, f"글 번호 {n}호")
    other_id = re.search(r'href="/@other/(\d+)"', WebClient(base).get("/@other").text).group(1)  # type: ignore[union-attr]
    post(writer, "다른 분께 드리는 답글", in_reply_to_id=other_id)
    _, rss = _feed(base, "/@writer.rss")
    titles = [e.title for e in rss.entries]
    assert len(titles) == 20
    assert titles[0] == "글 번호 20호" and "글 번호 0호" not in titles
    assert "다른 분께 드리는 답글" not in " ".join(titles)


def test_a_tag_feed_in_hangul_has_public_posts_with_the_tag(web_base: str) -> None:
    minji = citizen(web_base, "minji", display_name="김민지")
    post(minji, "안녕하세요 #안양")
    post(minji, "조용히 올린 #안양 글", visibility="unlisted")
    post(minji, "팔로워만 보는 #안양 이야기", visibility="private")
    post(minji, "#안양천 산책")

    for path in ("/tags/안양.rss", "/tags/%EC%95%88%EC%96%91.rss"):
        response, rss = _feed(web_base, path)
        assert response.status_code == 200 and not rss.bozo
        assert rss.feed.title == "#안양"
        assert rss.feed.link == web_base + "/tags/%EC%95%88%EC%96%91"
        assert [e.title for e in rss.entries] == ["안녕하세요 #안양"]
    _, atom = _feed(web_base, "/tags/안양.atom")
    assert [e.title for e in atom.entries] == ["안녕하세요 #안양"]
    assert atom.entries[0].author == "김민지"
    # An unknown tag is an empty feed, as its page is an empty list; a malformed one is a 404.
    response, empty = _feed(web_base, "/tags/없는태그.rss")
    assert response.status_code == 200 and empty.entries == []
    assert httpx.get(web_base + "/tags/a b!.rss", timeout=20).status_code == 404


def test_pages_point_feed_readers_at_their_feeds(sqlite_web_base: str) -> None:
    base = sqlite_web_base
    city = citizen(base, "anyang", display_name="안양시청")
    post(city, "안녕하세요 #안양")
    guest = WebClient(base)
    profile = guest.get("/@anyang").text
    assert '<link rel="alternate" type="application/rss+xml" title="안양시청의 RSS 피드" href="/@anyang.rss">' in profile
    assert '<link rel="alternate" type="application/atom+xml" title="안양시청의 Atom 피드" href="/@anyang.atom">' in profile
    tag = guest.get("/tags/안양").text
    found = re.findall(r'<link rel="alternate" type="application/(rss|atom)\+xml" title="[^"]+" href="([^"]+)">', tag)
    assert found == [("rss", "/tags/%EC%95%88%EC%96%91.rss"), ("atom", "/tags/%EC%95%88%EC%96%91.atom")]
    for _, href in found:
        assert feedparser.parse(guest.get(href).content).entries[0].title == "안녕하세요 #안양"
    # Pages that are not a profile or a tag carry no feed link.
    assert "application/rss+xml" not in guest.get("/about").text


def test_unknown_and_suspended_accounts_have_no_feed(sqlite_web_base: str, sqlite_url: str) -> None:
    base = sqlite_web_base
    citizen(base, "gone")
    assert httpx.get(base + "/@gone.rss", timeout=20).status_code == 200
    assert httpx.get(base + "/@nobody.rss", timeout=20).status_code == 404
    assert httpx.get(base + "/@gone@elsewhere.kr.atom", timeout=20).status_code == 404

    async def suspend() -> None:
        db = Database(sqlite_url)
        try:
            async with db.write() as s:
                await s.execute(update(Account).where(Account.username == "gone")
                                .values(suspended_at=datetime.now(UTC)))
        finally:
            await db.dispose()
    asyncio.run(suspend())
    assert httpx.get(base + "/@gone.rss", timeout=20).status_code == 404
    assert httpx.get(base + "/@gone.atom", timeout=20).status_code == 404
