"""Security regressions of issue 13, auth: sessions, the API rate limit, sign-in throttling
and sign-up enumeration, as HTTP requests against one real server (SQLite) per module."""

from __future__ import annotations

import itertools
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.auth.helpers import PASSWORD, api_token, cookie_client, make_admin, password_grant, third_party_app
from tests.mail.smtp import Inbox, smtp_server
from tests.support.server import running_server
from tests.web.client import WebClient

LIMIT = 40
_addresses = (f"203.0.113.{n}" for n in itertools.count(10))


def _fresh_sqlite(template: Path, tmp: Path, name: str) -> str:
    shutil.copyfile(template, tmp / f"{name}.sqlite3")
    return f"sqlite+aiosqlite:///{tmp / name}.sqlite3"


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a server with a small API rate limit."""
    tmp = tmp_path_factory.mktemp("security-auth")
    url = _fresh_sqlite(sqlite_template, tmp, "site")
    with running_server(url, media_path=tmp / "m", rate_limit_per_5min=LIMIT) as base:
        yield base, url


@pytest.fixture(scope="module")
def mail_site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Inbox]]:
    tmp = tmp_path_factory.mktemp("security-auth-mail")
    with smtp_server() as (smtp_url, inbox), \
            running_server(_fresh_sqlite(sqlite_template, tmp, "mail"), media_path=tmp / "m", smtp_url=smtp_url) as base:
        yield base, inbox


def at(base: str, address: str | None = None) -> WebClient:
    """A browser at its own client address (the server trusts X-Forwarded-For from loopback)."""
    web = WebClient(base)
    web.http.headers["X-Forwarded-For"] = address or next(_addresses)
    return web


def citizen(base: str, username: str) -> None:
    assert at(base).sign_up(username).status_code == 303


# --- 1. only the web app's sign-in tokens are sessions --------------------------------------

def test_a_read_token_as_session_cookie_posts_nothing(site: tuple[str, str]) -> None:
    base, _ = site
    citizen(base, "sec_reader")
    app = third_party_app(base)
    thief = cookie_client(base, api_token(base, app, "sec_reader", "read"))
    posted = thief.post("/statuses", {"status": "읽기 토큰으로 쓴 글", "visibility": "public"})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/auth/sign_in")
    me = httpx.get(f"{base}/api/v1/accounts/lookup", params={"acct": "sec_reader"}).json()
    assert me["statuses_count"] == 0


def test_an_admins_profile_token_opens_no_admin_page(site: tuple[str, str]) -> None:
    base, db_url = site
    citizen(base, "sec_mayor")
    make_admin(db_url, "sec_mayor")
    thief = cookie_client(base, api_token(base, third_party_app(base), "sec_mayor", "profile"))
    for page in ("/admin/settings", "/admin/reports"):
        answer = thief.get(page)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/auth/sign_in"), page


# --- 2. the API rate limit is keyed on the account, else the address -------------------------

def test_made_up_authorization_headers_do_not_escape_the_rate_limit(site: tuple[str, str]) -> None:
    base, _ = site
    address = next(_addresses)
    with httpx.Client(base_url=base, headers={"X-Forwarded-For": address}) as http:
        statuses = [http.get("/api/v1/instance", headers={"Authorization": f"Basic x{n}"}).status_code
                    for n in range(LIMIT + 1)]
        assert statuses == [200] * LIMIT + [429]
        fake = http.get("/api/v1/instance", headers={"Authorization": f"Bearer {secrets.token_urlsafe(32)}"})
        assert fake.status_code == 429


# --- 3. sign-in throttling: per (login, address), growing, bounded per address ---------------

def test_bad_logins_for_the_mayor_do_not_lock_the_mayor_out(site: tuple[str, str]) -> None:
    base, _ = site
    citizen(base, "sec_mayor2")
    guesser = at(base)
    answers = [guesser.sign_in("sec_mayor2", f"틀림{n}").status_code for n in range(11)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    assert at(base).sign_in("sec_mayor2", PASSWORD).status_code == 303
    grant = password_grant(base, third_party_app(base), "sec_mayor2", PASSWORD, "read",
                           **{"X-Forwarded-For": guesser.http.headers["X-Forwarded-For"]})
    assert grant.status_code == 429 and int(grant.headers["Retry-After"]) > 0


def test_bad_logins_for_random_names_do_not_lock_out_a_user_at_that_address(site: tuple[str, str]) -> None:
    base, _ = site
    citizen(base, "sec_neighbour")
    address = next(_addresses)
    sprayer = at(base, address)
    assert {sprayer.sign_in(f"nobody{n}", "아무거나").status_code for n in range(11)} == {401}
    assert at(base, address).sign_in("sec_neighbour", PASSWORD).status_code == 303


# --- 3. sign-up does not reveal registered addresses -------------------------------------------

def test_sign_up_with_a_registered_address_answers_as_a_new_one(mail_site: tuple[str, Inbox]) -> None:
    base, inbox = mail_site

    def sign_up(username: str, email: str) -> httpx.Response:
        web = at(base)
        web.get("/auth/sign_up")
        return web.post("/auth/sign_up", {"username": username, "email": email, "password": PASSWORD,
                                          "password_confirmation": PASSWORD, "agreement": "1"})

    sign_up("sec_owner", "sec_owner@example.kr")
    fresh, taken = sign_up("sec_new", "sec_new@example.kr"), sign_up("sec_probe", "sec_owner@example.kr")
    assert fresh.status_code == taken.status_code == 200 and "이미 가입된" not in taken.text

    def scrub(page: httpx.Response, email: str) -> str:
        return re.sub(r'(name="csrf_token" value="|X-CSRF-Token": ")[^"]+"', "", page.text).replace(email, "…")
    assert scrub(fresh, "sec_new@example.kr") == scrub(taken, "sec_owner@example.kr")
    inbox.wait_for(3)
    assert any(m["To"] == "sec_owner@example.kr" and "가입하려는 시도" in m["Subject"] for m in inbox.messages)


# --- 5. sign-ups from one address are bounded (web and API together) ------------------------

def test_one_address_signs_up_a_bounded_number_of_times_on_the_web_and_the_api(
        sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Where a sign-up signs in at once, a taken address cannot be hidden (decision 0027), so one
    address may only try a few sign-ups in five minutes; another address is not held back."""
    tmp = tmp_path_factory.mktemp("security-auth-sign-ups")
    with running_server(_fresh_sqlite(sqlite_template, tmp, "sign-ups"), media_path=tmp / "m",
                        sign_ups_per_5min=3) as base:
        prober = "198.51.100.7"
        for n in range(3):
            assert at(base, prober).sign_up(f"prober{n}").status_code == 303
        refused = at(base, prober).sign_up("prober3")
        assert refused.status_code == 429 and "가입 시도가 너무 많습니다" in refused.text
        app = third_party_app(base)
        token = httpx.post(f"{base}/oauth/token", data={
            "grant_type": "client_credentials", "client_id": app[0], "client_secret": app[1],
            "scope": "write"}).json()["access_token"]
        api = httpx.post(f"{base}/api/v1/accounts", headers={
            "Authorization": f"Bearer {token}", "X-Forwarded-For": prober}, data={
            "username": "prober4", "email": "prober4@example.kr", "password": PASSWORD, "agreement": "true"})
        assert api.status_code == 429 and "error" in api.json()
        for name in ("prober3", "prober4"):  # nothing was written for the refused ones
            assert httpx.get(f"{base}/api/v1/accounts/lookup", params={"acct": name}).status_code == 404
        assert at(base, "198.51.100.8").sign_up("neighbour").status_code == 303
