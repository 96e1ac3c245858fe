"""The nav's unread-notification badge is on every page, without JavaScript."""

from __future__ import annotations

import re
import time

from tests.web.client import WebClient

BADGE = re.compile(r'data-unread-count(?P<hidden> hidden)?>.*?<span data-unread-number>(?P<n>[^<]+)</span>', re.S)


def _badge(html: str) -> tuple[bool, str]:
    found = BADGE.search(html)
    assert found, "no unread badge in the nav"
    return found.group("hidden") is None, found.group("n")


def test_a_mention_shows_on_the_home_page_badge_until_notifications_are_opened(sqlite_web_base: str) -> None:
    reader, writer = WebClient(sqlite_web_base), WebClient(sqlite_web_base)
    reader.sign_up("badge_reader")
    writer.sign_up("badge_writer")
    assert _badge(reader.get("/home").text) == (False, "0")
    writer.post("/statuses", {"status": "@badge_reader 안녕하세요, 확인 부탁드려요", "visibility": "public"})
    deadline = time.time() + 15
    while _badge(reader.get("/home").text) != (True, "1"):  # the notification is written by a job
        assert time.time() < deadline, "the badge never showed the mention"
        time.sleep(0.2)
    assert _badge(reader.get("/search").text) == (True, "1")
    reader.get("/notifications")
    assert _badge(reader.get("/home").text) == (False, "0")
