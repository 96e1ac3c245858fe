"""Issue 15: the notifications page grouped as Mastodon 4.3's web (the domain's groups,
decision 0030; decision 0051), its 전체/멘션 tabs, hidden kinds, paging that keeps both, and a
follow request answered in place. Other people act through Mastodon.py."""

from __future__ import annotations

import html
import re

from tests.mastodon_api.clients import new_app, register
from tests.web.social import account_id, api, eventually, person, post

NEXT = re.compile(r'<a href="(/notifications\?[^"]*)" rel="next">')


def _count(web, **params) -> int:  # type: ignore[no-untyped-def]
    with api(web) as client:
        return len(client.get("/api/v1/notifications", params={"limit": 80, **params}).json())


def test_favourites_group_mentions_stay_single_and_have_their_tab(web_base: str) -> None:
    minji = person(web_base, "minji")
    sid = post(minji, "안양천 벚꽃길 사진 올립니다")
    app = new_app(web_base)
    fans = [register(web_base, app, name) for name in ("haneul", "dongwoo", "sora")]
    for fan, _, _ in fans:
        fan.status_favourite(sid)
    fans[0][0].status_post("@minji 사진 잘 봤어요, 어디서 찍었나요?")
    eventually(lambda: _count(minji) == 4)

    text = minji.get("/notifications").text
    # One item for the three favourites, naming the newest and counting the others; the post once.
    assert text.count("notification-favourite") == 1 and "notification-group" in text
    assert '<a href="/@sora" class="display-name">sora</a>님 외 2명이 회원님의 글을 좋아합니다.' in text
    assert text.count("안양천 벚꽃길 사진 올립니다") == 1
    assert all(f'alt="{name}"' in text for name in ("haneul", "dongwoo", "sora"))
    # The mention alone, with its post; both new, then read.
    assert text.count("notification-mention") == 1 and "사진 잘 봤어요" in text
    assert text.count('class="badge new"') == 2
    assert 'role="feed"' in text
    assert '<a href="/notifications" aria-current="page">' in text
    assert minji.get("/notifications").text.count('class="badge new"') == 0

    mentions = minji.get("/notifications?tab=mentions")
    assert mentions.status_code == 200
    assert '<a href="/notifications?tab=mentions" aria-current="page">' in mentions.text
    assert "사진 잘 봤어요" in mentions.text and "좋아합니다" not in mentions.text

    hidden = minji.get("/notifications?exclude=favourite&exclude=reblog").text
    assert "좋아합니다" not in hidden and "사진 잘 봤어요" in hidden
    assert 'name="exclude" value="favourite" checked' in hidden
    # The tabs keep what is hidden.
    assert '<a href="/notifications?tab=mentions&amp;exclude=favourite&amp;exclude=reblog">' in hidden

    for bad in ("?tab=favourites", "?exclude=nothing", "?tab=all&tab=mentions"):
        answer = minji.get("/notifications" + bad)
        assert answer.status_code == 400, bad
        assert "알림" in answer.text
    assert "알림 탭은 전체 또는 멘션만 있습니다." in minji.get("/notifications?tab=x").text


def test_paging_keeps_the_tab_and_the_hidden_kinds(web_base: str) -> None:
    minji = person(web_base, "minji")
    sid = post(minji, "오늘 평촌 중앙공원 장터 열려요")
    writer, _, _ = register(web_base, new_app(web_base), "jiho")
    writer.status_favourite(sid)
    for n in range(21):
        writer.status_post(f"@minji 장터 질문 {n}번")
    eventually(lambda: _count(minji) == 22)

    for query in ("?tab=mentions", "?exclude=favourite"):
        first = minji.get("/notifications" + query).text
        assert first.count("notification-mention") == 20 and "좋아합니다" not in first
        older = NEXT.search(first)
        assert older, query
        url = html.unescape(older.group(1))
        assert url.startswith("/notifications" + query + "&max_id="), url
        second = minji.get(url).text
        assert "장터 질문 0번" in second and "좋아합니다" not in second
        assert second.count("notification-mention") == 1 and not NEXT.search(second)
    # The all tab, nothing hidden: the favourite (the oldest) is on the second page.
    older = NEXT.search(minji.get("/notifications").text)
    assert older and "좋아합니다" in minji.get(html.unescape(older.group(1))).text


def test_a_follow_request_is_accepted_in_place(web_base: str) -> None:
    minji = person(web_base, "minji")
    with api(minji) as client:
        assert client.patch("/api/v1/accounts/update_credentials", data={"locked": "true"}).status_code == 200
    asker, asker_name, _ = register(web_base, new_app(web_base), "yuna")
    asker.account_follow(account_id(minji, "minji"))
    eventually(lambda: _count(minji) == 1)

    text = minji.get("/notifications?exclude=favourite").text
    assert "님이 팔로우를 요청했습니다." in text
    item = re.search(r'id="notification-(\d+)"', text)
    assert item
    back = f"/notifications?exclude=favourite#notification-{item.group(1)}"
    assert f'name="next" value="{back}"' in text
    requester = account_id(minji, "yuna")
    answer = minji.post(f"/follow_requests/{requester}/authorize", {"next": back})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/notifications?exclude=favourite&notice=")
    assert minji.follow(answer).status_code == 200
    assert asker.account_relationships(account_id(minji, "minji"))[0]["following"] is True
    # Answered: the notification stays, its buttons go.
    assert 'action="/follow_requests/' not in minji.get("/notifications").text
