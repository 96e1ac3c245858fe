"""Security regressions of issue 13 (input), as HTTP requests against one real server.

The secret key behind guest links, control characters that broke feeds and Open311 XML,
profile field values served as raw HTML, and input that made the server answer 500."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select, update

from madang.core.clock import utcnow
from madang.db import Database
from madang.desk.guest_links import guest_token
from madang.models import Account, Status
from madang.models.desk import Case
from tests.conftest import _fresh_url
from tests.mastodon_api.clients import new_app, register
from tests.open311.city import make_open311_city
from tests.support.server import running_server
from tests.web.client import WebClient

PUBLISHED_KEY = "change-me-in-production"
CONTROLS = "\x01\x0c\x1b"


@dataclass
class City:
    base: str
    url: str
    api_key: str
    key_file: Path


def run(database_url: str, work):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        db = Database(database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()
    return asyncio.run(go())


@pytest.fixture(scope="module")
def city(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    url = _fresh_url("sqlite", request)
    api_key = run(url, lambda db: make_open311_city(db)).api_key
    folder = tmp_path_factory.mktemp("instance")
    # No key given: the server makes its own, as `madang serve` does on first start.
    with running_server(url, media_path=folder / "media", secret_key_file=folder / "secret_key") as base:
        yield City(base, url, api_key, folder / "secret_key")


@pytest.fixture(scope="module")
def citizen(city: City):  # type: ignore[no-untyped-def]
    api, username, _ = register(city.base, new_app(city.base))
    return SimpleNamespace(api=api, username=username)


def parses(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text[:300]
    return ET.fromstring(response.content)


# --- 1. the secret key ---------------------------------------------------------------------------

def test_a_guest_link_cannot_be_forged_with_the_published_default_key(city: City) -> None:
    guest = WebClient(city.base)
    sent = guest.post("/desk/new", {"organisation": "anyanglove", "kind": "other", "email": "guest@example.kr",
                                    "description": "우리 동네 가로등이 꺼졌어요"})
    assert sent.status_code in (302, 303), sent.text[:300]
    link = sent.headers["location"].split("?")[0]
    case_id = int(link.split("/")[3])
    assert guest.get(link).status_code == 200
    org_id = run(city.url, lambda db: _org_of(db, case_id))
    forged = guest_token(PUBLISHED_KEY, SimpleNamespace(id=case_id, organisation_id=org_id))  # type: ignore[arg-type]
    answer = httpx.get(f"{city.base}/desk/g/{case_id}/{forged}")
    assert answer.status_code == 404 and "우리 동네 가로등" not in answer.text
    key = city.key_file.read_text().strip()
    assert len(key) >= 32 and city.key_file.stat().st_mode & 0o077 == 0


async def _org_of(db: Database, case_id: int) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(Case.organisation_id).where(Case.id == case_id)))  # type: ignore[arg-type]


# --- 2. control characters --------------------------------------------------------------------

def test_control_characters_in_posts_and_names_leave_every_feed_readable(city: City, citizen) -> None:  # type: ignore[no-untyped-def]
    citizen.api.account_update_credentials(display_name=f"시민{CONTROLS}이름", note=f"소개{CONTROLS}")
    citizen.api.status_post(f"#안양 제어 문자{CONTROLS} 글\x00입니다", visibility="public")
    me = citizen.api.account_verify_credentials()
    assert me["display_name"] == "시민이름"
    for path in (f"/@{citizen.username}.rss", f"/@{citizen.username}.atom", "/tags/안양.rss", "/tags/안양.atom"):
        document = parses(httpx.get(city.base + path))
        assert "제어 문자 글입니다" in ET.tostring(document, encoding="unicode"), path


def test_feeds_stay_readable_with_control_characters_stored_before_the_fix(city: City) -> None:
    api, username, _ = register(city.base, new_app(city.base))
    api.status_post("#안양 예전 글", visibility="public")

    async def corrupt(db: Database) -> None:  # rows as an older version could have written them
        async with db.write() as s:
            account = await s.scalar(select(Account).where(Account.username == username))
            await s.execute(update(Account).where(Account.id == account.id).values(  # type: ignore[union-attr]
                display_name=f"옛{CONTROLS}이름", updated_at=utcnow()))
            await s.execute(update(Status).where(Status.account_id == account.id).values(  # type: ignore[union-attr]
                content=f"<p>옛{CONTROLS}글</p>", spoiler_text=f"경고{CONTROLS}", edited_at=utcnow()))

    run(city.url, corrupt)
    for path in (f"/@{username}.rss", f"/@{username}.atom", "/tags/안양.rss"):
        parses(httpx.get(city.base + path))


def test_an_open311_request_with_control_characters_keeps_requests_xml_parseable(city: City) -> None:
    sent = httpx.post(f"{city.base}/open311/v2/requests.json", data={
        "api_key": city.api_key, "service_code": "streetlight", "lat": "37.4016", "long": "126.9228",
        "description": f"가로등{CONTROLS}고장", "first_name": f"민{CONTROLS}지", "address_string": f"안양{CONTROLS}역",
        "attribute[pole_number]": f"안양-{CONTROLS}1"})
    assert sent.status_code in (200, 201), sent.text
    listing = parses(httpx.get(f"{city.base}/open311/v2/requests.xml"))
    assert "가로등고장" in ET.tostring(listing, encoding="unicode")

    async def corrupt(db: Database) -> None:  # a case stored before intake removed controls
        async with db.write() as s:
            await s.execute(update(Case).values(description=f"예전{CONTROLS}요청"))

    run(city.url, corrupt)
    parses(httpx.get(f"{city.base}/open311/v2/requests.xml"))


# --- 5. profile fields --------------------------------------------------------------------------

def test_profile_field_values_are_served_as_safe_html_and_kept_raw_in_source(city: City, citizen) -> None:  # type: ignore[no-untyped-def]
    value = '<img src=x onerror="alert(1)"> https://anyang.go.kr'
    citizen.api.account_update_credentials(fields=[("누리집", value)])
    me = citizen.api.account_verify_credentials()
    shown = httpx.get(f"{city.base}/api/v1/accounts/{me['id']}").json()["fields"][0]["value"]
    assert "<img" not in shown and "&lt;img src=x onerror=" in shown
    assert re.search(r'<a href="https://anyang.go.kr"[^>]*rel="nofollow noopener noreferrer"', shown)
    assert me["source"]["fields"][0]["value"] == value


# --- 6. no 500 on bad input ---------------------------------------------------------------------

def test_parameters_nested_a_thousand_levels_are_a_400(city: City, citizen) -> None:  # type: ignore[no-untyped-def]
    deep = "a" + "[x]" * 1200
    answer = httpx.get(f"{city.base}/api/v1/timelines/public", params={deep: "1"})
    assert answer.status_code == 400 and "nested" in answer.json()["error"]
    body = {"status": "x"}
    node = body
    for _ in range(900):
        node["a"] = {}
        node = node["a"]
    token = citizen.api.access_token
    answer = httpx.post(f"{city.base}/api/v1/statuses", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "nested" in answer.json()["error"]


def test_ids_and_offsets_past_64_bits_are_a_400(city: City, citizen) -> None:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {citizen.api.access_token}"}
    huge = "9999999999999999999"  # 19 digits, above 2**63 - 1
    for path, params in (("/api/v1/timelines/public", {"max_id": huge}),
                         ("/api/v2/search", {"q": "안양", "max_id": huge}),
                         ("/api/v2/search", {"q": "안양", "offset": "9" * 30}),
                         ("/api/v1/accounts/search", {"q": "citizen", "offset": "9" * 30})):
        answer = httpx.get(city.base + path, params=params, headers=auth)
        assert answer.status_code == 400 and answer.json()["error"], (path, params)
    for path in ("/search", f"/@{citizen.username}"):
        answer = httpx.get(city.base + path, params={"q": "안양", "max_id": huge})
        assert answer.status_code == 400 and "페이지 주소" in answer.text, path
    assert httpx.get(f"{city.base}/@{citizen.username}/{huge}").status_code == 404
    # An over-large limit is still clamped, as Mastodon does, not refused.
    clamped = httpx.get(f"{city.base}/api/v1/timelines/public", params={"limit": "9" * 30})
    assert clamped.status_code == 200 and isinstance(clamped.json(), list)
