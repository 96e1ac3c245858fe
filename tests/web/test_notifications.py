"""The notifications page: each kind said in Korean with its post, the unread count in the
nav, and opening the page marks them read."""

from __future__ import annotations

import re

from tests.web.client import WebClient
from tests.web.social import api, follow, person, post, eventually


def _unread_in_nav(web: WebClient) -> int | None:
    """The nav's number, or None when it is hidden (nothing unread)."""
    page = web.get("/bookmarks").text
    found = re.search(r'<span class="nav-count" data-unread-count( hidden)?>.*?<span data-unread-number>(\d+)</span>',
                      page)
    assert found
    return None if found.group(1) else int(found.group(2))


def _notification_count(web: WebClient) -> int:
    with api(web) as client:
        return len(client.get("/api/v1/notifications").json())


def test_each_kind_is_said_in_korean_and_opening_the_page_marks_them_read(web_base: str) -> None:
    minji, jun, seoyeon = person(web_base, "minji"), person(web_base, "jun"), person(web_base, "seoyeon")
    sid = post(minji, "주말에 평촌 도서관 여나요?")
    follow(jun, "minji")
    jun.post(f"/statuses/{sid}/favourite", {"next": "/home"})
    jun.post(f"/statuses/{sid}/reblog", {"next": "/home"})
    post(seoyeon, "@minji 네, 토요일은 엽니다", in_reply_to=sid)
    post(jun, "@minji 도서관 얘기 들었어요")
    eventually(lambda: _notification_count(minji) == 5)
    assert _unread_in_nav(minji) == 5

    page = minji.get("/notifications")
    assert page.status_code == 200
    text = page.text
    for sentence in ("님이 회원님을 팔로우했습니다.", "님이 회원님의 글을 좋아합니다.", "님이 회원님의 글을 부스트했습니다.",
                     "님이 회원님의 글에 답글을 남겼습니다.", "님이 회원님을 언급했습니다."):
        assert sentence in text, sentence
    assert '<a href="/@jun" class="display-name">jun</a>님이 회원님의 글을 좋아합니다.' in text
    assert "네, 토요일은 엽니다" in text and "도서관 얘기 들었어요" in text
    assert text.count('class="badge new"') == 5
    # Opened: nothing unread any more, here or on the next page.
    assert _unread_in_nav(minji) is None
    assert minji.get("/notifications").text.count('class="badge new"') == 0

    # A new one counts again.
    seoyeon.post(f"/statuses/{sid}/favourite", {"next": "/home"})
    eventually(lambda: _notification_count(minji) == 6)
    assert _unread_in_nav(minji) == 1


def test_pages_go_back_with_max_id_and_read_in_english(sqlite_web_base: str) -> None:
    minji, jun = person(sqlite_web_base, "minji"), person(sqlite_web_base, "jun")
    ids = [post(minji, f"글 {n}번") for n in range(3)]
    for sid in ids:
        jun.post(f"/statuses/{sid}/favourite", {"next": "/home"})
    eventually(lambda: _notification_count(minji) == 3)
    with api(minji) as client:
        newest_first = [n["id"] for n in client.get("/api/v1/notifications").json()]
    older = minji.get(f"/notifications?max_id={newest_first[0]}")
    assert older.status_code == 200
    assert f'id="notification-{newest_first[0]}"' not in older.text
    assert f'id="notification-{newest_first[1]}"' in older.text and f'id="notification-{newest_first[2]}"' in older.text
    # An older page does not mark the newest read.
    assert _unread_in_nav(minji) == 3
    assert minji.get("/notifications?max_id=abc").status_code == 400

    # The account's language (Korean, chosen at sign-up) wins over the browser's …
    english_browser = WebClient(sqlite_web_base, accept_language="en")
    english_browser.http.cookies.set("madang_session", minji.http.cookies.get("madang_session"))
    assert "님이 회원님의 글을 좋아합니다." in english_browser.get("/notifications").text
    # … and someone who signed up in English reads English.
    emma = person(sqlite_web_base, "emma", accept_language="en-GB,en;q=0.9")
    jun.post(f"/statuses/{post(emma, 'Hello from Anyang')}/favourite", {"next": "/home"})
    eventually(lambda: _notification_count(emma) == 1)
    assert '<a href="/@jun" class="display-name">jun</a> favourited your post.' in emma.get("/notifications").text
    assert WebClient(sqlite_web_base).get("/notifications").status_code == 303
