"""The API's rate limit counts a valid user token against its account and anything else
against the client's address: made-up credentials buy no fresh window."""

from __future__ import annotations

import secrets

import httpx

from tests.auth.helpers import api_token, third_party_app, web_citizen
from tests.support.server import running_server

LIMIT = 8


def test_made_up_authorization_headers_share_the_address_window(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with running_server(sqlite_url, media_path=tmp_path / "m", rate_limit_per_5min=LIMIT) as base:
        web_citizen(base, "limited").close()  # the web pages are not counted
        app = third_party_app(base)  # the 1st API request of this address
        first, second = (api_token(base, app, "limited", "read") for _ in range(2))  # /oauth: not counted
        with httpx.Client(base_url=base, timeout=20) as http:
            statuses = [http.get("/api/v1/instance", headers={"Authorization": f"Basic x{n}"}).status_code
                        for n in range(2, LIMIT + 2)]
            assert statuses == [200] * (LIMIT - 1) + [429]
            fake = http.get("/api/v1/accounts/verify_credentials",
                            headers={"Authorization": f"Bearer {secrets.token_urlsafe(32)}"})
            assert fake.status_code == 429 and fake.json()["error"] == "Too many requests"
            assert http.get("/api/v1/instance", params={"access_token": "made-up"}).status_code == 429

            # A real token has the account's own window, whatever the address has spent,
            # and a second token of the same account does not double it.
            answers = [http.get("/api/v1/accounts/verify_credentials",
                                headers={"Authorization": f"Bearer {token}"})
                       for token in [first, second] * (LIMIT // 2)]
            assert [a.status_code for a in answers] == [200] * LIMIT
            assert [int(a.headers["x-ratelimit-remaining"]) for a in answers] == list(range(LIMIT - 1, -1, -1))
            over = http.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {second}"})
            assert over.status_code == 429
