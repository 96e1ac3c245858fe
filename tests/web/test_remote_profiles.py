"""Remote accounts on the web pages (issue 14): shown with their server's name and a link to
their own page; a citizen follows one (a request until its server accepts, the Follow written
as a delivery), and an unknown or suspended remote name is a Korean 404."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.database import Database
from madang.models import Account, FollowRequest, Job, Mention, Status
from madang.statuses.remote import RemotePost, store_remote_status
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


def _remote_post(database_url: str, author: str, text: str) -> int:
    async def go() -> int:
        db = Database(database_url)
        try:
            async with db.write() as s:
                account = await s.scalar(select(Account).where(Account.acct_key == f"{author}@far.example"))
                assert account is not None
                status, made = await store_remote_status(s, author=account, post=RemotePost(
                    uri=f"{account.uri}/statuses/1", url=f"https://far.example/@{author}/1",
                    content=f"<p>{text}</p>", text=text))
                assert made
                return status.id
        finally:
            await db.dispose()
    return asyncio.run(go())


def _reply_of(database_url: str, parent_id: int) -> tuple[Status, list[str], list[dict]]:
    async def go() -> tuple[Status, list[str], list[dict]]:
        db = Database(database_url)
        try:
            async with db.read() as s:
                reply = await s.scalar(select(Status).where(Status.in_reply_to_id == parent_id))
                assert reply is not None
                mentioned = list(await s.scalars(select(Account.acct_key).join(Mention, Mention.account_id == Account.id)
                                                 .where(Mention.status_id == reply.id)))
                jobs = [j.payload for j in await s.scalars(select(Job).where(Job.name.like("federation.%")))]
                return reply, mentioned, jobs
        finally:
            await db.dispose()
    return asyncio.run(go())


def test_a_citizen_replies_on_the_web_to_a_remote_post(sqlite_url: str, sqlite_web_base: str) -> None:
    """The reply form on a remote post: the remote author is mentioned by their full name, the
    reply joins the remote thread, and it is handed to federation for their server."""
    _remote(sqlite_url, "dana")
    parent_id = _remote_post(sqlite_url, "dana", "안양천 벚꽃 사진 올려요")
    minji = citizen(sqlite_web_base, "minji_reply")
    profile = minji.get("/@dana@far.example")
    assert "안양천 벚꽃 사진 올려요" in profile.text and f"/compose?in_reply_to={parent_id}" in profile.text
    form = minji.get(f"/compose?in_reply_to={parent_id}")
    assert form.status_code == 200 and "@dana@far.example" in form.text

    done = minji.post("/statuses", {"status": "@dana@far.example 예쁘네요! 어디인가요?", "visibility": "public",
                                    "in_reply_to_id": str(parent_id)})
    assert done.status_code == 303, done.text[:500]
    reply, mentioned, jobs = _reply_of(sqlite_url, parent_id)
    assert reply.local and reply.in_reply_to_account_id is not None
    assert mentioned == ["dana@far.example"]
    assert any(p.get("status_id") == reply.id for p in jobs), jobs  # the Create goes out to far.example
    thread = minji.get(f"/@dana@far.example/{parent_id}")
    assert thread.status_code == 200 and "예쁘네요! 어디인가요?" in thread.text
