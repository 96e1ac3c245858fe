"""Helpers to drive a server as Mastodon apps do: Mastodon.py sessions and an OAuth browser step."""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
from mastodon import Mastodon

SCOPES = ["read", "write", "follow", "push"]
REDIRECT = "https://app.example/callback"
OOB = "urn:ietf:wg:oauth:2.0:oob"
_n = itertools.count()
T = TypeVar("T")


def new_app(base: str) -> tuple[str, str]:
    return Mastodon.create_app("마당 테스트", api_base_url=base, scopes=SCOPES,
                               redirect_uris=["urn:ietf:wg:oauth:2.0:oob", REDIRECT])


def client(base: str, app: tuple[str, str], token: str | None = None) -> Mastodon:
    return Mastodon(client_id=app[0], client_secret=app[1], access_token=token, api_base_url=base,
                    version_check_mode="none")


def register(base: str, app: tuple[str, str], name: str | None = None) -> tuple[Mastodon, str, str]:
    """Sign up through POST /api/v1/accounts as Mastodon.py does; returns (api, username, password)."""
    username = name or f"citizen{next(_n)}_{secrets.token_hex(2)}"
    password = "비밀번호-" + secrets.token_hex(4)
    api = client(base, app)
    api.create_account(username, password, f"{username}@example.org", agreement=True, locale="ko",
                       scopes=SCOPES)
    return api, username, password


def approve_in_browser(authorize_url: str, login: str, password: str) -> str:
    """What a person does on the consent page: sign in and press 승인. Returns the code."""
    page = httpx.get(authorize_url)
    assert page.status_code == 200, page.text
    assert 'lang="ko"' in page.text and "승인" in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    form = {k: query[k] for k in ("client_id", "redirect_uri", "scope", "state", "response_type",
                                   "code_challenge", "code_challenge_method") if k in query}
    form |= {"login": login, "password": password, "decision": "approve"}
    base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    answer = httpx.post(f"{base}/oauth/authorize", data=form)
    if query["redirect_uri"] == "urn:ietf:wg:oauth:2.0:oob":
        assert answer.status_code == 200
        return answer.text.split('<code id="code">')[1].split("</code>")[0]
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(query["redirect_uri"])
    params = parse_qs(urlsplit(location).query)
    if "state" in query:
        assert params["state"] == [query["state"]]
    return params["code"][0]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def eventually(check: Callable[[], T], timeout: float = 15.0) -> T:
    """Background jobs (fan-out, notifications) finish soon after the request: poll for it."""
    deadline = time.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.time() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_json_error(response: httpx.Response, *statuses: int) -> str:
    """A Mastodon error: one of ``statuses``, JSON (also for errors), ``{"error": "..."}``.
    Returns the message."""
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body
    return body["error"]


def app_token(base: str, app: tuple[str, str], scope: str = "read") -> str:
    """An app token (client_credentials): valid, but for no user."""
    answer = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials", "client_id": app[0],
                                                     "client_secret": app[1], "scope": scope})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def password_token(base: str, app: tuple[str, str], username: str, password: str, scope: str) -> str:
    answer = httpx.post(f"{base}/oauth/token", data={"grant_type": "password", "client_id": app[0],
                                                     "client_secret": app[1], "username": username,
                                                     "password": password, "scope": scope})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]
