"""Security regressions of issue 13 for the demo and the access log (docs/decisions/0034), as
requests against a real `madang serve`: its access log never carries an access token, an OAuth
code, a password, a session cookie, an Authorization header or a credential link's token, and a
forwarded client address is believed only from a configured proxy."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.serve_process import Served, madang_serve

TOKEN, CODE, PASSWORD, COOKIE, BEARER, RESET, CONFIRM, GUEST, API_KEY = (
    f"{what}-Zq9{n}" for n, what in enumerate(
        ("access", "oauthcode", "password", "cookie", "bearer", "reset", "confirm", "guest", "apikey")))


@pytest.fixture(scope="module")
def served(sqlite_template: Path, tmp_root: Path) -> Iterator[Served]:
    """One server for the module; the tests read its output once it has stopped (every line written)."""
    with madang_serve(sqlite_template, tmp_root / "security-demo", FORWARDED_ALLOW_IPS="192.0.2.1") as running:
        with httpx.Client(base_url=running.base, timeout=10,
                          headers={"Cookie": f"madang_session={COOKIE}", "Authorization": f"Bearer {BEARER}"}) as http:
            http.get("/api/v1/timelines/home", params={"access_token": TOKEN})
            http.get("/api/v1/streaming/health", params={"access_token": TOKEN})
            http.get("/oauth/authorize", params={"response_type": "code", "code": CODE, "client_id": "x"})
            http.post("/oauth/token", data={"grant_type": "password", "username": "u", "password": PASSWORD})
            http.post("/auth/sign_in", data={"login": "u", "password": PASSWORD})
            http.get("/auth/sign_in", params={"password": PASSWORD})
            http.get(f"/auth/password/{RESET}")
            http.get(f"/auth/confirm/{CONFIRM}")
            http.get(f"/desk/g/1/{GUEST}")
            http.post(f"/desk/g/1/{GUEST}/rate")
            http.get("/open311/v2/services.json", params={"api_key": API_KEY})
            http.get("/about", headers={"X-Forwarded-For": "198.51.100.9", "User-Agent": "spoofer"})
        asyncio.run(_stream(running.base.replace("http", "ws", 1)))
    yield running


async def _stream(ws_base: str) -> None:
    """A streaming client with its token in the query (refused: the token is not valid)."""
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(f"{ws_base}/api/v1/streaming?stream=user&access_token={TOKEN}",
                                      open_timeout=10):
            pass


def test_the_access_log_carries_no_credential(served: Served) -> None:
    log = served.stdout.read_text()
    assert len(re.findall(r'" \d{3} ', log)) >= 13  # a line a request was written
    assert '"GET /api/v1/streaming?stream=user&access_token=[FILTERED] HTTP/1.1" 401 ' in log  # the WebSocket
    everything = served.output()
    for secret in (TOKEN, CODE, PASSWORD, COOKIE, BEARER, RESET, CONFIRM, GUEST, API_KEY):
        assert secret not in everything, secret


def test_an_unconfigured_proxy_cannot_choose_the_logged_address(served: Served) -> None:
    [line] = [line for line in served.stdout.read_text().splitlines() if '"spoofer"' in line]
    assert line.startswith("127.0.0.1 ") and "198.51.100.9" not in line
