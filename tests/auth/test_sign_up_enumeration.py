"""Signing up does not tell whether an e-mail address is registered: a taken address gets
the answer a new one gets (the web page, the API's token), and its owner is e-mailed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.auth.helpers import PASSWORD, third_party_app
from tests.mail.smtp import Inbox, smtp_server
from tests.support.server import running_server
from tests.web.client import WebClient


@pytest.fixture
def mail_server(database_url: str, tmp_path) -> Iterator[tuple[str, Inbox]]:  # type: ignore[no-untyped-def]
    with smtp_server() as (smtp_url, inbox), \
            running_server(database_url, media_path=tmp_path / "m", smtp_url=smtp_url) as base:
        yield base, inbox


def web_sign_up(base: str, username: str, email: str) -> httpx.Response:
    web = WebClient(base)
    web.get("/auth/sign_up")
    return web.post("/auth/sign_up", {"username": username, "email": email, "password": PASSWORD,
                                      "password_confirmation": PASSWORD, "agreement": "1"})


def api_sign_up(base: str, app: tuple[str, str], username: str, email: str) -> httpx.Response:
    token = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials", "client_id": app[0],
                                                    "client_secret": app[1], "scope": "write"}).json()["access_token"]
    return httpx.post(f"{base}/api/v1/accounts", headers={"Authorization": f"Bearer {token}"}, data={
        "username": username, "email": email, "password": PASSWORD, "agreement": "true", "locale": "ko"})


def using(base: str, answer: httpx.Response) -> httpx.Response:
    assert answer.status_code == 200, answer.text
    return httpx.get(f"{base}/api/v1/accounts/verify_credentials",
                     headers={"Authorization": f"Bearer {answer.json()['access_token']}"})


def page_text(answer: httpx.Response, *variable: str) -> str:
    text = re.sub(r'(name="csrf_token" value="|X-CSRF-Token": ")[^"]+"', "", answer.text)
    for part in variable:
        text = text.replace(part, "…")
    return text


def test_a_taken_address_answers_as_a_new_one_and_its_owner_hears_of_it(mail_server: tuple[str, Inbox]) -> None:
    base, inbox = mail_server
    assert web_sign_up(base, "owner", "owner@example.kr").status_code == 200
    [confirmation] = inbox.wait_for(1)
    assert confirmation["To"] == "owner@example.kr"

    fresh = web_sign_up(base, "newcomer", "newcomer@example.kr")
    taken = web_sign_up(base, "prober", "Owner@Example.kr")
    assert fresh.status_code == taken.status_code == 200
    assert "이미 가입된" not in taken.text
    assert page_text(fresh, "newcomer@example.kr") == page_text(taken, "owner@example.kr")
    messages = inbox.wait_for(3)
    notice = next(m for m in messages[1:] if m["To"] == "owner@example.kr")
    assert "가입하려는 시도" in notice["Subject"] and "@owner" in Inbox.body(notice)
    assert f"{base}/auth/password" in Inbox.body(notice)
    assert "prober" not in Inbox.body(notice)  # the prober made no account

    # The API: both answers carry a token, refused alike until the (never coming) confirmation.
    app = third_party_app(base)
    new_api = api_sign_up(base, app, "api_newcomer", "api_newcomer@example.kr")
    taken_api = api_sign_up(base, app, "api_prober", "newcomer@example.kr")
    assert new_api.json().keys() == taken_api.json().keys()
    assert new_api.json()["scope"] == taken_api.json()["scope"]
    refused_new, refused_taken = using(base, new_api), using(base, taken_api)
    assert refused_new.status_code == refused_taken.status_code == 403
    assert refused_new.json() == refused_taken.json()
    inbox.wait_for(5)  # a confirmation for the API newcomer, a notice for the web one
    assert "가입하려는 시도" in next(m for m in inbox.messages[3:] if m["To"] == "newcomer@example.kr")["Subject"]
    assert httpx.get(f"{base}/api/v1/accounts/lookup", params={"acct": "api_prober"}).status_code == 404

    # Trying again at once answers the same, without a second mail to the owner.
    assert web_sign_up(base, "prober2", "owner@example.kr").status_code == 200
    assert using(base, api_sign_up(base, app, "api_newcomer2", "api_newcomer2@example.kr")).status_code == 403
    inbox.wait_for(6)
    assert [m["To"] for m in inbox.messages].count("owner@example.kr") == 2


def test_by_approval_a_taken_address_gets_the_pending_answer(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with running_server(sqlite_url, media_path=tmp_path / "m", approval_required=True) as base:
        web_sign_up(base, "waiting_owner", "waiting@example.kr")
        fresh = web_sign_up(base, "fresh_one", "fresh@example.kr")
        taken = web_sign_up(base, "probe_one", "waiting@example.kr")
        assert fresh.status_code == taken.status_code == 200
        assert page_text(fresh, "fresh_one") == page_text(taken, "probe_one")
        app = third_party_app(base)
        new_api = using(base, api_sign_up(base, app, "fresh_two", "fresh2@example.kr"))
        taken_api = using(base, api_sign_up(base, app, "probe_two", "waiting@example.kr"))
        assert new_api.status_code == taken_api.status_code == 403 and new_api.json() == taken_api.json()


def test_where_a_sign_up_signs_in_at_once_the_refusal_does_not_name_the_address(sqlite_web_base: str) -> None:
    assert web_sign_up(sqlite_web_base, "first", "first@example.kr").status_code == 303
    taken = web_sign_up(sqlite_web_base, "second", "first@example.kr")
    assert taken.status_code == 422
    assert "이미 가입된 이메일 주소입니다" not in taken.text
    assert "이 이메일 주소로는 가입할 수 없습니다" in taken.text
    app = third_party_app(sqlite_web_base)
    api = api_sign_up(sqlite_web_base, app, "third", "first@example.kr")
    assert api.status_code == 422 and "already registered" not in api.text
