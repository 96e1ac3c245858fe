"""Profile pages, follower lists, following (locked and not), blocking and muting, through the pages."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from madang import accounts
from madang.db.database import Database
from tests.mastodon_api.clients import eventually
from tests.web.client import WebClient

HX = {"HX-Request": "true"}


def api(web: WebClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The API as the same person: a web session is an access token of the built-in web app."""
    token = web.http.cookies.get("madang_session")
    return web.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def citizen(base: str, username: str, **profile: str) -> WebClient:
    web = WebClient(base)
    assert web.sign_up(username).status_code == 303
    if profile:
        assert api(web, "PATCH", "/api/v1/accounts/update_credentials", data=profile).status_code == 200
    return web


def make_official(database_url: str, username: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                account = await accounts.find_account_by_acct(s, username)
                assert account is not None
                await accounts.set_flags(s, account, organisation=True, verified=True)
        finally:
            await db.dispose()
    asyncio.run(go())


def post(web: WebClient, text: str, visibility: str = "public", **extra: str) -> httpx.Response:
    answer = web.post("/statuses", {"status": text, "visibility": visibility, **extra})
    assert answer.status_code == 303, answer.text[:500]
    return answer


def counts(page: str) -> dict[str, int]:
    found = re.findall(r"(글|팔로워|팔로잉) <strong>([\d,]+)</strong>", page)
    return {name: int(n.replace(",", "")) for name, n in found}


def test_profile_page_shows_who_it_is_to_guests(web_base: str, database_url: str) -> None:
    city = citizen(web_base, "anyang", display_name="안양시청", note="안양시 공식 계정입니다. #안양 소식을 전합니다.")
    make_official(database_url, "anyang")
    post(city, "시청 민원실 운영 안내")

    page = WebClient(web_base).get("/@anyang")
    assert page.status_code == 200
    assert re.search(r"<h1 id=\"profile-name\">안양시청", page.text)
    assert 'alt="안양시청의 프로필 사진"' in page.text
    assert "@anyang" in page.text and "인증" in page.text and "기관" in page.text
    assert "안양시 공식 계정입니다." in page.text and '/tags/%EC%95%88%EC%96%91" class="mention hashtag"' in page.text
    assert re.search(r"가입일 <time[^>]*>\d{4}년 \d{1,2}월 \d{1,2}일</time>", page.text)
    assert counts(page.text) == {"글": 1, "팔로워": 0, "팔로잉": 0}
    assert 'href="/@anyang/followers"' in page.text and "시청 민원실 운영 안내" in page.text
    # A guest's follow button asks them to sign in first.
    assert 'href="/auth/sign_in?next=/%40anyang"' in page.text or "/auth/sign_in?next=" in page.text

    assert WebClient(web_base).get("/@nobody_here").status_code == 404
    assert WebClient(web_base).get("/@anyang@elsewhere.example").status_code == 404
    english = WebClient(web_base, accept_language="en").get("/@anyang")
    assert 'alt="Profile picture of 안양시청"' in english.text and "Joined" in english.text


def test_follow_an_open_and_a_locked_account_through_the_pages(web_base: str) -> None:
    citizen(web_base, "city")
    seoyeon = citizen(web_base, "seoyeon", locked="true")
    post(seoyeon, "팔로워에게만 하는 이야기", visibility="private")
    minji = citizen(web_base, "minji")

    page = minji.get("/@city")
    assert 'action="/@city/follow"' in page.text
    followed = minji.post("/@city/follow", {"next": "/@city"})
    assert followed.status_code == 303 and followed.headers["location"].startswith("/@city")
    page = minji.follow(followed)
    assert "팔로우했습니다." in page.text and "팔로우 취소" in page.text
    assert counts(page.text)["팔로워"] == 1
    assert '<span class="acct">@minji</span>' in WebClient(web_base).get("/@city/followers").text
    # Follower lists carry follow buttons too, and they come back to the list.
    listed = seoyeon.get("/@city/followers").text
    assert 'action="/@minji/follow"' in listed and 'name="next" value="/@city/followers"' in listed
    following = WebClient(web_base).get("/@minji/following")
    assert following.status_code == 200 and '<span class="acct">@city</span>' in following.text and "minji님이 팔로우하는 계정" in following.text

    # A locked account: the follow is a request until approved, and its followers-only post stays hidden.
    requested = minji.follow(minji.post("/@seoyeon/follow"))
    assert "팔로우 요청됨" in requested.text and "요청 취소" in requested.text
    assert counts(requested.text)["팔로워"] == 0
    assert "팔로워에게만 하는 이야기" not in requested.text
    assert "팔로워에게만 하는 이야기" not in WebClient(web_base).get("/@seoyeon").text
    assert "팔로워에게만 하는 이야기" in seoyeon.get("/@seoyeon").text

    [request] = eventually(lambda: api(seoyeon, "GET", "/api/v1/follow_requests").json())
    assert api(seoyeon, "POST", f"/api/v1/follow_requests/{request['id']}/authorize").status_code == 200
    approved = minji.get("/@seoyeon")
    assert "팔로워에게만 하는 이야기" in approved.text and "팔로우 취소" in approved.text

    # With htmx the button is swapped in place; without it, a redirect. Both change the same thing.
    swapped = minji.post("/@city/unfollow", {"next": "/@city"}, headers=HX)
    assert swapped.status_code == 200 and "<html" not in swapped.text
    assert 'action="/@city/follow"' in swapped.text and 'id="follow-btn-' in swapped.text
    assert "팔로우를 취소했습니다." in swapped.text  # said to screen readers through the live region
    assert counts(minji.get("/@city").text)["팔로워"] == 0
    assert "아직 팔로워가 없습니다." in WebClient(web_base).get("/@city/followers").text


def test_a_follow_request_can_be_withdrawn_and_guests_are_sent_to_sign_in(sqlite_web_base: str) -> None:
    citizen(sqlite_web_base, "locked_one", locked="true")
    jiho = citizen(sqlite_web_base, "jiho")
    asked = jiho.post("/@locked_one/follow", headers=HX)
    assert asked.status_code == 200 and "팔로우 요청됨" in asked.text
    withdrawn = jiho.post("/@locked_one/unfollow", headers=HX)
    assert "팔로우 요청" in withdrawn.text and "팔로우 요청됨" not in withdrawn.text
    assert api(jiho, "GET", "/api/v1/accounts/relationships", params={"id[]": _id(jiho, "locked_one")}).json()[0][
        "requested"] is False

    guest = WebClient(sqlite_web_base)
    guest.get("/@locked_one")
    answer = guest.post("/@locked_one/follow")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/auth/sign_in")
    # Following oneself is refused with a page, not a 500.
    assert jiho.post("/@jiho/follow").status_code == 400


def _id(web: WebClient, username: str) -> str:
    return api(web, "GET", "/api/v1/accounts/lookup", params={"acct": username}).json()["id"]


def test_tabs_pinned_posts_and_paging(sqlite_web_base: str) -> None:
    other = citizen(sqlite_web_base, "other")
    post(other, "다른 사람의 글")
    other_status = api(other, "GET", f"/api/v1/accounts/{_id(other, 'other')}/statuses").json()[0]["id"]
    me = citizen(sqlite_web_base, "writer")
    post(me, "고정할 첫 글")
    first_id = api(me, "GET", f"/api/v1/accounts/{_id(me, 'writer')}/statuses").json()[0]["id"]
    assert api(me, "POST", f"/api/v1/statuses/{first_id}/pin").status_code == 200
    for n in range(22):
        post(me, f"일기 {n}번")
    post(me, "남에게 단 답글", in_reply_to_id=other_status)

    page = WebClient(sqlite_web_base).get("/@writer").text
    assert "고정된 글" in page and page.index("고정할 첫 글") < page.index("일기 21번")
    assert page.count('id="status-' + first_id + '"') == 1
    assert "남에게 단 답글" not in page
    older = re.search(r'href="\?max_id=(\d+)" rel="next"', page)
    assert older, "a full page links to the next"
    second = WebClient(sqlite_web_base).get(f"/@writer?max_id={older.group(1)}").text
    assert "일기 0번" in second and "고정된 글" not in second and "일기 21번" not in second

    replies = WebClient(sqlite_web_base).get("/@writer/with_replies").text
    assert "남에게 단 답글" in replies and 'aria-current="page">글과 답글' in replies
    media = WebClient(sqlite_web_base).get("/@writer/media").text
    assert "보여 줄 글이 없습니다." in media
    assert WebClient(sqlite_web_base).get("/@writer?max_id=abc").status_code == 400

    own = me.get("/@writer").text
    assert 'href="/settings/profile"' in own and "프로필 편집" in own and 'action="/@writer/follow"' not in own


def test_block_and_mute_ask_first_then_act(sqlite_web_base: str) -> None:
    troll = citizen(sqlite_web_base, "troll")
    post(troll, "시끄러운 글")
    me = citizen(sqlite_web_base, "quiet")
    me.post("/@troll/follow")
    troll.post("/@quiet/follow")

    confirm = me.get("/@troll/block")
    assert confirm.status_code == 200 and "troll님을 차단할까요?" in confirm.text
    assert 'action="/@troll/block"' in confirm.text
    page = me.follow(me.post("/@troll/block", {"next": "/@troll"}))
    assert "차단했습니다." in page.text and "차단 해제" in page.text and "시끄러운 글" not in page.text
    assert counts(page.text)["팔로워"] == 0 and counts(page.text)["팔로잉"] == 0
    # The blocked account cannot follow back.
    assert troll.post("/@quiet/follow").status_code == 403
    page = me.follow(me.post("/@troll/unblock"))
    assert "차단을 해제했습니다." in page.text and 'action="/@troll/follow"' in page.text

    confirm = me.get("/@troll/mute")
    assert "troll님을 뮤트할까요?" in confirm.text and 'name="duration"' in confirm.text
    page = me.follow(me.post("/@troll/mute", {"notifications": "1", "duration": "3600"}))
    assert "뮤트했습니다." in page.text and "뮤트 해제" in page.text
    mute = api(me, "GET", "/api/v1/mutes").json()
    assert [m["acct"] for m in mute] == ["troll"]
    [rel] = api(me, "GET", "/api/v1/accounts/relationships", params={"id[]": _id(me, "troll")}).json()
    assert rel["muting"] and rel["muting_notifications"]
    page = me.follow(me.post("/@troll/unmute"))
    assert "뮤트를 해제했습니다." in page.text and api(me, "GET", "/api/v1/mutes").json() == []

    assert me.get("/@quiet/block").status_code == 400  # not oneself
    assert WebClient(sqlite_web_base).get("/@troll/block").status_code == 303  # guests sign in first
