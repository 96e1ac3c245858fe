"""Forgotten passwords and e-mail confirmation, over a real SMTP server the test starts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from madang.core.clock import Clock, FrozenClock, set_clock, utcnow
from tests.mail.smtp import Inbox, smtp_server
from tests.support.server import running_server
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"
LINK = re.compile(r"(http://[^\s]+/auth/(?:password|confirm)/[A-Za-z0-9_-]+)")


@pytest.fixture
def mail_web(database_url: str, tmp_path) -> Iterator[tuple[str, Inbox]]:  # type: ignore[no-untyped-def]
    with smtp_server() as (smtp_url, inbox), \
            running_server(database_url, media_path=tmp_path / "media", smtp_url=smtp_url) as base:
        yield base, inbox


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    found = LINK.search(Inbox.body(message))
    assert found, Inbox.body(message)
    return found.group(1)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_sign_up_waits_for_the_emailed_link_before_sign_in(mail_web: tuple[str, Inbox]) -> None:
    base, inbox = mail_web
    web = WebClient(base)
    pending = web.sign_up("yuna")
    assert pending.status_code == 200 and "yuna@example.kr" in pending.text
    assert "madang_session" not in web.http.cookies
    refused = web.sign_in("yuna", PASSWORD)
    assert refused.status_code == 403 and "이메일 주소를 아직 확인하지 않았습니다" in refused.text
    [message] = inbox.wait_for(1)
    assert message["To"] == "yuna@example.kr" and "이메일 주소를 확인해 주세요" in message["Subject"]
    # Asking again sends a fresh link; the first one stops working.
    web.get("/auth/confirmation")
    again = web.post("/auth/confirmation", {"email": "yuna@example.kr"})
    assert again.status_code == 200 and "메일을 보냈습니다" in again.text
    first, second = inbox.wait_for(2)
    assert web.get(path_of(link_in(first))).status_code == 404
    confirmed = web.get(path_of(link_in(second)))
    assert confirmed.status_code == 303
    assert web.get(path_of(link_in(second))).status_code == 404  # single use
    assert web.sign_in("yuna", PASSWORD).status_code == 303


def test_password_reset_by_email_signs_out_everywhere(mail_web: tuple[str, Inbox]) -> None:
    base, inbox = mail_web
    web = WebClient(base)
    web.sign_up("taeyang")
    web.get(path_of(link_in(inbox.wait_for(1)[0])))
    assert web.sign_in("taeyang", PASSWORD).status_code == 303
    assert web.get("/home").status_code == 200

    guest = WebClient(base)
    form = guest.get("/auth/password")
    assert form.status_code == 200 and "비밀번호 찾기" in form.text
    known = guest.post("/auth/password", {"email": "TaeYang@example.kr"})
    unknown = guest.post("/auth/password", {"email": "nobody@example.kr"})
    assert known.status_code == unknown.status_code == 200
    same = "메일을 보냈습니다"
    assert same in known.text and same in unknown.text
    _, message = inbox.wait_for(2)
    assert message["To"] == "taeyang@example.kr" and "비밀번호 재설정" in message["Subject"]
    reset_path = path_of(link_in(message))
    assert guest.get(reset_path).status_code == 200
    mismatch = guest.post(reset_path, {"password": "새비밀번호5678", "password_confirmation": "다른비밀번호99"})
    assert mismatch.status_code == 422 and "비밀번호 확인이 일치하지 않습니다." in mismatch.text
    short = guest.post(reset_path, {"password": "짧다", "password_confirmation": "짧다"})
    assert short.status_code == 422 and "비밀번호는 8~128자여야 합니다." in short.text
    done = guest.post(reset_path, {"password": "새비밀번호5678", "password_confirmation": "새비밀번호5678"})
    assert done.status_code == 303 and "새 비밀번호로 로그인하세요" in guest.follow(done).text
    assert web.get("/home").status_code == 303  # the old session ended
    assert guest.post(reset_path, {"password": "또다른비밀번호1", "password_confirmation": "또다른비밀번호1"}).status_code == 404
    assert WebClient(base).sign_in("taeyang", PASSWORD).status_code == 401
    assert WebClient(base).sign_in("taeyang", "새비밀번호5678").status_code == 303
    # Only one message went to an address that is not registered: none.
    assert [m["To"] for m in inbox.messages].count("nobody@example.kr") == 0


def test_reset_links_expire_after_an_hour(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with smtp_server() as (smtp_url, inbox), \
            running_server(sqlite_url, media_path=tmp_path / "m", smtp_url=smtp_url) as base:
        web = WebClient(base)
        web.sign_up("dal")
        web.get(path_of(link_in(inbox.wait_for(1)[0])))
        web.get("/auth/password")
        web.post("/auth/password", {"email": "dal@example.kr"})
        reset_path = path_of(link_in(inbox.wait_for(2)[1]))
        clock = FrozenClock(utcnow() + timedelta(minutes=61))
        set_clock(clock)
        try:
            expired = web.get(reset_path)
            assert expired.status_code == 404 and "만료" in expired.text
        finally:
            set_clock(Clock())


def test_reset_requests_are_throttled_and_refuse_forged_forms(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with running_server(sqlite_url, media_path=tmp_path / "m", login_attempts_per_5min=3) as base:
        guest = WebClient(base)
        guest.get("/auth/password")
        assert guest.post("/auth/password", {"email": "x@example.kr"}, csrf=False).status_code == 403
        answers = [guest.post("/auth/password", {"email": f"p{n}@example.kr"}).status_code for n in range(4)]
        assert answers == [200, 200, 200, 429]
        assert guest.post("/auth/password", {"email": ""}).status_code in (422, 429)
        assert guest.get("/auth/password/" + "x" * 43).status_code == 404
        assert guest.get("/auth/confirm/nonsense").status_code == 404
