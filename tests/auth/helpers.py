"""Shared steps for the auth tests: accounts made on a real server, apps and tokens."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select, update

from madang.db import Database
from madang.models import Account, User
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


def run_db(url: str, work):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        db = Database(url)
        try:
            async with db.write() as s:
                return await work(s)
        finally:
            await db.dispose()
    return asyncio.run(run())


def web_citizen(base: str, username: str) -> WebClient:
    """Signed up (and so signed in) on the web, with PASSWORD."""
    web = WebClient(base)
    assert web.sign_up(username).status_code == 303
    return web


def make_admin(url: str, username: str) -> None:
    async def promote(s):  # type: ignore[no-untyped-def]
        account_id = select(Account.id).where(Account.username == username).scalar_subquery()
        await s.execute(update(User).where(User.account_id == account_id).values(admin=True))
    run_db(url, promote)


def third_party_app(base: str, scopes: str = "read write follow push profile") -> tuple[str, str]:
    answer = httpx.post(f"{base}/api/v1/apps", data={"client_name": "읽기 전용 앱", "scopes": scopes,
                                                     "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    assert answer.status_code == 200, answer.text
    return answer.json()["client_id"], answer.json()["client_secret"]


def password_grant(base: str, app: tuple[str, str], username: str, password: str, scope: str,
                   **headers: str) -> httpx.Response:
    return httpx.post(f"{base}/oauth/token", headers=headers, data={
        "grant_type": "password", "client_id": app[0], "client_secret": app[1], "username": username,
        "password": password, "scope": scope})


def api_token(base: str, app: tuple[str, str], username: str, scope: str) -> str:
    answer = password_grant(base, app, username, PASSWORD, scope)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def cookie_client(base: str, secret: str) -> WebClient:
    """A browser that presents ``secret`` as its session cookie (and has a CSRF token)."""
    web = WebClient(base)
    web.http.cookies.set("madang_session", secret)
    web.get("/auth/sign_in")
    return web
