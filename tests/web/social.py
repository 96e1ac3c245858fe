"""Test helpers for the thread, action, notification and live tests: people who post, follow
and block, driven through the pages and (for what the pages do not do yet) the API with the
web session's own token (a web session is an access token, decision 0013)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx

from tests.web.client import WebClient

CARD = re.compile(r'id="status-(\d+)"')


def person(base: str, username: str, *, accept_language: str = "ko-KR,ko;q=0.9") -> WebClient:
    web = WebClient(base, accept_language=accept_language)
    assert web.sign_up(username).status_code == 303
    return web


def api(web: WebClient) -> httpx.Client:
    token = web.http.cookies.get("madang_session")
    return httpx.Client(base_url=web.base, headers={"Authorization": f"Bearer {token}"}, timeout=20)


def account_id(web: WebClient, username: str) -> str:
    with api(web) as client:
        return client.get("/api/v1/accounts/lookup", params={"acct": username}).json()["id"]


def follow(web: WebClient, username: str) -> None:
    with api(web) as client:
        assert client.post(f"/api/v1/accounts/{account_id(web, username)}/follow").status_code == 200


def block(web: WebClient, username: str) -> None:
    with api(web) as client:
        assert client.post(f"/api/v1/accounts/{account_id(web, username)}/block").status_code == 200


def post(web: WebClient, text: str, *, visibility: str = "public", in_reply_to: str | None = None) -> str:
    """Posts through the plain form and returns the new post's id (from the API)."""
    form = {"status": text, "visibility": visibility}
    if in_reply_to:
        form["in_reply_to_id"] = in_reply_to
    answer = web.post("/statuses", form)
    assert answer.status_code == 303, answer.text[:500]
    with api(web) as client:
        me = client.get("/api/v1/accounts/verify_credentials").json()["id"]
        return client.get(f"/api/v1/accounts/{me}/statuses", params={"limit": 1}).json()[0]["id"]


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Jobs (fan-out, notifications) run on the server's worker a moment after the request."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)
