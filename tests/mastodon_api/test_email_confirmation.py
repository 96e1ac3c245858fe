"""With an SMTP server configured, an account registered through the API confirms its e-mail
address before its token works, as on Mastodon; with confirmation turned off it works at once."""

from __future__ import annotations

import re

import httpx

from tests.mail.smtp import Inbox, smtp_server
from tests.support.server import running_server


def _app_token(base: str) -> str:
    app = httpx.post(f"{base}/api/v1/apps", json={"client_name": "가입 앱", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                  "scopes": "read write"}).json()
    return httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials", "client_id": app["client_id"],
                                                   "client_secret": app["client_secret"], "scope": "read write"}).json()["access_token"], app


def _register(base: str, username: str) -> tuple[str, dict]:
    token, app = _app_token(base)
    answer = httpx.post(f"{base}/api/v1/accounts", headers={"Authorization": f"Bearer {token}"},
                        json={"username": username, "email": f"{username}@example.kr", "password": "비밀번호는길게1234",
                              "agreement": True, "locale": "ko"})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"], app


def test_api_sign_up_waits_for_the_emailed_link(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with smtp_server() as (smtp_url, inbox), \
            running_server(sqlite_url, media_path=tmp_path / "m", smtp_url=smtp_url) as base:
        token, app = _register(base, "confirmme")
        me = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 403 and "confirmed e-mail" in me.json()["error"]
        login = httpx.post(f"{base}/oauth/token", data={
            "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": "confirmme@example.kr", "password": "비밀번호는길게1234", "scope": "read"})
        assert login.status_code == 400 and "not confirmed" in login.json()["error_description"]

        (message,) = inbox.wait_for(1)
        assert message["To"] == "confirmme@example.kr"
        link = re.search(r"https?://\S+/auth/confirm/\S+", Inbox.body(message)).group(0)
        assert httpx.get(link.replace("http://" + link.split("/")[2], base)).status_code in (200, 303)
        me = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == "confirmme"


def test_confirmation_can_be_turned_off(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with smtp_server() as (smtp_url, inbox), \
            running_server(sqlite_url, media_path=tmp_path / "m", smtp_url=smtp_url, email_confirmation=False) as base:
        token, _ = _register(base, "atonce")
        me = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert inbox.messages == []
