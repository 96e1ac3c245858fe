"""Two-factor sign-in (issue 15) against a real server, with real authenticator codes (pyotp):
set up from settings (a QR code and a first code), asked for at every sign-in, a code good only
once, recovery codes good once each, the OAuth password grant refused and the consent page sent
through the code step, and turning it off with the password and a code."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest

from tests.mastodon_api.clients import REDIRECT, new_app
from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.test_admin_moderation import make_admin

PASSWORD = "비밀번호는길게1234"


def _secret(page: str) -> str:
    found = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    assert found, page[:2000]
    return found.group(1).replace(" ", "")


def _next_code(totp: pyotp.TOTP) -> str:
    """The next 30-second step's code (accepted, as clocks drift): never one already used."""
    return totp.at(time.time() + 30)


def _turn_on(web: WebClient) -> tuple[pyotp.TOTP, list[str]]:
    setup = web.post("/settings/two_factor/setup")
    assert setup.status_code == 200 and "<svg" in setup.text
    totp = pyotp.TOTP(_secret(setup.text))
    wrong = web.post("/settings/two_factor/confirm", {"code": "000000" if totp.now() != "000000" else "111111"})
    assert wrong.status_code == 422 and "인증 코드가 맞지 않습니다" in wrong.text and "<svg" in wrong.text
    done = web.post("/settings/two_factor/confirm", {"code": totp.now()})
    assert done.status_code == 200, done.text[:1000]
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
    assert len(codes) == 10 and "한 번만 보여" in done.text
    return totp, codes


def test_two_factor_is_set_up_asked_at_sign_in_and_turned_off(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    assert web.sign_up("twofa_minji").status_code == 303
    assert "2단계 인증 켜기" in web.get("/settings/two_factor").text
    totp, codes = _turn_on(web)
    assert "2단계 인증이 켜져 있습니다" in web.get("/settings/two_factor").text

    # Signing in: the password alone is not a session; the code step makes one.
    browser = WebClient(sqlite_web_base)
    asked = browser.sign_in("twofa_minji", PASSWORD)
    assert asked.status_code == 303 and asked.headers["location"].startswith("/auth/sign_in/code")
    assert "madang_session" not in asked.cookies
    assert browser.get("/home").status_code in (302, 303)  # not signed in yet
    page = browser.get(asked.headers["location"])
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    bad = browser.post("/auth/sign_in/code", {"code": "12345", "next": "/home"})
    assert bad.status_code == 401 and "인증 코드가 맞지 않습니다" in bad.text
    code = _next_code(totp)
    good = browser.post("/auth/sign_in/code", {"code": code, "next": "/home"})
    assert good.status_code == 303 and good.headers["location"] == "/home"
    assert browser.get("/home").status_code == 200

    # The same code again (a replay, in another browser that also has the password): refused.
    thief = WebClient(sqlite_web_base)
    thief.sign_in("twofa_minji", PASSWORD)
    assert thief.post("/auth/sign_in/code", {"code": code, "next": "/home"}).status_code == 401
    # A recovery code works once.
    assert thief.post("/auth/sign_in/code", {"code": codes[0].upper(), "next": "/home"}).status_code == 303
    again = WebClient(sqlite_web_base)
    again.sign_in("twofa_minji", PASSWORD)
    assert again.post("/auth/sign_in/code", {"code": codes[0], "next": "/home"}).status_code == 401
    assert "남은 복구 코드: 9개" in web.get("/settings/two_factor").text

    # Without the password step first, the code page sends the person back to sign in.
    stranger = WebClient(sqlite_web_base)
    assert stranger.get("/auth/sign_in/code").status_code == 303
    assert stranger.post("/auth/sign_in/code", {"code": _next_code(totp)}).status_code == 401

    # Off: a wrong password changes nothing; the password and a code turn it off.
    refused = web.post("/settings/two_factor/disable", {"password": "틀린비밀번호입니다", "code": codes[1]})
    assert refused.status_code == 422 and "2단계 인증이 켜져 있습니다" in refused.text
    off = web.post("/settings/two_factor/disable", {"password": PASSWORD, "code": codes[1]})
    assert off.status_code == 303
    plain = WebClient(sqlite_web_base)
    assert plain.sign_in("twofa_minji", PASSWORD).headers["location"] == "/home"


def test_new_recovery_codes_replace_the_old_ones(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    assert web.sign_up("twofa_codes").status_code == 303
    totp, old = _turn_on(web)
    assert web.post("/settings/two_factor/recovery_codes", {"code": "999999x"}).status_code == 422
    fresh = web.post("/settings/two_factor/recovery_codes", {"code": _next_code(totp)})
    new = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", fresh.text)
    assert len(new) == 10 and not set(new) & set(old)
    browser = WebClient(sqlite_web_base)
    browser.sign_in("twofa_codes", PASSWORD)
    assert browser.post("/auth/sign_in/code", {"code": old[0]}).status_code == 401
    assert browser.post("/auth/sign_in/code", {"code": new[0]}).status_code == 303


def test_apps_cannot_use_the_password_grant_and_the_consent_page_asks_the_code(sqlite_web_base: str) -> None:
    web = WebClient(sqlite_web_base)
    assert web.sign_up("twofa_app").status_code == 303
    totp, _codes = _turn_on(web)
    client_id, client_secret = new_app(sqlite_web_base)

    grant = httpx.post(f"{sqlite_web_base}/oauth/token", data={
        "grant_type": "password", "username": "twofa_app@example.kr", "password": PASSWORD,
        "client_id": client_id, "client_secret": client_secret, "scope": "read"})
    assert grant.status_code == 400 and grant.json()["error"] == "invalid_grant"
    assert "Two-factor" in grant.json()["error_description"]

    # The consent page, signed out: the password sends the person to the code step, which
    # brings them back to approve as themselves.
    browser = WebClient(sqlite_web_base)
    query = {"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": "read"}
    browser.get("/oauth/authorize", params=query)
    step = browser.post("/oauth/authorize", {**query, "login": "twofa_app", "password": PASSWORD,
                                             "decision": "approve"}, csrf=False)
    assert step.status_code == 303 and step.headers["location"].startswith("/auth/sign_in/code?")
    next_url = parse_qs(urlsplit(step.headers["location"]).query)["next"][0]
    assert next_url.startswith("/oauth/authorize?")
    back = browser.post("/auth/sign_in/code", {"code": _next_code(totp), "next": next_url})
    assert back.status_code == 303 and back.headers["location"] == next_url
    consent = browser.get(next_url)
    assert consent.status_code == 200 and 'name="as_viewer"' in consent.text


@pytest.fixture(scope="module")
def own_server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own: the setting below binds every staff member of the instance."""
    path = tmp_path_factory.mktemp("twofa") / "twofa.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite+aiosqlite:///{path}"
    with running_server(url) as base:
        yield base, url


def test_an_admin_can_require_two_factor_of_staff(own_server: tuple[str, str]) -> None:
    base, url = own_server
    admin = make_admin(base, url, "twofa_admin")
    citizen = WebClient(base)
    assert citizen.sign_up("twofa_citizen").status_code == 303
    form = {"title": "안양 시민 마당", "short_description": "", "description": "", "contact_email": "",
            "contact_username": "", "rules_text": "", "max_characters": "500", "registrations_mode": "open",
            "require_two_factor_staff": "1"}
    assert admin.post("/admin/settings", form).status_code == 303
    # The admin (no two-factor yet) is sent to set it up, from every staff area; a citizen's
    # pages are unchanged, and a citizen at a staff page gets the same refusal as before.
    for page in ("/admin/settings", "/admin/reports", "/desk", "/office/analytics"):
        sent = admin.get(page)
        assert sent.status_code == 303 and sent.headers["location"].startswith("/settings/two_factor"), page
    assert "2단계 인증을 요구합니다" in admin.follow(admin.get("/admin/settings")).text
    assert citizen.get("/home").status_code == 200
    assert citizen.get("/admin/settings").status_code == 403
    _turn_on(admin)
    assert admin.get("/admin/settings").status_code == 200
    assert 'name="require_two_factor_staff" value="1" checked' in admin.get("/admin/settings").text
