"""Failed sign-ins slow down the address that fails, on the web page, the OAuth consent page
and the API's password grant alike; they never lock an account out of other addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from html import unescape

import httpx
import pytest

from madang.core.clock import Clock, FrozenClock, set_clock
from tests.auth.helpers import PASSWORD, password_grant, third_party_app, web_citizen
from tests.web.client import WebClient

ATTACKER, MAYOR_HOME, CAFE = "203.0.113.9", "198.51.100.7", "192.0.2.50"


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime.now(timezone.utc))
    set_clock(frozen)
    yield frozen
    set_clock(Clock())


def browser(base: str, address: str) -> WebClient:
    """A browser at ``address`` (the test server trusts X-Forwarded-For from loopback, as a
    server behind its reverse proxy does)."""
    web = WebClient(base)
    web.http.headers["X-Forwarded-For"] = address
    return web


def message(page: httpx.Response) -> str:
    found = re.search(r'role="alert"[^>]*>(.*?)</', page.text, re.S)
    return unescape(found.group(1)).strip() if found else page.text


def test_guessing_the_mayors_password_slows_the_guesser_not_the_mayor(
        sqlite_web_base: str, clock: FrozenClock) -> None:
    web_citizen(sqlite_web_base, "mayor").close()
    guesser = browser(sqlite_web_base, ATTACKER)
    answers = [guesser.sign_in("mayor", f"틀린비밀번호{n}") for n in range(12)]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    assert {a.status_code for a in answers[5:]} == {429}
    wait = int(answers[5].headers["Retry-After"])
    assert wait == 2 and "로그인 시도가 너무 많습니다. 2초 뒤에 다시 시도해 주세요." in answers[5].text

    # The mayor, at home, signs in at once; the guesser's address still waits, password or not.
    assert browser(sqlite_web_base, MAYOR_HOME).sign_in("mayor", PASSWORD).status_code == 303
    assert guesser.sign_in("mayor", PASSWORD).status_code == 429
    clock.advance(seconds=wait)
    assert guesser.sign_in("mayor", "또틀린비밀번호").status_code == 401
    doubled = guesser.sign_in("mayor", PASSWORD)
    assert doubled.status_code == 429 and doubled.headers["Retry-After"] == "4"
    english = WebClient(sqlite_web_base, accept_language="en")
    english.http.headers["X-Forwarded-For"] = ATTACKER
    assert "Too many sign-in attempts. Try again in 4 seconds." in english.sign_in("mayor", PASSWORD).text
    clock.advance(seconds=4)
    assert guesser.sign_in("mayor", PASSWORD).status_code == 303


def test_a_spray_of_random_names_does_not_lock_out_a_neighbour(sqlite_web_base: str, clock: FrozenClock) -> None:
    web_citizen(sqlite_web_base, "neighbour").close()
    sprayer = browser(sqlite_web_base, CAFE)
    assert {sprayer.sign_in(f"nobody{n}", "아무비밀번호").status_code for n in range(12)} == {401}
    assert browser(sqlite_web_base, CAFE).sign_in("neighbour", PASSWORD).status_code == 303


def test_an_address_spraying_many_names_is_bounded_there_only(sqlite_web_base: str, clock: FrozenClock) -> None:
    web_citizen(sqlite_web_base, "elsewhere").close()
    app = third_party_app(sqlite_web_base)
    statuses = [password_grant(sqlite_web_base, app, f"guess{n}", "아무비밀번호", "read",
                               **{"X-Forwarded-For": CAFE}).status_code for n in range(51)]
    assert statuses == [400] * 50 + [429]
    assert browser(sqlite_web_base, CAFE).sign_in("elsewhere", PASSWORD).status_code == 429
    assert browser(sqlite_web_base, MAYOR_HOME).sign_in("elsewhere", PASSWORD).status_code == 303


def test_the_password_grant_and_the_consent_page_share_the_throttle(web_base: str, clock: FrozenClock) -> None:
    web_citizen(web_base, "app_user").close()
    app = third_party_app(web_base)
    bad = [password_grant(web_base, app, "app_user", f"틀림{n}", "read", **{"X-Forwarded-For": ATTACKER})
           for n in range(6)]
    assert [b.status_code for b in bad[:5]] == [400] * 5
    assert bad[5].status_code == 429 and bad[5].headers["Retry-After"] == "2"
    assert "try again in 2 seconds" in bad[5].json()["error_description"]
    # The web page at the same address waits too; the owner's own address does not.
    assert browser(web_base, ATTACKER).sign_in("app_user", PASSWORD).status_code == 429
    consent = httpx.post(f"{web_base}/oauth/authorize", headers={"X-Forwarded-For": ATTACKER}, data={
        "client_id": app[0], "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "scope": "read",
        "response_type": "code", "login": "app_user", "password": PASSWORD, "decision": "approve"})
    assert consent.status_code == 429 and consent.headers["Retry-After"] == "2"
    assert "2초 뒤에 다시 시도해 주세요" in consent.text
    ok = password_grant(web_base, app, "app_user", PASSWORD, "read", **{"X-Forwarded-For": MAYOR_HOME})
    assert ok.status_code == 200
