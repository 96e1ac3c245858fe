"""Tag pages in Hangul and the search page in Korean, for guests and signed-in readers."""

from __future__ import annotations

import re

from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.test_profiles import citizen, post


def test_a_hangul_tag_page_lists_the_public_posts_with_the_tag(web_base: str) -> None:
    minji = citizen(web_base, "minji")
    post(minji, "안녕하세요 #안양")
    post(minji, "팔로워만 보는 #안양 이야기", visibility="private")
    post(minji, "#안양천 산책")  # another tag that merely starts the same

    guest = WebClient(web_base)
    page = guest.get("/tags/안양")  # sent percent-encoded, as a browser does
    assert page.status_code == 200
    assert "<h1>#안양</h1>" in page.text and "<title>#안양 — " in page.text
    assert "안녕하세요" in page.text and "@minji" in page.text
    assert "팔로워만 보는" not in page.text and "산책" not in page.text
    raw = guest.get("/tags/%EC%95%88%EC%96%91")
    assert raw.status_code == 200 and "안녕하세요" in raw.text
    # The tag in the post links to this page.
    assert "/tags/%EC%95%88%EC%96%91" in guest.get("/@minji").text

    assert guest.get("/tags/없는태그").status_code == 200
    assert "아직 이 해시태그가 달린 글이 없습니다." in guest.get("/tags/없는태그").text
    assert guest.get("/tags/a b!").status_code == 404
    assert guest.get("/tags/안양?max_id=x").status_code == 400


def test_tag_pages_page_by_max_id(sqlite_web_base: str) -> None:
    writer = citizen(sqlite_web_base, "writer")
    for n in range(21):
        post(writer, f"글 번호 {n}호 #마당")
    first = WebClient(sqlite_web_base).get("/tags/마당").text
    older = re.search(r'href="\?max_id=(\d+)" rel="next"', first)
    assert older and "번호 20호" in first and "번호 0호" not in first
    second = WebClient(sqlite_web_base).get(f"/tags/마당?max_id={older.group(1)}").text
    assert "번호 0호" in second and "번호 20호" not in second


def test_closed_public_timelines_send_guests_to_sign_in(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with running_server(sqlite_url, media_path=tmp_path / "media", public_timelines_open=False) as base:
        guest = WebClient(base).get("/tags/안양")
        assert guest.status_code == 303 and guest.headers["location"].startswith("/auth/sign_in?next=")
        member = citizen(base, "member")
        assert member.get("/tags/안양").status_code == 200


def test_search_in_korean_finds_accounts_tags_and_posts(web_base: str) -> None:
    city = citizen(web_base, "cityhall", display_name="안양시청")
    post(city, "안양에서 벚꽃 축제가 열립니다 #안양시청")
    post(city, "부산 소식은 없습니다")

    guest = WebClient(web_base).get("/search", params={"q": "안양"})
    assert guest.status_code == 200
    sections = {h: guest.text.index(f'>{h}</h2>') for h in ("계정", "해시태그", "글")}
    assert sections["계정"] < sections["해시태그"] < sections["글"]
    assert "안양시청" in guest.text and "@cityhall" in guest.text
    assert 'href="/tags/%EC%95%88%EC%96%91%EC%8B%9C%EC%B2%AD">#안양시청</a>' in guest.text
    assert "글 내용은 로그인한 뒤에 찾을 수 있습니다." in guest.text and "벚꽃 축제" not in guest.text
    assert 'value="안양"' in guest.text and '<label for="f-q">검색어</label>' in guest.text

    reader = citizen(web_base, "reader")
    found = reader.get("/search", params={"q": "안양"})
    assert "벚꽃 축제" in found.text and "부산 소식" not in found.text
    # A particle after the noun still finds it (decision 0008).
    assert "벚꽃 축제" in reader.get("/search", params={"q": "안양에서"}).text
    tags_only = reader.get("/search", params={"q": "#안양"})
    assert "#안양시청</a>" in tags_only.text and "찾은 계정이 없습니다." in tags_only.text


def test_empty_or_too_long_queries_are_explained_not_errors(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    start = web.get("/search")
    assert start.status_code == 200 and "검색어" in start.text and "찾은" not in start.text
    blank = web.get("/search", params={"q": "   "})
    assert blank.status_code == 422 and "검색어를 입력해 주세요." in blank.text
    assert re.search(r'id="f-q"[^>]*aria-describedby="f-q-hint f-q-error"[^>]*aria-invalid="true"', blank.text, re.S)
    long = web.get("/search", params={"q": "가" * 201})
    assert long.status_code == 422 and "검색어가 너무 깁니다. 200자까지 입력할 수 있습니다." in long.text
    assert web.get("/search", params={"q": "안양\x00"}).status_code == 200  # a NUL is dropped, not a 500
    assert web.get("/search", params={"q": "안양", "max_id": "nope"}).status_code == 400


def test_search_operators_work_on_the_page_and_bad_values_are_explained_in_korean(sqlite_web_base: str) -> None:
    from tests.web.client import WebClient

    city, reader = WebClient(sqlite_web_base), WebClient(sqlite_web_base)
    city.sign_up("op_city")
    reader.sign_up("op_reader")
    city.post("/statuses", {"status": "안양 축제 안내입니다", "visibility": "public"})
    reader.post("/statuses", {"status": "안양 축제 가고 싶어요", "visibility": "public"})
    found = reader.get("/search", params={"q": "from:op_city 축제"})
    assert found.status_code == 200 and "축제 안내입니다" in found.text and "가고 싶어요" not in found.text
    bad = reader.get("/search", params={"q": "has:nothing 축제"})
    assert bad.status_code == 422 and "has: 뒤에는" in bad.text and 'value="has:nothing 축제"' in bad.text
    wrong_date = reader.get("/search", params={"q": "before:2026-13-40"})
    assert wrong_date.status_code == 422 and "날짜 2026-13-40" in wrong_date.text
