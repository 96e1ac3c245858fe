"""Web journeys that used to dead-end (issue 13): follow requests, editing with history,
polls, direct messages marked and listed, notices after redirects to a #fragment, one word
for a boost, OAuth scopes in words, and the pause button only where something is live."""

from __future__ import annotations

import re

from tests.web.client import WebClient
from tests.web.social import account_id, api, eventually, follow, person, post


def _lock(web: WebClient) -> None:
    with api(web) as client:
        assert client.patch("/api/v1/accounts/update_credentials", data={"locked": "true"}).status_code == 200


def test_a_locked_account_approves_and_rejects_follow_requests_from_the_notification(web_base: str) -> None:
    minji, jun, seoyeon = person(web_base, "minji"), person(web_base, "jun"), person(web_base, "seoyeon")
    _lock(minji)
    follow(jun, "minji")
    follow(seoyeon, "minji")
    jun_id, seoyeon_id = account_id(minji, "jun"), account_id(minji, "seoyeon")

    def asked() -> bool:
        return minji.get("/notifications").text.count("님이 팔로우를 요청했습니다.") == 2
    eventually(asked)
    page = minji.get("/notifications").text
    # The notification has the two answers, and the page points to the list of waiting requests.
    assert f'action="/follow_requests/{jun_id}/authorize"' in page and f'action="/follow_requests/{jun_id}/reject"' in page
    assert 'href="/follow_requests"' in page and "기다리는 팔로우 요청 2건" in page
    listing = minji.get("/follow_requests")
    assert listing.status_code == 200 and "@jun" in listing.text and "@seoyeon" in listing.text

    notification = re.search(r'id="(notification-\d+)"[^>]*>\s*<p[^>]*>.*?jun', page, re.S)
    back = f"/notifications#{notification.group(1)}" if notification else "/notifications"
    approved = minji.post(f"/follow_requests/{jun_id}/authorize", {"next": back})
    assert approved.status_code == 303
    # The notice sits in the query, before the fragment, where the page can read it.
    assert approved.headers["location"].startswith("/notifications?notice=follow_request_authorized")
    assert "팔로우 요청을 승인했습니다." in minji.follow(approved).text
    rejected = minji.post(f"/follow_requests/{seoyeon_id}/reject", {"next": "/follow_requests"})
    assert "팔로우 요청을 거절했습니다." in minji.follow(rejected).text

    with api(jun) as client:
        rel = client.get("/api/v1/accounts/relationships", params={"id[]": account_id(jun, "minji")}).json()[0]
        assert rel["following"] is True and rel["requested"] is False
    with api(seoyeon) as client:
        rel = client.get("/api/v1/accounts/relationships", params={"id[]": account_id(seoyeon, "minji")}).json()[0]
        assert rel["following"] is False and rel["requested"] is False
    # Answered: no more buttons, nothing waits, and answering again is a clear 404.
    after = minji.get("/notifications").text
    assert "/authorize" not in after and "기다리는 팔로우 요청" not in after
    assert "기다리는 팔로우 요청이 없습니다." in minji.get("/follow_requests").text
    again = minji.post(f"/follow_requests/{seoyeon_id}/reject", {"next": "/follow_requests"})
    assert again.status_code == 404 and "찾을 수 없습니다" in again.text


def test_the_author_edits_a_post_with_the_composer_and_everyone_sees_the_history(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    sid = post(minji, "평촌 도서관은 9시에 엽니다")
    own = minji.get(f"/@minji/{sid}").text
    assert f'href="/statuses/{sid}/edit?next=' in own
    assert f"/statuses/{sid}/edit" not in jun.get(f"/@minji/{sid}").text

    form = minji.get(f"/statuses/{sid}/edit")
    assert form.status_code == 200 and f'action="/statuses/{sid}/edit"' in form.text
    assert ">평촌 도서관은 9시에 엽니다</textarea>" in form.text
    # The same rules as posting: too long or blank is refused with the composer's message, unchanged.
    too_long = minji.post(f"/statuses/{sid}/edit", {"status": "가" * 5001, "next": f"/@minji/{sid}"})
    as_post = re.search(r'id="status-error"[^>]*>([^<]+)', minji.post("/statuses", {"status": "가" * 5001}).text)
    assert too_long.status_code == 422 and "글자 수 제한(" in as_post.group(1) and as_post.group(1) in too_long.text
    blank = minji.post(f"/statuses/{sid}/edit", {"status": "  ", "next": f"/@minji/{sid}"})
    assert blank.status_code == 422 and "내용을 입력해 주세요." in blank.text

    done = minji.post(f"/statuses/{sid}/edit", {"status": "평촌 도서관은 10시에 엽니다", "next": f"/@minji/{sid}"})
    assert done.status_code == 303 and done.headers["location"] == f"/@minji/{sid}?notice=edited"
    page = minji.follow(done).text
    assert "글을 수정했습니다." in page and "10시에 엽니다" in page and "9시에 엽니다" not in page
    assert f'href="/statuses/{sid}/history"' in page and "수정됨" in page

    history = jun.get(f"/statuses/{sid}/history")
    assert history.status_code == 200
    assert history.text.index("10시에 엽니다") < history.text.index("9시에 엽니다")  # newest first
    assert "지금 내용" in history.text and "처음 쓴 내용" in history.text


def test_a_citizen_makes_a_poll_others_vote_once_and_see_results(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    compose = minji.get("/compose").text
    assert 'name="poll_option_0"' in compose and 'name="poll_expires_in"' in compose and 'name="poll_multiple"' in compose
    # The poll's rules are the domain's, said on the page; nothing is posted.
    one = minji.post("/statuses", {"status": "어디로 갈까요?", "visibility": "public", "poll_option_0": "공원"})
    assert one.status_code == 422 and "투표 항목은 두 개 이상이어야 합니다." in one.text and 'value="공원"' in one.text
    same = minji.post("/statuses", {"status": "어디로 갈까요?", "visibility": "public",
                                    "poll_option_0": "공원", "poll_option_1": "공원"})
    assert same.status_code == 422 and "같은 투표 항목이 두 번 있습니다." in same.text

    sid = post_poll(minji, "주말에 어디로 갈까요?", ["안양천", "수리산", "평촌 공원"])
    page = jun.get(f"/@minji/{sid}").text
    poll_id = re.search(r'action="/polls/(\d+)/votes"', page).group(1)
    assert 'type="radio"' in page and "안양천" in page and "수리산" in page and "poll-share" not in _poll(page)
    voted = jun.post(f"/polls/{poll_id}/votes", {"choices": "1", "next": f"/@minji/{sid}"})
    assert voted.status_code == 303 and voted.headers["location"] == f"/@minji/{sid}?notice=voted#poll-{poll_id}"
    results = _poll(jun.follow(voted).text)
    assert "100%" in results and "내 선택" in results and "/votes" not in results
    # A second vote is refused with a clear message, and counts once.
    twice = jun.post(f"/polls/{poll_id}/votes", {"choices": "0", "next": f"/@minji/{sid}"})
    assert twice.status_code == 400 and "이미 투표했습니다." in twice.text
    nothing = person(web_base, "seoyeon").post(f"/polls/{poll_id}/votes", {"next": f"/@minji/{sid}"})
    assert nothing.status_code == 400 and "투표할 항목을 골라 주세요." in nothing.text
    # The author sees the results without voting; a visitor sees the options and a sign-in link.
    author = _poll(minji.get(f"/@minji/{sid}").text)
    assert "100%" in author and "1명 참여" in author and "/votes" not in author
    guest = _poll(WebClient(web_base).get(f"/@minji/{sid}").text)
    assert "수리산" in guest and "로그인하고 투표하기" in guest and "poll-share" not in guest


def post_poll(web: WebClient, text: str, options: list[str], multiple: bool = False) -> str:
    form = {"status": text, "visibility": "public", "poll_expires_in": "86400"}
    form.update({f"poll_option_{i}": o for i, o in enumerate(options)})
    if multiple:
        form["poll_multiple"] = "1"
    answer = web.post("/statuses", form)
    assert answer.status_code == 303, answer.text[:500]
    with api(web) as client:
        me = client.get("/api/v1/accounts/verify_credentials").json()["id"]
        status = client.get(f"/api/v1/accounts/{me}/statuses", params={"limit": 1}).json()[0]
    assert [o["title"] for o in status["poll"]["options"]] == options and status["poll"]["multiple"] is multiple
    return status["id"]


def _poll(page: str) -> str:
    found = re.search(r'<div class="poll".*?</div>', page, re.S)
    assert found, "no poll on the page"
    return found.group(0)


def test_direct_and_followers_only_posts_are_marked_and_direct_messages_have_their_own_page(web_base: str) -> None:
    minji, jun, seoyeon = person(web_base, "minji"), person(web_base, "jun"), person(web_base, "seoyeon")
    follow(jun, "minji")
    dm = post(minji, "@jun 민원 접수 번호 알려 드려요", visibility="direct")
    private = post(minji, "팔로워에게만 하는 말", visibility="private")
    public = post(minji, "모두에게 하는 말")

    def arrived() -> bool:
        return f'id="status-{dm}"' in jun.get("/home").text
    eventually(arrived)
    home = jun.get("/home").text
    assert _marker(home, dm) == "개인 메시지" and _marker(home, private) == "팔로워만" and _marker(home, public) is None
    eventually(lambda: f'id="status-{dm}"' in jun.get("/notifications").text)
    assert _marker(jun.get("/notifications").text, dm) == "개인 메시지"

    eventually(lambda: f'id="status-{dm}"' in jun.get("/conversations").text)
    for reader in (jun, minji):
        box = reader.get("/conversations")
        assert box.status_code == 200 and "민원 접수 번호" in box.text and "팔로워에게만" not in box.text
    assert 'href="/conversations"' in jun.get("/home").text  # in the nav
    assert "아직 개인 메시지가 없습니다." in seoyeon.get("/conversations").text
    assert WebClient(web_base).get("/conversations").status_code == 303  # to sign in


def _marker(page: str, status_id: str) -> str | None:
    card = re.search(rf'id="status-{status_id}".*?</header>', page, re.S)
    assert card, status_id
    found = re.search(r'class="visibility visibility-\w+">(?:<span aria-hidden="true">[^<]*</span>)?([^<]+)</span>',
                      card.group(0))
    return found.group(1) if found else None


def test_a_report_notice_survives_the_redirect_back_to_the_card(sqlite_web_base: str) -> None:
    minji, jun = person(sqlite_web_base, "minji"), person(sqlite_web_base, "jun")
    sid = post(minji, "광고 글입니다")
    minji_id = account_id(jun, "minji")
    sent = jun.post("/reports", {"account_id": minji_id, "status_ids": sid, "category": "spam",
                                 "comment": "", "next": f"/public/local#status-{sid}"})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/public/local?notice=reported#status-{sid}"
    assert "신고를 보냈습니다." in jun.follow(sent).text


def test_redirect_puts_the_notice_before_the_fragment() -> None:
    # The monitor's reply (and every other action) answers through this one helper.
    from madang.web.routes.common import redirect

    assert redirect("/office/monitor?org=city#m-5", notice="monitor_replied").headers["location"] == \
        "/office/monitor?org=city&notice=monitor_replied#m-5"
    assert redirect("/office/monitor#m-5", notice="monitor_replied").headers["location"] == \
        "/office/monitor?notice=monitor_replied#m-5"
    assert redirect("/home", notice="posted").headers["location"] == "/home?notice=posted"


def test_a_boost_is_called_a_boost_everywhere(sqlite_web_base: str) -> None:
    minji, jun = person(sqlite_web_base, "minji"), person(sqlite_web_base, "jun")
    sid = post(minji, "벚꽃 소식")
    jun.post(f"/statuses/{sid}/reblog", {"next": "/home"})
    follow(minji, "jun")
    for page in (jun.get(f"/@minji/{sid}").text, WebClient(sqlite_web_base).get(f"/@minji/{sid}").text,
                 minji.get("/@jun").text):
        assert "부스트" in page and "공유" not in page
    eventually(lambda: "님이 회원님의 글을 부스트했습니다." in minji.get("/notifications").text)
    assert "공유" not in minji.get("/notifications").text


def test_the_oauth_consent_page_says_what_each_scope_allows(sqlite_web_base: str) -> None:
    import httpx

    with httpx.Client(base_url=sqlite_web_base) as http:
        app = http.post("/api/v1/apps", data={"client_name": "읽기앱", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                               "scopes": "read write:statuses follow"}).json()
    web = person(sqlite_web_base, "minji")
    page = web.get("/oauth/authorize", params={"client_id": app["client_id"], "response_type": "code",
                                               "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
                                               "scope": "read write:statuses follow"}).text
    assert "계정 정보와 글 읽기" in page and "게시물 쓰기와 바꾸기" in page and "팔로우, 차단, 뮤트 관리" in page
    english = WebClient(sqlite_web_base, accept_language="en")
    english.sign_up("jun")
    english_page = english.get("/oauth/authorize", params={"client_id": app["client_id"], "response_type": "code",
                                                           "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
                                                           "scope": "read"}).text
    assert "Read your account information and posts" in english_page


def test_the_pause_button_is_only_where_a_live_region_is(sqlite_web_base: str) -> None:
    minji = person(sqlite_web_base, "minji")
    sid = post(minji, "안녕하세요")
    assert minji.get("/home").text.count("data-live-pause") == 1
    assert minji.get("/public/local").text.count("data-live-pause") == 1
    for path in ("/notifications", f"/@minji/{sid}", "/settings/profile", "/compose", "/@minji", "/conversations"):
        page = minji.get(path).text
        assert "data-live-pause" not in page and "실시간 업데이트 일시정지" not in page, path
        assert 'id="live-bar"' in page, path  # the stream still keeps the unread count


def test_a_multiple_choice_poll_takes_several_choices_and_an_ended_poll_shows_results(
        web_base: str, database_url: str) -> None:
    import asyncio

    from sqlalchemy import update
    from sqlalchemy.ext.asyncio import create_async_engine

    from madang.models.polls import Poll

    minji, jun, seoyeon = person(web_base, "minji"), person(web_base, "jun"), person(web_base, "seoyeon")
    sid = post_poll(minji, "좋아하는 공원을 모두 골라 주세요", ["중앙공원", "평촌공원", "병목안"], multiple=True)
    page = jun.get(f"/@minji/{sid}").text
    poll_id = re.search(r'action="/polls/(\d+)/votes"', page).group(1)
    assert _poll(page).count('type="checkbox"') == 3 and "여러 개 고를 수 있음" in page
    assert jun.post(f"/polls/{poll_id}/votes", {"choices": ["0", "2"], "next": f"/@minji/{sid}"}).status_code == 303
    mine = _poll(jun.get(f"/@minji/{sid}").text)
    assert mine.count('class="mine"') == 2 and "100%" in mine  # shares of the voters, not of the votes

    async def end_poll() -> None:  # time passes: the poll's end is now behind it
        engine = create_async_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(update(Poll).where(Poll.id == int(poll_id)).values(expires_at=Poll.created_at))
        await engine.dispose()
    asyncio.run(end_poll())
    ended = _poll(seoyeon.get(f"/@minji/{sid}").text)
    assert "마감됨" in ended and "/votes" not in ended and "poll-share" in ended and "1명 참여" in ended
    late = seoyeon.post(f"/polls/{poll_id}/votes", {"choices": "1", "next": f"/@minji/{sid}"})
    assert late.status_code == 400 and "이미 끝난 투표입니다." in late.text
