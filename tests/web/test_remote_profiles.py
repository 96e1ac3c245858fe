"""Remote accounts on the web pages (issue 14): shown with their server's name and a link to
their own page; a citizen follows one (a request until its server accepts, the Follow written
as a delivery), and an unknown or suspended remote name is a Korean 404."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.database import Database
from madang.models import Account, FollowRequest, Job
from tests.web.client import WebClient
from tests.web.test_profiles import citizen


def _remote(database_url: str, name: str, *, suspended: bool = False) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                uri = f"https://far.example/users/{name}"
                s.add(Account(id=new_id(), username=name, domain="far.example", acct_key=f"{name}@far.example",
                              display_name="먼 서버 주민", uri=uri, url=f"https://far.example/@{name}",
                              inbox_url=f"{uri}/inbox", public_key_id=f"{uri}#main-key", actor_type="Person",
                              created_at=utcnow(), updated_at=utcnow(), fetched_at=utcnow(),
                              suspended_at=utcnow() if suspended else None))
        finally:
            await db.dispose()
    asyncio.run(go())


def _state(database_url: str) -> tuple[int, int]:
    async def go() -> tuple[int, int]:
        db = Database(database_url)
        try:
            async with db.read() as s:
                requests = len(list(await s.scalars(select(FollowRequest.id))))
                jobs = len(list(await s.scalars(select(Job.id).where(Job.name.in_(("federation.follow",
                                                                                    "federation.deliver"))))))
                return requests, jobs
        finally:
            await db.dispose()
    return asyncio.run(go())


def test_a_remote_account_is_shown_with_its_server_and_can_be_followed(sqlite_url: str, sqlite_web_base: str) -> None:
    _remote(sqlite_url, "hana")
    _remote(sqlite_url, "gone", suspended=True)
    guest = WebClient(sqlite_web_base)
    page = guest.get("/@hana@far.example")
    assert page.status_code == 200
    assert "먼 서버 주민" in page.text and "@hana@far.example" in page.text
    assert "far.example 서버의 계정입니다." in page.text and 'href="https://far.example/@hana"' in page.text
    assert guest.get("/@nobody@far.example").status_code == 404
    assert guest.get("/@gone@far.example").status_code == 404
    english = WebClient(sqlite_web_base, accept_language="en")
    assert "This account is on far.example." in english.get("/@hana@far.example").text

    minji = citizen(sqlite_web_base, "minji_fed")
    asked = minji.follow(minji.post("/@hana@far.example/follow", {"next": "/@hana@far.example"}))
    assert "팔로우 요청됨" in asked.text  # a request until far.example accepts
    requests, jobs = _state(sqlite_url)
    assert requests == 1 and jobs >= 1
